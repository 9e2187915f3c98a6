import type { Mode } from '../core/options.ts';

/**
 * Rounds to inform all N nodes of a complete graph, one contact per node per round, from one
 * informed node (Frieze-Grimmett / Pittel for push; Karsenti et al. for push-pull). Pull has no
 * formula in the brief; the usual estimate is log2 N (start, doubling) + log2 ln N (end, the
 * uninformed fraction squares each round). Eager push and tree have none (they forward at once: about diameter hops).
 */
export function theoryRounds(mode: Mode, n: number): number | null {
  if (!(n >= 2)) return 0;
  const ln = Math.log(n);
  switch (mode) {
    case 'push':
      return Math.log2(n) + ln;
    case 'push-pull':
      return Math.log(n) / Math.log(3) + Math.log2(ln);
    case 'pull':
      return Math.log2(n) + Math.log2(ln);
    case 'eager':
    case 'tree':
    case 'flood':
      return null;
  }
}

/** The formula behind `theoryRounds`, for printing. */
export function theoryFormula(mode: Mode): string | null {
  switch (mode) {
    case 'push':
      return 'log2 N + ln N';
    case 'push-pull':
      return 'log3 N + log2 ln N';
    case 'pull':
      return '~ log2 N + log2 ln N';
    case 'eager':
    case 'tree':
    case 'flood':
      return null;
  }
}

/** Relative message redundancy: payload messages per node reached beyond the first, minus one (0 = ideal). */
export function rmr(payloadMessages: number, reached: number): number {
  if (reached < 2) return 0;
  return payloadMessages / (reached - 1) - 1;
}

/**
 * Seed plumbing for the simulator. Every random choice in a run comes from one user seed, split
 * into independent streams (one per node, one for the network, one for the scenario), so adding a
 * node or a message never shifts another stream. Only integer arithmetic and IEEE-exact operations
 * are used, so a seed gives the same run in Node and in a browser.
 */

/** A 32-bit seed derived from a parent seed and a few labels (murmur3-style finalizer mixing). */
export function deriveSeed(seed: number, ...parts: Array<number | string>): number {
  let h = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  h = fmix(h ^ (Math.floor(seed / 4294967296) >>> 0));
  for (const part of parts) {
    if (typeof part === 'number') h = fmix(h ^ fmix((Math.trunc(part) >>> 0) + 0x7f4a7c15));
    else for (let i = 0; i < part.length; i++) h = fmix(h ^ (part.charCodeAt(i) + 0x165667b1));
    h = fmix(h + 0x27d4eb2f);
  }
  return h >>> 0;
}

function fmix(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Approximately standard normal: Irwin-Hall (sum of 6 uniforms), centred and scaled to unit
 * variance. Bounded to +-4.24 sd, which suits latencies; no log/cos, so bit-identical everywhere.
 */
export function standardNormal(random: () => number): number {
  let sum = 0;
  for (let i = 0; i < 6; i++) sum += random();
  return (sum - 3) * Math.SQRT2;
}

/** `count` distinct integers from [0, exclusiveMax), in draw order (rejection: cheap when count << max). */
export function distinctInts(random: () => number, exclusiveMax: number, count: number, exclude = -1): number[] {
  const available = exclusiveMax - (exclude >= 0 && exclude < exclusiveMax ? 1 : 0);
  const wanted = Math.min(count, Math.max(0, available));
  const picked: number[] = [];
  if (wanted === 0) return picked;
  if (wanted * 4 > available) {
    // Dense request: partial Fisher-Yates over the candidates.
    const pool: number[] = [];
    for (let i = 0; i < exclusiveMax; i++) if (i !== exclude) pool.push(i);
    for (let i = 0; i < wanted; i++) {
      const j = i + Math.floor(random() * (pool.length - i));
      const tmp = pool[i] as number;
      pool[i] = pool[j] as number;
      pool[j] = tmp;
      picked.push(pool[i] as number);
    }
    return picked;
  }
  while (picked.length < wanted) {
    const candidate = Math.floor(random() * exclusiveMax);
    if (candidate !== exclude && !picked.includes(candidate)) picked.push(candidate);
  }
  return picked;
}

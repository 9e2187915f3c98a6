import { MODES, type Mode } from '../core/options.ts';
import { runRumor, type RumorResult, type RumorRunConfig } from './run.ts';
import { theoryRounds } from './theory.ts';

/** Every run of a sweep shares these; `nodes`, `mode` and `seed` vary. */
export type SweepBase = Omit<RumorRunConfig, 'nodes' | 'mode' | 'seed' | 'trace'>;

export interface SweepConfig {
  modes: readonly Mode[];
  nodes: readonly number[];
  /** Seeds firstSeed, firstSeed + 1, ... (this many per cell). */
  seeds: number;
  /** Default 1. */
  firstSeed?: number;
  base?: SweepBase;
}

/** Order statistics of one figure over the runs of a cell. */
export interface Stats {
  mean: number;
  /** Nearest-rank 99th percentile: with fewer than 100 runs, this is the maximum. */
  p99: number;
  min: number;
  max: number;
}

/** The figures of one run that a cell keeps (enough to summarize again, e.g. after merging sweeps). */
export type RunFigures = Pick<RumorResult, 'seed' | 'live' | 'rounds' | 'roundsToLast' | 'coverage' | 'messages' | 'payloadMessages' | 'rmr' | 'meanDegree'>;

/** One mode at one N, over all seeds. */
export interface SweepCell {
  mode: Mode;
  nodes: number;
  runs: number;
  /** Runs that informed every live node. */
  reached: number;
  /**
   * Rounds to full coverage over the runs that reached it; null when none did. Runs that did not
   * reach it count in `reached` and `coverage`, not here.
   */
  rounds: Stats | null;
  /** Informed fraction of live nodes at the end (every run). */
  coverage: Stats;
  rmr: Stats;
  /** Messages of every kind per live node during the measured phase. */
  messagesPerNode: Stats;
  meanDegree: Stats;
  /** Complete-graph rounds for this N (null: no formula for the mode). */
  theory: number | null;
  /** rounds.mean / theory - 1 (0.1 = 10% slower than the complete graph); null without both. */
  vsTheory: number | null;
  /** Each run's figures, in seed order. */
  perRun: RunFigures[];
}

export interface SweepRunProgress {
  /** Runs finished, this one included, and the total. */
  done: number;
  total: number;
  result: RumorResult;
}

export interface SweepHooks {
  /** After each run (a sweep of large N takes minutes: say something). */
  onRun?: (progress: SweepRunProgress) => void;
  /** Before each run. */
  onStart?: (run: { index: number; total: number; mode: Mode; nodes: number; seed: number }) => void;
}

export interface SweepResult {
  config: { modes: Mode[]; nodes: number[]; seeds: number; firstSeed: number; base: SweepBase };
  cells: SweepCell[];
}

/**
 * Modes x N x seeds rumor runs, summarized per (mode, N). Pure like `runRumor` (no I/O, no wall
 * clock): the CLI, the benchmark and the playground can all call it; same config, same figures.
 * Runs go N by N (small first), then mode, then seed, so progress comes early.
 */
export function runSweep(config: SweepConfig, hooks: SweepHooks = {}): SweepResult {
  const firstSeed = config.firstSeed ?? 1;
  const base = config.base ?? {};
  if (config.modes.length === 0) throw new RangeError('a sweep needs at least one mode');
  for (const mode of config.modes) if (!MODES.includes(mode)) throw new RangeError(`unknown mode ${JSON.stringify(mode)}`);
  if (config.nodes.length === 0) throw new RangeError('a sweep needs at least one N');
  for (const n of config.nodes) if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`N must be a positive integer, got ${n}`);
  if (!Number.isSafeInteger(config.seeds) || config.seeds < 1) throw new RangeError(`seeds must be a positive integer, got ${config.seeds}`);
  if (!Number.isSafeInteger(firstSeed)) throw new RangeError(`firstSeed must be an integer, got ${firstSeed}`);

  const total = config.modes.length * config.nodes.length * config.seeds;
  const cells: SweepCell[] = [];
  let done = 0;
  for (const nodes of config.nodes) {
    for (const mode of config.modes) {
      const results: RumorResult[] = [];
      for (let k = 0; k < config.seeds; k++) {
        const seed = firstSeed + k;
        hooks.onStart?.({ index: done, total, mode, nodes, seed });
        const result = runRumor({ ...base, nodes, mode, seed });
        results.push(result);
        done++;
        hooks.onRun?.({ done, total, result });
      }
      cells.push(summarize(mode, nodes, results));
    }
  }
  return { config: { modes: [...config.modes], nodes: [...config.nodes], seeds: config.seeds, firstSeed, base }, cells };
}

/** One cell's figures from its runs (all of the same mode and N). */
export function summarize(mode: Mode, nodes: number, results: readonly RunFigures[]): SweepCell {
  if (results.length === 0) throw new RangeError('no runs to summarize');
  const reachedRounds = results.flatMap((r) => (r.rounds === null ? [] : [r.rounds]));
  const rounds = reachedRounds.length === 0 ? null : stats(reachedRounds);
  // Crashes can make the live count differ by seed; theory is for the N that must be informed.
  const live = results.reduce((sum, r) => sum + r.live, 0) / results.length;
  const theory = theoryRounds(mode, Math.round(live));
  return {
    mode,
    nodes,
    runs: results.length,
    reached: reachedRounds.length,
    rounds,
    coverage: stats(results.map((r) => r.coverage)),
    rmr: stats(results.map((r) => r.rmr)),
    messagesPerNode: stats(results.map((r) => (r.live === 0 ? 0 : r.messages / r.live))),
    meanDegree: stats(results.map((r) => r.meanDegree)),
    theory: theory === null ? null : round4(theory),
    vsTheory: rounds === null || theory === null || theory === 0 ? null : round4(rounds.mean / theory - 1),
    perRun: results.map((r) => ({
      seed: r.seed,
      live: r.live,
      rounds: r.rounds,
      roundsToLast: r.roundsToLast,
      coverage: r.coverage,
      messages: r.messages,
      payloadMessages: r.payloadMessages,
      rmr: r.rmr,
      meanDegree: r.meanDegree,
    })),
  };
}

/**
 * Several sweeps as one: the runs of cells with the same mode and N are pooled (e.g. seeds 1-10 and
 * 11-20 run in two processes on two cores) and summarized again. Cells keep first-seen order.
 */
export function mergeSweeps(sweeps: readonly SweepResult[]): SweepResult {
  const first = sweeps[0];
  if (first === undefined) throw new RangeError('nothing to merge');
  const pooled = new Map<string, { mode: Mode; nodes: number; runs: RunFigures[] }>();
  for (const sweep of sweeps) {
    for (const cell of sweep.cells) {
      const key = `${cell.mode}@${cell.nodes}`;
      const entry = pooled.get(key) ?? { mode: cell.mode, nodes: cell.nodes, runs: [] };
      entry.runs.push(...cell.perRun);
      pooled.set(key, entry);
    }
  }
  const cells = [...pooled.values()].map(({ mode, nodes, runs }) => summarize(mode, nodes, [...runs].sort((a, b) => a.seed - b.seed)));
  const modes = [...new Set(cells.map((c) => c.mode))];
  const nodes = [...new Set(cells.map((c) => c.nodes))];
  const seeds = Math.max(...cells.map((c) => c.runs));
  return { config: { ...first.config, modes, nodes, seeds }, cells };
}

/** Mean, nearest-rank p99, min and max (rounded to 4 decimals). */
export function stats(values: readonly number[]): Stats {
  if (values.length === 0) throw new RangeError('stats of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, x) => sum + x, 0) / sorted.length;
  const rank = Math.max(1, Math.ceil(0.99 * sorted.length));
  return {
    mean: round4(mean),
    p99: round4(sorted[rank - 1] as number),
    min: round4(sorted[0] as number),
    max: round4(sorted[sorted.length - 1] as number),
  };
}

/** The sweep as a fixed-width text table, one line per cell. */
export function formatSweepTable(result: SweepResult): string {
  const header = ['mode', 'N', 'runs', 'reached', 'rounds mean', 'rounds p99', 'theory', 'vs theory', 'coverage', 'RMR mean', 'RMR p99', 'msgs/node', 'degree'];
  const rows = result.cells.map((c) => [
    c.mode,
    String(c.nodes),
    String(c.runs),
    `${c.reached}/${c.runs}`,
    c.rounds === null ? '-' : c.rounds.mean.toFixed(2),
    c.rounds === null ? '-' : c.rounds.p99.toFixed(2),
    c.theory === null ? '-' : c.theory.toFixed(1),
    c.vsTheory === null ? '-' : `${c.vsTheory >= 0 ? '+' : ''}${(c.vsTheory * 100).toFixed(1)}%`,
    c.coverage.mean.toFixed(4),
    c.rmr.mean.toFixed(3),
    c.rmr.p99.toFixed(3),
    c.messagesPerNode.mean.toFixed(1),
    c.meanDegree.mean.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

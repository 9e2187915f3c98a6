/**
 * The simulator part of the benchmark. The sweep (modes x N x seeds, through runSweep) runs in
 * child processes of the simulator's own CLI (`cli.ts --sweep --json`), several at once, and the
 * pieces are pooled with mergeSweeps: same seeds, same figures as one `npm run sim:sweep`. The
 * scale run (one push-pull rumor at 100,000 nodes) runs alone in a child process afterwards, so
 * that its wall time and peak RSS are its own; they are read from the CLI's report.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MODES, type Mode } from '../../client/src/core/options.ts';
import { mergeSweeps, type SweepCell, type SweepResult } from '../../client/src/sim/sweep.ts';
import { LARGE_N, type BenchOptions } from './options.ts';

const CLI = fileURLToPath(new URL('../../client/src/sim/cli.ts', import.meta.url));

/** One child sweep: these modes x these N x seeds firstSeed .. firstSeed + seeds - 1. */
export interface SweepTask {
  modes: Mode[];
  nodes: number[];
  firstSeed: number;
  seeds: number;
}

export function taskRuns(task: SweepTask): number {
  return task.modes.length * task.nodes.length * task.seeds;
}

/** Splits 1..seeds into at most `parts` contiguous chunks of near-equal size. */
export function seedChunks(seeds: number, parts: number): { firstSeed: number; seeds: number }[] {
  const count = Math.max(1, Math.min(parts, seeds));
  const chunks: { firstSeed: number; seeds: number }[] = [];
  let next = 1;
  for (let i = 0; i < count; i++) {
    const size = Math.floor(seeds / count) + (i < seeds % count ? 1 : 0);
    chunks.push({ firstSeed: next, seeds: size });
    next += size;
  }
  return chunks;
}

/**
 * The child sweeps: small N (below LARGE_N) as `jobs` seed chunks over every mode and small N (they
 * take seconds); each large N as one task per mode and seed chunk, so that `jobs` processes stay
 * busy until the end.
 */
export function planSweep(sim: BenchOptions['sim']): SweepTask[] {
  const small = sim.nodes.filter((n) => n < LARGE_N);
  const large = sim.nodes.filter((n) => n >= LARGE_N);
  const tasks: SweepTask[] = [];
  if (small.length > 0) {
    for (const chunk of seedChunks(sim.seeds, sim.jobs)) tasks.push({ modes: [...sim.modes], nodes: small, ...chunk });
  }
  for (const nodes of large) {
    for (const mode of sim.modes) {
      for (const chunk of seedChunks(sim.seedsLarge, Math.max(1, Math.ceil(sim.jobs / sim.modes.length)))) {
        tasks.push({ modes: [mode], nodes: [nodes], ...chunk });
      }
    }
  }
  return tasks;
}

export interface SimSweepFigures {
  sweep: SweepResult;
  /** Seeds per cell, by N. */
  seedsByNodes: Record<string, number>;
  jobs: number;
  durationMs: number;
}

/** Runs the sweep's tasks, `jobs` child processes at once; progress lines through `progress`. */
export async function runSimSweep(sim: BenchOptions['sim'], progress: (line: string) => void): Promise<SimSweepFigures> {
  const tasks = planSweep(sim);
  const total = tasks.reduce((n, t) => n + taskRuns(t), 0);
  const started = Date.now();
  progress(
    `sim sweep: modes ${sim.modes.join(',')} x N ${sim.nodes.join(',')}; seeds ${sim.seeds} (N < ${LARGE_N}), ${sim.seedsLarge} (N >= ${LARGE_N}); ` +
      `${total} runs in ${tasks.length} processes, ${sim.jobs} at once`,
  );
  let done = 0;
  const results: SweepResult[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const task = tasks[next++] as SweepTask;
      const args = ['--sweep', '--json', '--modes', task.modes.join(','), '--nodes', task.nodes.join(','), '--seeds', String(task.seeds), '--seed', String(task.firstSeed)];
      const { stdout } = await runChild(args, (line) => {
        const run = /^\[\s*\d+\/\d+\]\s*(.*)$/.exec(line);
        if (run === null) return; // the child's own header and footer
        done++;
        progress(`sim [${String(done).padStart(String(total).length)}/${total}] ${(run[1] as string).replace(/, elapsed [\d.]+s\)$/, ')')}  (${seconds(Date.now() - started)} elapsed)`);
      });
      results.push(JSON.parse(stdout) as SweepResult);
    }
  };
  await Promise.all(Array.from({ length: Math.min(sim.jobs, tasks.length) }, worker));
  const sweep = sortCells(mergeSweeps(results));
  const seedsByNodes = Object.fromEntries(sim.nodes.map((n) => [String(n), n >= LARGE_N ? sim.seedsLarge : sim.seeds]));
  return { sweep, seedsByNodes, jobs: sim.jobs, durationMs: Date.now() - started };
}

/** Cells by N, then in the core's order of modes. */
function sortCells(sweep: SweepResult): SweepResult {
  const order = (c: SweepCell): number => c.nodes * 100 + MODES.indexOf(c.mode);
  const cells = [...sweep.cells].sort((a, b) => order(a) - order(b));
  return { config: { ...sweep.config, nodes: [...new Set(cells.map((c) => c.nodes))] }, cells };
}

/** What the scale run's report says (`npm run sim -- --nodes N`), and what the parent saw. */
export interface ScaleFigures {
  nodes: number;
  mode: Mode;
  seed: number;
  /** The simulation's own wall time and peak RSS (process.resourceUsage().maxRSS), from its report. */
  wallTimeS: number | null;
  peakRssMB: number | null;
  events: number | null;
  rounds: number | null;
  coverage: number | null;
  rmr: number | null;
  messages: number | null;
  payloadMessages: number | null;
  meanDegree: number | null;
  /** Spawn to exit, as the parent saw it (includes loading the TypeScript). */
  processWallMs: number;
}

type ScaleReport = Omit<ScaleFigures, 'nodes' | 'mode' | 'seed' | 'processWallMs'>;

/** Reads the figures out of the CLI's single-run text report; a figure it does not find is null. */
export function parseScaleReport(text: string): ScaleReport {
  const num = (re: RegExp): number | null => {
    const m = re.exec(text);
    return m === null ? null : Number(m[1]);
  };
  return {
    wallTimeS: num(/wall time ([\d.]+)s/),
    peakRssMB: num(/peak RSS ([\d.]+) MB/),
    events: num(/, (\d+) events/),
    rounds: num(/^rounds to full coverage\s+([\d.]+)/m),
    coverage: num(/^coverage\s+([\d.]+)/m),
    rmr: num(/^RMR\s+(-?[\d.]+)/m),
    messages: num(/^messages\s+(\d+) in/m),
    payloadMessages: num(/^payload messages\s+(\d+)/m),
    meanDegree: num(/mean degree ([\d.]+), isolated at start/),
  };
}

export async function runScale(nodes: number, progress: (line: string) => void): Promise<ScaleFigures> {
  const mode: Mode = 'push-pull';
  const seed = 1;
  progress(`sim scale: one ${mode} rumor at N=${nodes}, seed ${seed}, alone in its own process`);
  const started = Date.now();
  const { stdout } = await runChild(['--nodes', String(nodes), '--mode', mode, '--seed', String(seed)], undefined, (line) => {
    if (line.startsWith('warm-up') || line.startsWith('round') || line.startsWith('wall time')) progress(`sim scale: ${line}`);
  });
  return { nodes, mode, seed, ...parseScaleReport(stdout), processWallMs: Date.now() - started };
}

/** Runs the simulator CLI under the same Node and TypeScript loader as this process. */
function runChild(args: readonly string[], onStderrLine?: (line: string) => void, onStdoutLine?: (line: string) => void): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderrTail = '';
    const lines = (each: ((line: string) => void) | undefined) => {
      let partial = '';
      return (chunk: Buffer): string => {
        const text = chunk.toString('utf8');
        if (each !== undefined) {
          const parts = (partial + text).split('\n');
          partial = parts.pop() ?? '';
          for (const line of parts) each(line);
        }
        return text;
      };
    };
    const outLines = lines(onStdoutLine);
    const errLines = lines(onStderrLine);
    child.stdout.on('data', (chunk: Buffer) => (stdout += outLines(chunk)));
    child.stderr.on('data', (chunk: Buffer) => (stderrTail = (stderrTail + errLines(chunk)).slice(-4000)));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve({ stdout });
      else reject(new Error(`simulator ${args.join(' ')} exited with ${code ?? signal}:\n${stderrTail}`));
    });
  });
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

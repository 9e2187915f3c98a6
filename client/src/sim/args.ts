import { MODES, type Mode } from '../core/options.ts';
import type { MemoryEncoding } from '../transport/memory.ts';
import { COMPLETE_GRAPH_MODES } from './complete-graph.ts';
import type { LatencyModel } from './network.ts';
import type { RumorRunConfig } from './run.ts';
import type { SweepConfig } from './sweep.ts';

/** What `npm run sim -- ...` understood. Pure: no process, so it is unit-tested and reusable. */
/**
 * mesh: the GossipNode mesh; complete: the complete-graph baseline (complete-graph.ts), same timing
 * model; regular: that model on a random --degree-regular graph (the sparse graph without the protocol).
 */
export type Graph = 'mesh' | 'complete' | 'regular';

export interface CliOptions {
  run: RumorRunConfig;
  graph: Graph;
  json: boolean;
  quiet: boolean;
}

/** What `npm run sim -- --sweep ...` understood. */
export interface SweepCliOptions {
  sweep: SweepConfig;
  graph: Graph;
  json: boolean;
  quiet: boolean;
}

export type ParsedArgs =
  | { kind: 'run'; options: CliOptions }
  | { kind: 'sweep'; options: SweepCliOptions }
  | { kind: 'help' }
  | { kind: 'error'; message: string };

export const DEFAULT_SWEEP_NODES: readonly number[] = [100, 1000, 10_000];
export const DEFAULT_SWEEP_SEEDS = 20;

export const USAGE = `usage: npm run sim -- [options]
       npm run sim -- --sweep [--modes M,M] [--nodes N,N] [--seeds K] [options]   (or npm run sim:sweep)

Spreads one rumor from one random node through a simulated mesh and reports how fast and at
what cost. Same seed, same run. With --sweep, runs every mode x N x seed and prints progress
and a table: mean and p99 rounds to full coverage, coverage and RMR beside the complete-graph
theory.

  --nodes N          nodes (default 1000); with --sweep a list, "100,1000" (default ${DEFAULT_SWEEP_NODES.join(',')})
  --mode M           ${MODES.join(' | ')} (default push-pull); with --sweep a list (default all)
  --modes M,M        same as --mode (a list, for --sweep)
  --seed S           integer seed (default 1); with --sweep the first seed
  --sweep            run modes x N x seeds (see above)
  --seeds K          seeds per (mode, N) with --sweep: S, S+1, ... (default ${DEFAULT_SWEEP_SEEDS})
  --degree D         target links per node, the core's activeViewSize (default 5)
  --max-degree D     hard cap on links, maxActiveViewSize (default degree + 3)
  --fanout F         eager forwarding fanout (default 3)
  --loss P           message loss probability, 0 <= P < 1 (default 0)
  --crash F          fraction of nodes crashed just before the rumor, 0 <= F < 1 (default 0)
  --period MS        gossip period in ms (default 1000)
  --warmup R         rounds of warm-up after everyone joined (default 15)
  --max-rounds R     stop after R rounds without full coverage (default 200)
  --latency L        one-way link latency in ms: "40" or "10-100" (uniform; default 10-100)
  --jitter MS        extra per-message delay, uniform [0, MS) (default 0)
  --bandwidth B      per-link bandwidth in bytes/ms (default unlimited)
  --encoding E       object | json: what the memory transport carries (default object)
  --graph G          mesh | complete: the GossipNode mesh, or the complete-graph baseline (every node
                     linked to every other, same periods, phases and latency; push, pull, push-pull only)
                     | regular: that model on a random regular graph of --degree D (default 5) links each
  --json             print one JSON object instead of the report (with --sweep: the whole sweep)
  --quiet            no progress lines
  --help             this text

Exit codes: 0 done, 2 bad options, 1 anything else.`;

type Spec =
  | { kind: 'int'; min: number; max: number }
  | { kind: 'number'; min: number; max: number; maxExclusive?: boolean }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'latency' }
  | { kind: 'flag' };

const NODES_SPEC: Spec = { kind: 'int', min: 1, max: 10_000_000 };
const MODE_SPEC: Spec = { kind: 'enum', values: MODES };

const SPECS: Record<string, Spec> = {
  nodes: NODES_SPEC,
  mode: MODE_SPEC,
  modes: MODE_SPEC,
  sweep: { kind: 'flag' },
  seeds: { kind: 'int', min: 1, max: 100_000 },
  seed: { kind: 'int', min: -(2 ** 53) + 1, max: 2 ** 53 - 1 },
  degree: { kind: 'int', min: 1, max: 64 },
  'max-degree': { kind: 'int', min: 1, max: 128 },
  fanout: { kind: 'int', min: 1, max: 64 },
  loss: { kind: 'number', min: 0, max: 1, maxExclusive: true },
  crash: { kind: 'number', min: 0, max: 1, maxExclusive: true },
  period: { kind: 'int', min: 10, max: 3_600_000 },
  warmup: { kind: 'number', min: 0, max: 100_000 },
  'max-rounds': { kind: 'int', min: 1, max: 1_000_000 },
  latency: { kind: 'latency' },
  jitter: { kind: 'number', min: 0, max: 3_600_000 },
  bandwidth: { kind: 'number', min: Number.MIN_VALUE, max: Number.MAX_VALUE },
  encoding: { kind: 'enum', values: ['object', 'json'] },
  graph: { kind: 'enum', values: ['mesh', 'complete', 'regular'] },
  json: { kind: 'flag' },
  quiet: { kind: 'flag' },
  help: { kind: 'flag' },
};

type Value = number | string | boolean | LatencyModel | Array<number | string>;

/** Options whose value may be a comma-separated list with --sweep. */
const LISTS = new Set(['nodes', 'mode', 'modes']);

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const values = new Map<string, Value>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) return error(`unexpected argument ${JSON.stringify(arg)} (options start with --)`);
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const spec = SPECS[name];
    if (spec === undefined) return error(`unknown option --${name}`);
    if (values.has(name)) return error(`--${name} given twice`);
    if (spec.kind === 'flag') {
      if (eq >= 0) return error(`--${name} takes no value`);
      values.set(name, true);
      continue;
    }
    let raw: string | undefined;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      raw = argv[i + 1];
      if (raw === undefined || (raw.startsWith('--') && raw.length > 2)) return error(`--${name} needs a value`);
      i++;
    }
    if (LISTS.has(name)) {
      values.set(name, raw); // a list or not: decided below, once --sweep is known
      continue;
    }
    const parsed = parseValue(name, spec, raw);
    if (typeof parsed === 'object' && 'error' in parsed) return error(parsed.error);
    values.set(name, parsed);
  }
  if (values.get('help') === true) return { kind: 'help' };
  const sweep = values.get('sweep') === true;
  if (values.has('mode') && values.has('modes')) return error('give --mode or --modes, not both');
  if (values.has('modes')) {
    values.set('mode', values.get('modes') as string);
    values.delete('modes');
  }
  if (!sweep) {
    if (values.has('seeds')) return error('--seeds goes with --sweep (one run takes --seed)');
    for (const name of ['nodes', 'mode']) {
      const raw = values.get(name) as string | undefined;
      if (raw === undefined) continue;
      if (raw.includes(',')) return error(`--${name} takes one value without --sweep; got ${JSON.stringify(raw)}`);
      const parsed = parseValue(name, SPECS[name] as Exclude<Spec, { kind: 'flag' }>, raw);
      if (typeof parsed === 'object' && 'error' in parsed) return error(parsed.error);
      values.set(name, parsed);
    }
  } else {
    for (const name of ['nodes', 'mode']) {
      const raw = values.get(name) as string | undefined;
      if (raw === undefined) continue;
      const items = raw.split(',');
      const list: Array<number | string> = [];
      for (const item of items) {
        const parsed = parseValue(name, SPECS[name] as Exclude<Spec, { kind: 'flag' }>, item.trim());
        if (typeof parsed === 'object' && 'error' in parsed) return error(parsed.error);
        if (list.includes(parsed as number | string)) return error(`--${name} lists ${JSON.stringify(item.trim())} twice`);
        list.push(parsed as number | string);
      }
      values.set(name, list);
    }
  }

  const degree = values.get('degree') as number | undefined;
  const maxDegree = values.get('max-degree') as number | undefined;
  if (degree !== undefined && maxDegree !== undefined && maxDegree < degree) {
    return error(`--max-degree (${maxDegree}) must be >= --degree (${degree})`);
  }
  if (maxDegree !== undefined && degree === undefined && maxDegree < 5) {
    return error(`--max-degree (${maxDegree}) must be >= the degree (default 5; set --degree too)`);
  }
  const period = (values.get('period') as number | undefined) ?? 1000;
  const run: RumorRunConfig = {
    nodes: sweep ? 0 : ((values.get('nodes') as number | undefined) ?? 1000),
    mode: sweep ? 'push-pull' : ((values.get('mode') as Mode | undefined) ?? 'push-pull'),
    seed: (values.get('seed') as number | undefined) ?? 1,
    periodMs: period,
  };
  if (degree !== undefined) run.degree = degree;
  if (maxDegree !== undefined) run.maxDegree = maxDegree;
  const fanout = values.get('fanout') as number | undefined;
  if (fanout !== undefined) run.fanout = fanout;
  const loss = values.get('loss') as number | undefined;
  if (loss !== undefined) run.loss = loss;
  const crash = values.get('crash') as number | undefined;
  if (crash !== undefined) run.crash = crash;
  const warmup = values.get('warmup') as number | undefined;
  if (warmup !== undefined) run.warmupMs = warmup * period;
  const maxRounds = values.get('max-rounds') as number | undefined;
  if (maxRounds !== undefined) run.maxRounds = maxRounds;
  const latency = values.get('latency') as LatencyModel | undefined;
  const jitter = values.get('jitter') as number | undefined;
  const bandwidth = values.get('bandwidth') as number | undefined;
  if (latency !== undefined || jitter !== undefined || bandwidth !== undefined) {
    run.network = {
      ...(latency !== undefined ? { latency } : {}),
      ...(jitter !== undefined ? { jitterMs: jitter } : {}),
      ...(bandwidth !== undefined ? { bandwidthBytesPerMs: bandwidth } : {}),
    };
  }
  const encoding = values.get('encoding') as MemoryEncoding | undefined;
  if (encoding !== undefined) run.encoding = encoding;
  const json = values.get('json') === true;
  const quiet = values.get('quiet') === true;
  const graph = (values.get('graph') as Graph | undefined) ?? 'mesh';
  if (graph !== 'mesh') {
    const modes = sweep ? ((values.get('mode') as Mode[] | undefined) ?? COMPLETE_GRAPH_MODES) : [run.mode];
    const bad = modes.find((m) => !(COMPLETE_GRAPH_MODES as readonly string[]).includes(m));
    if (bad !== undefined) return error(`--graph ${graph} runs ${COMPLETE_GRAPH_MODES.join(', ')} only; got mode ${bad}`);
    const meshOnly = [...(graph === 'complete' ? ['degree'] : []), 'max-degree', 'fanout', 'crash', 'warmup', 'bandwidth', 'encoding'].find((name) => values.has(name));
    if (meshOnly !== undefined) return error(`--${meshOnly} has no meaning with --graph ${graph}`);
    if (sweep && !values.has('mode')) values.set('mode', [...COMPLETE_GRAPH_MODES]);
  }
  if (sweep) {
    const { nodes: _nodes, mode: _mode, seed: firstSeed, ...base } = run;
    const sweepConfig: SweepConfig = {
      modes: (values.get('mode') as Mode[] | undefined) ?? MODES,
      nodes: (values.get('nodes') as number[] | undefined) ?? DEFAULT_SWEEP_NODES,
      seeds: (values.get('seeds') as number | undefined) ?? DEFAULT_SWEEP_SEEDS,
      firstSeed,
      base,
    };
    return { kind: 'sweep', options: { sweep: sweepConfig, graph, json, quiet } };
  }
  return { kind: 'run', options: { run, graph, json, quiet } };
}

function parseValue(name: string, spec: Exclude<Spec, { kind: 'flag' }>, raw: string): Value | { error: string } {
  const shown = JSON.stringify(raw);
  switch (spec.kind) {
    case 'enum':
      return spec.values.includes(raw) ? raw : { error: `--${name} must be one of ${spec.values.join(', ')}; got ${shown}` };
    case 'int': {
      if (!/^-?\d+$/.test(raw)) return { error: `--${name} must be an integer; got ${shown}` };
      const value = Number(raw);
      if (!Number.isSafeInteger(value) || value < spec.min || value > spec.max) {
        return { error: `--${name} must be an integer from ${spec.min} to ${spec.max}; got ${shown}` };
      }
      return value;
    }
    case 'number': {
      const value = parseNumber(raw);
      const tooBig = spec.maxExclusive === true ? value >= spec.max : value > spec.max;
      if (Number.isNaN(value) || value < spec.min || tooBig) {
        const range = spec.maxExclusive === true ? `>= ${spec.min} and < ${spec.max}` : `>= ${spec.min === Number.MIN_VALUE ? '0 (exclusive)' : spec.min}`;
        return { error: `--${name} must be a number ${range}; got ${shown}` };
      }
      return value;
    }
    case 'latency': {
      const range = /^([^-]+)-([^-]+)$/.exec(raw);
      if (range !== null) {
        const min = parseNumber(range[1] as string);
        const max = parseNumber(range[2] as string);
        if (Number.isNaN(min) || Number.isNaN(max) || min < 0 || max < min || max > 3_600_000) {
          return { error: `--latency range must be MIN-MAX ms with 0 <= MIN <= MAX; got ${shown}` };
        }
        return { kind: 'uniform', minMs: min, maxMs: max };
      }
      const ms = parseNumber(raw);
      if (Number.isNaN(ms) || ms < 0 || ms > 3_600_000) return { error: `--latency must be ms ("40") or a range ("10-100"); got ${shown}` };
      return { kind: 'constant', ms };
    }
  }
}

/** A plain decimal number (no hex, no "Infinity", no empty string). */
function parseNumber(raw: string): number {
  return /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw.trim()) ? Number(raw.trim()) : NaN;
}

function error(message: string): ParsedArgs {
  return { kind: 'error', message };
}

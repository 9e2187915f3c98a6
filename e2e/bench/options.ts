/**
 * What `npm run bench -- ...` understood. Pure (no process, no I/O), so it is unit-tested; the CLI
 * (main.ts) prints `error` and exits 2.
 */
import { MODES, type Mode } from '../../client/src/core/options.ts';
import { SETTING_PARAMS } from '../../client/src/ui/settings.ts';

/** Modes the browser part compares; flood is always measured too, as the baseline. */
export const BROWSER_MODES: readonly Mode[] = ['tree', 'eager', 'push-pull'];
export const BASELINE_MODE: Mode = 'flood';

/**
 * How the comparison learns that an update reached a tab. 'push': every tab waits for it in the
 * page and answers once it arrived, so no tab is disturbed while the update spreads. 'poll' (the
 * method of runs before git 896c9b4, 2026-12-03): every 100 ms the harness asks each tab not yet
 * reached, which wakes every renderer in the middle of the spreading, and weighs on a system whose
 * updates take several hops more than on a one-hop one.
 */
export type ArrivalWatch = 'push' | 'poll';

export interface BenchOptions {
  sim: {
    run: boolean;
    modes: Mode[];
    nodes: number[];
    /** Seeds per (mode, N) for N below LARGE_N, and for N >= LARGE_N. */
    seeds: number;
    seedsLarge: number;
    /** One push-pull run at this N for wall time and peak memory; 0 = none. */
    scaleNodes: number;
    /** Simulator processes at once for the sweep. */
    jobs: number;
  };
  /** The per-mode part: one mesh per tab count, every mode on the same tabs and links. */
  browser: {
    run: boolean;
    tabs: number[];
    /** Compared modes, flood (the baseline) last and always. */
    modes: Mode[];
    rumors: number;
    /** Rumors published after each mode switch and not counted (tree mode prunes on them). */
    warmupRumors: number;
    periodMs: number;
    fanout: number;
    seed: number;
    openConcurrency: number;
  };
  /** The comparison with y-webrtc: each tab in its own context, repetitions alternating (versus/). */
  versus: {
    run: boolean;
    tabs: number[];
    /** Repetitions per system and tab count. */
    repeat: number;
    /** Updates per repetition, each from a random tab. */
    updates: number;
    /** Idle window for messages and CPU. */
    idleMs: number;
    /** Tabs loading at once while opening. */
    openConcurrency: number;
    seed: number;
    /** Extra URL settings for the mesh's page (`signed=false`: what signing costs); '' for the page as served. */
    meshQuery: string;
    /** Diagnostic: the mesh's pages see document.visibilityState 'hidden', so their UI draws nothing (not the product's figure). */
    meshHidden: boolean;
    /** How the harness learns an update reached a tab: each tab says so ('push'), or it asks every 100 ms ('poll'). */
    arrivals: ArrivalWatch;
  };
  outDir: string;
}

/** From this N on, a sweep cell takes `seedsLarge` seeds. */
export const LARGE_N = 10_000;

/**
 * Default seeds at N >= 10,000. On the 2-CPU machine the benchmark was written on, 2 seeds x 6
 * modes at N = 10,000 took 4.1 min with 2 processes (one run: 13-56 s, load average 6-14), so 20
 * seeds would take about 40 min: the default runs 5 and says so; `--seeds-large 20` runs the
 * issue's figure.
 */
export const DEFAULT_SEEDS_LARGE = 5;

export function defaultOptions(cpus: number): BenchOptions {
  return {
    sim: {
      run: true,
      modes: [...MODES],
      nodes: [100, 1000, 10_000],
      seeds: 20,
      seedsLarge: DEFAULT_SEEDS_LARGE,
      scaleNodes: 100_000,
      jobs: Math.max(1, Math.min(cpus, 4)),
    },
    browser: {
      run: true,
      tabs: [12, 24],
      modes: [...BROWSER_MODES, BASELINE_MODE],
      rumors: 20,
      warmupRumors: 2,
      periodMs: 1000,
      fanout: 3,
      seed: 1,
      openConcurrency: 1,
    },
    versus: { run: true, tabs: [24, 48], repeat: 3, updates: 20, idleMs: 10_000, openConcurrency: 2, seed: 1, meshQuery: '', meshHidden: false, arrivals: 'push' },
    outDir: 'bench-results',
  };
}

export const USAGE = `usage: npm run bench -- [options]

Measures the gossip mesh and writes bench-results/latest.json and bench-results/report.html.
Progress goes to stderr, the tables to stdout. It reports; it never fails on a figure.

Simulator (same core, virtual clock):
  --skip-sim             no simulator figures
  --sim-nodes N,N        N per sweep cell (default 100,1000,10000)
  --sim-modes M,M        modes (default ${MODES.join(',')})
  --seeds K              seeds per (mode, N) below N=${LARGE_N} (default 20)
  --seeds-large K        seeds per (mode, N) at N >= ${LARGE_N} (default ${DEFAULT_SEEDS_LARGE}; 20 took ~40 min on 2 CPUs)
  --scale-nodes N        one push-pull run at N for wall time and peak memory (default 100000)
  --skip-scale           no such run
  --jobs J               simulator processes at once (default: CPUs, at most 4)

Beside y-webrtc (Chromium, each tab in its own browser context, as separate users; the mesh page
as npm start serves it, default settings; y-webrtc 10.3.0 with Yjs and its own signaling server;
repetitions alternate between the two; data-channel messages and links counted by one probe):
  --skip-versus          no comparison
  --tabs N,N             tab counts (default 24,48)
  --repeat K             repetitions per system and tab count (default 3)
  --updates K            updates per repetition, each from a random tab (default 20)
  --idle-ms MS           idle window for messages and CPU (default 10000)
  --open-concurrency C   tabs loading at once while opening (default 2)
  --versus-seed S        picks the updating tabs (default 1)
  --mesh-query Q         URL settings for the mesh's tabs, e.g. signed=false to measure what signing
                         costs (default none: the page as served; such a run is not the product's figure)
  --mesh-hidden          diagnostic: the mesh's pages read as hidden, so their UI draws nothing (what the
                         drawing costs the updates; not the product's figure)
  --arrivals push|poll   how an update's arrival is read: each tab answers when it has it (push, default),
                         or the harness asks every tab every 100 ms (poll, as runs before git 896c9b4 did)

Modes (Chromium, one context, one mesh per N; every mode on the same tabs and links):
  --skip-modes           no per-mode figures
  --skip-browser         neither browser part (only the simulator)
  --mode-tabs N,N        tabs per mesh (default 12,24)
  --browser-modes M,M    modes compared with the flood baseline (default ${BROWSER_MODES.join(',')})
  --rumors K             counted rumors per mode, each from a random tab (default 20)
  --warmup-rumors K      rumors after each mode switch that are not counted (default 2)
  --period-ms MS         gossip period of the tabs (default 1000)
  --fanout F             eager fanout of the tabs (default 3)
  --seed S               picks the publishing tabs (default 1)
  --concurrency C        tabs loading at once while opening (default 1)

  --out-dir DIR          where the JSON and the HTML go (default bench-results)
  --help                 this text

STATIC_DIR=<dir> serves a client built elsewhere; otherwise the benchmark builds the client into
a private directory (never dist/). As root on Linux the browser part runs in a fresh
loopback-only network namespace (E2E_NETNS=0: host network).
Exit codes: 0 done, 2 bad options, 1 anything else.`;

export type ParsedBenchArgs = { kind: 'run'; options: BenchOptions } | { kind: 'help' } | { kind: 'error'; message: string };

type Flag = 'skip-sim' | 'skip-browser' | 'skip-modes' | 'skip-versus' | 'skip-scale' | 'mesh-hidden' | 'help';
const FLAGS: readonly string[] = ['skip-sim', 'skip-browser', 'skip-modes', 'skip-versus', 'skip-scale', 'mesh-hidden', 'help'] satisfies Flag[];
const VALUED = [
  'sim-nodes',
  'sim-modes',
  'seeds',
  'seeds-large',
  'scale-nodes',
  'jobs',
  'tabs',
  'repeat',
  'updates',
  'idle-ms',
  'open-concurrency',
  'versus-seed',
  'mesh-query',
  'arrivals',
  'mode-tabs',
  'browser-modes',
  'rumors',
  'warmup-rumors',
  'period-ms',
  'fanout',
  'seed',
  'concurrency',
  'out-dir',
] as const;
type Valued = (typeof VALUED)[number];

class BadOption extends Error {}

function int(name: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw)) throw new BadOption(`--${name} must be a whole number from ${min} to ${max}; got ${JSON.stringify(raw)}`);
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new BadOption(`--${name} must be a whole number from ${min} to ${max}; got ${raw}`);
  return value;
}

function list<T>(name: string, raw: string, item: (one: string) => T): T[] {
  const items = raw.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new BadOption(`--${name} takes a comma-separated list with no empty items; got ${JSON.stringify(raw)}`);
  const values = items.map(item);
  if (new Set(values).size !== values.length) throw new BadOption(`--${name} lists a value twice: ${JSON.stringify(raw)}`);
  return values;
}

function mode(name: string, raw: string): Mode {
  if (!(MODES as readonly string[]).includes(raw)) throw new BadOption(`--${name}: mode must be one of ${MODES.join(', ')}; got ${JSON.stringify(raw)}`);
  return raw as Mode;
}

export function parseBenchArgs(argv: readonly string[], cpus: number): ParsedBenchArgs {
  try {
    return parse(argv, cpus);
  } catch (error: unknown) {
    if (error instanceof BadOption) return { kind: 'error', message: error.message };
    throw error;
  }
}

function parse(argv: readonly string[], cpus: number): ParsedBenchArgs {
  const flags = new Set<string>();
  const values = new Map<Valued, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-h') {
      flags.add('help');
      continue;
    }
    if (!arg.startsWith('--')) throw new BadOption(`unexpected argument ${JSON.stringify(arg)} (options start with --)`);
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    if (FLAGS.includes(name)) {
      if (eq >= 0) throw new BadOption(`--${name} takes no value`);
      if (flags.has(name)) throw new BadOption(`--${name} given twice`);
      flags.add(name);
      continue;
    }
    if (!(VALUED as readonly string[]).includes(name)) throw new BadOption(`unknown option --${name}`);
    const key = name as Valued;
    if (values.has(key)) throw new BadOption(`--${name} given twice`);
    let raw: string | undefined;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      raw = argv[++i];
      if (raw === undefined || raw.startsWith('--')) throw new BadOption(`--${name} needs a value`);
    }
    values.set(key, raw);
  }
  if (flags.has('help')) return { kind: 'help' };

  const options = defaultOptions(cpus);
  const { sim, browser, versus } = options;
  sim.run = !flags.has('skip-sim');
  browser.run = !flags.has('skip-browser') && !flags.has('skip-modes');
  versus.run = !flags.has('skip-browser') && !flags.has('skip-versus');
  if (!sim.run && !browser.run && !versus.run) throw new BadOption('the --skip options given leave nothing to measure');
  const get = (name: Valued): string | undefined => values.get(name);
  const skipFlag = { sim: 'skip-sim', browser: flags.has('skip-browser') ? 'skip-browser' : 'skip-modes', versus: flags.has('skip-browser') ? 'skip-browser' : 'skip-versus' } as const;
  const given = (name: Valued, part: 'sim' | 'browser' | 'versus'): string | undefined => {
    const raw = get(name);
    if (raw !== undefined && !options[part].run) throw new BadOption(`--${name} has no effect with --${skipFlag[part]}`);
    return raw;
  };
  const intOf = (name: Valued, part: 'sim' | 'browser' | 'versus', min: number, max: number): number | undefined => {
    const raw = given(name, part);
    return raw === undefined ? undefined : int(name, raw, min, max);
  };

  let raw = given('sim-nodes', 'sim');
  if (raw !== undefined) sim.nodes = list('sim-nodes', raw, (s) => int('sim-nodes', s, 2, 1_000_000));
  raw = given('sim-modes', 'sim');
  if (raw !== undefined) sim.modes = list('sim-modes', raw, (s) => mode('sim-modes', s));
  sim.seeds = intOf('seeds', 'sim', 1, 10_000) ?? sim.seeds;
  sim.seedsLarge = intOf('seeds-large', 'sim', 1, 10_000) ?? sim.seedsLarge;
  raw = given('scale-nodes', 'sim');
  if (raw !== undefined) {
    if (flags.has('skip-scale')) throw new BadOption('give --scale-nodes or --skip-scale, not both');
    sim.scaleNodes = int('scale-nodes', raw, 2, 10_000_000);
  }
  if (flags.has('skip-scale')) {
    if (!sim.run) throw new BadOption('--skip-scale has no effect with --skip-sim');
    sim.scaleNodes = 0;
  }
  sim.jobs = intOf('jobs', 'sim', 1, 64) ?? sim.jobs;

  raw = given('tabs', 'versus');
  if (raw !== undefined) versus.tabs = list('tabs', raw, (s) => int('tabs', s, 2, 100));
  versus.repeat = intOf('repeat', 'versus', 1, 100) ?? versus.repeat;
  versus.updates = intOf('updates', 'versus', 1, 10_000) ?? versus.updates;
  versus.idleMs = intOf('idle-ms', 'versus', 1000, 600_000) ?? versus.idleMs;
  versus.openConcurrency = intOf('open-concurrency', 'versus', 1, 64) ?? versus.openConcurrency;
  versus.seed = intOf('versus-seed', 'versus', 0, 2 ** 31) ?? versus.seed;
  raw = given('mesh-query', 'versus');
  if (raw !== undefined) versus.meshQuery = meshQuery(raw);
  raw = given('arrivals', 'versus');
  if (raw !== undefined) {
    if (raw !== 'push' && raw !== 'poll') throw new BadOption(`--arrivals must be push or poll, not ${JSON.stringify(raw)}`);
    versus.arrivals = raw;
  }
  if (flags.has('mesh-hidden')) {
    if (!versus.run) throw new BadOption('--mesh-hidden has no effect without the comparison');
    versus.meshHidden = true;
  }

  raw = given('mode-tabs', 'browser');
  if (raw !== undefined) browser.tabs = list('mode-tabs', raw, (s) => int('mode-tabs', s, 2, 200));
  raw = given('browser-modes', 'browser');
  if (raw !== undefined) {
    const compared = list('browser-modes', raw, (s) => mode('browser-modes', s));
    if (compared.includes(BASELINE_MODE)) throw new BadOption(`--browser-modes: ${BASELINE_MODE} is the baseline and always runs; leave it out`);
    browser.modes = [...compared, BASELINE_MODE];
  }
  browser.rumors = intOf('rumors', 'browser', 1, 10_000) ?? browser.rumors;
  browser.warmupRumors = intOf('warmup-rumors', 'browser', 0, 100) ?? browser.warmupRumors;
  browser.periodMs = intOf('period-ms', 'browser', 10, 3_600_000) ?? browser.periodMs;
  browser.fanout = intOf('fanout', 'browser', 1, 64) ?? browser.fanout;
  browser.seed = intOf('seed', 'browser', 0, 2 ** 31) ?? browser.seed;
  browser.openConcurrency = intOf('concurrency', 'browser', 1, 64) ?? browser.openConcurrency;

  raw = get('out-dir');
  if (raw !== undefined) {
    if (raw.trim() === '') throw new BadOption('--out-dir must not be empty');
    options.outDir = raw;
  }
  return { kind: 'run', options };
}

/** `key=value&key=value` with known page settings only (a typo would silently measure the default page). */
function meshQuery(raw: string): string {
  const params = new URLSearchParams(raw);
  const keys = [...params.keys()];
  if (keys.length === 0) throw new BadOption(`--mesh-query: expected key=value[&key=value], got ${JSON.stringify(raw)}`);
  for (const key of keys) {
    if (!MESH_QUERY_KEYS.includes(key)) throw new BadOption(`--mesh-query: unknown page setting ${JSON.stringify(key)} (known: ${MESH_QUERY_KEYS.join(', ')})`);
  }
  return params.toString();
}

const MESH_QUERY_KEYS: readonly string[] = SETTING_PARAMS.filter((key) => key !== 'room' && key !== 'server');

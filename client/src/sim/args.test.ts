import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MODES } from '../core/options.ts';
import { DEFAULT_SWEEP_NODES, DEFAULT_SWEEP_SEEDS, parseArgs, USAGE, type ParsedArgs } from './args.ts';

function run(argv: string[]) {
  const parsed = parseArgs(argv);
  if (parsed.kind !== 'run') throw new Error(`expected a run, got ${JSON.stringify(parsed)}`);
  return parsed.options;
}

function sweep(argv: string[]) {
  const parsed = parseArgs(argv);
  if (parsed.kind !== 'sweep') throw new Error(`expected a sweep, got ${JSON.stringify(parsed)}`);
  return parsed.options;
}

function errorOf(argv: string[]): string {
  const parsed: ParsedArgs = parseArgs(argv);
  if (parsed.kind !== 'error') throw new Error(`expected an error for ${argv.join(' ')}, got ${JSON.stringify(parsed)}`);
  return parsed.message;
}

describe('parseArgs: one run', () => {
  it('defaults to 1000 nodes, push-pull, seed 1, with the report', () => {
    expect(run([])).toEqual({ run: { nodes: 1000, mode: 'push-pull', seed: 1, periodMs: 1000 }, graph: 'mesh', json: false, quiet: false });
  });

  it('takes --name value and --name=value', () => {
    const options = run(['--nodes', '500', '--mode=eager', '--seed', '-7', '--json', '--quiet']);
    expect(options.run).toMatchObject({ nodes: 500, mode: 'eager', seed: -7 });
    expect(options.json).toBe(true);
    expect(options.quiet).toBe(true);
  });

  it('maps every option onto the run config, with units', () => {
    const options = run([
      '--degree', '4', '--max-degree', '6', '--fanout', '2', '--loss', '0.1', '--crash', '0.3', '--period', '500',
      '--warmup', '4', '--max-rounds', '50', '--latency', '10-100', '--jitter', '5', '--bandwidth', '2.5', '--encoding', 'json',
    ]);
    expect(options.run).toEqual({
      nodes: 1000,
      mode: 'push-pull',
      seed: 1,
      periodMs: 500,
      degree: 4,
      maxDegree: 6,
      fanout: 2,
      loss: 0.1,
      crash: 0.3,
      warmupMs: 2000, // 4 rounds of 500 ms
      maxRounds: 50,
      network: { latency: { kind: 'uniform', minMs: 10, maxMs: 100 }, jitterMs: 5, bandwidthBytesPerMs: 2.5 },
      encoding: 'json',
    });
    expect(run(['--latency', '40']).run.network).toEqual({ latency: { kind: 'constant', ms: 40 } });
  });

  it('accepts every mode of the core', () => {
    for (const mode of MODES) expect(run(['--mode', mode]).run.mode).toBe(mode);
  });

  it('--help wins over everything else', () => {
    expect(parseArgs(['--nodes', '5', '--help'])).toEqual({ kind: 'help' });
  });
});

describe('parseArgs: bad options give a message naming the option', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--nodez', '5'], /unknown option --nodez/],
    [['nodes'], /unexpected argument "nodes"/],
    [['--nodes'], /--nodes needs a value/],
    [['--nodes', '--json'], /--nodes needs a value/],
    [['--nodes', '5', '--nodes', '6'], /--nodes given twice/],
    [['--json=yes'], /--json takes no value/],
    [['--nodes', 'ten'], /--nodes must be an integer; got "ten"/],
    [['--nodes', '0'], /--nodes must be an integer from 1 to/],
    [['--nodes', '1.5'], /--nodes must be an integer/],
    [['--nodes', '5,6'], /--nodes takes one value without --sweep/],
    [['--mode', 'gossip'], /--mode must be one of push, pull, push-pull/],
    [['--loss', '1'], /--loss must be a number >= 0 and < 1; got "1"/],
    [['--loss', '-0.1'], /--loss must be a number/],
    [['--loss', '0x1'], /--loss must be a number/],
    [['--crash', 'NaN'], /--crash must be a number/],
    [['--bandwidth', '0'], /--bandwidth must be a number >= 0 \(exclusive\)/],
    [['--latency', '100-10'], /--latency range must be MIN-MAX ms/],
    [['--latency', 'fast'], /--latency must be ms/],
    [['--degree', '6', '--max-degree', '5'], /--max-degree \(5\) must be >= --degree \(6\)/],
    [['--max-degree', '4'], /--max-degree \(4\) must be >= the degree \(default 5/],
    [['--seeds', '3'], /--seeds goes with --sweep/],
    [['--sweep', '--mode', 'push', '--modes', 'pull'], /--mode or --modes, not both/],
    [['--sweep', '--nodes', '100,x'], /--nodes must be an integer; got "x"/],
    [['--sweep', '--nodes', '100,100'], /--nodes lists "100" twice/],
    [['--sweep', '--modes', 'push,shout'], /--mode must be one of/],
    [['--sweep', '--seeds', '0'], /--seeds must be an integer from 1/],
  ];
  for (const [argv, message] of cases) {
    it(argv.join(' '), () => {
      expect(errorOf(argv)).toMatch(message);
    });
  }
});

describe('parseArgs: sweep', () => {
  it('defaults to every mode x 100, 1000, 10000 x 20 seeds from 1', () => {
    expect(sweep(['--sweep'])).toEqual({
      sweep: { modes: MODES, nodes: DEFAULT_SWEEP_NODES, seeds: DEFAULT_SWEEP_SEEDS, firstSeed: 1, base: { periodMs: 1000 } },
      graph: 'mesh',
      json: false,
      quiet: false,
    });
  });

  it('takes lists of modes and N, a seed count, a first seed and the shared run options', () => {
    const options = sweep(['--sweep', '--modes', 'push,push-pull', '--nodes=100, 1000', '--seeds', '5', '--seed', '11', '--loss', '0.05', '--json']);
    expect(options.sweep).toEqual({
      modes: ['push', 'push-pull'],
      nodes: [100, 1000],
      seeds: 5,
      firstSeed: 11,
      base: { periodMs: 1000, loss: 0.05 },
    });
    expect(options.json).toBe(true);
    expect(sweep(['--sweep', '--mode', 'eager']).sweep.modes).toEqual(['eager']);
  });
});

describe('USAGE', () => {
  it('documents every option the parser knows', () => {
    const names = [
      'nodes', 'mode', 'modes', 'seed', 'sweep', 'seeds', 'degree', 'max-degree', 'fanout', 'loss', 'crash', 'period', 'warmup',
      'max-rounds', 'latency', 'jitter', 'bandwidth', 'encoding', 'json', 'quiet', 'help',
    ];
    for (const name of names) {
      expect(USAGE).toContain(`--${name} `);
      expect(parseArgs([`--${name}`])).not.toEqual({ kind: 'error', message: `unknown option --${name}` });
    }
  });
});

// ---- the CLI process itself ----------------------------------------------------------------

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const CLI = join(here, 'cli.ts');
/** Process start-up under tsx takes a moment; bounded all the same. */
const EXIT_MS = 60_000;

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      // Only our own child, by its handle.
      child.kill('SIGKILL');
      reject(new Error(`cli ${args.join(' ')} did not exit; stderr: ${stderr}`));
    }, EXIT_MS);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

describe('the sim CLI (a real process)', () => {
  it('exits 2 with a clear message on stderr for a bad option, and prints nothing else', async () => {
    const result = await cli(['--nodes', 'lots']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('sim: --nodes must be an integer; got "lots"');
    expect(result.stderr).toContain('--help');
  }, EXIT_MS);

  it('exits 2 for an unknown option and for a bad sweep list too', async () => {
    const [unknown, list] = await Promise.all([cli(['--fast']), cli(['--sweep', '--nodes', '100,0'])]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown option --fast');
    expect(list.code).toBe(2);
    expect(list.stderr).toContain('--nodes must be an integer from 1');
  }, EXIT_MS);

  it('--help exits 0 with the usage on stdout', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('usage: npm run sim');
  }, EXIT_MS);

  it('--json prints exactly one JSON object with the figures, and exits 0', async () => {
    const result = await cli(['--nodes', '40', '--seed', '3', '--json']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(parsed).toMatchObject({ nodes: 40, mode: 'push-pull', seed: 3, coverage: 1 });
    for (const key of ['rounds', 'messages', 'rmr']) expect(typeof parsed[key]).toBe('number');
  }, EXIT_MS);

  it('--sweep --json prints the sweep as one JSON object (progress on stderr)', async () => {
    const result = await cli(['--sweep', '--nodes', '30,40', '--modes', 'push,push-pull', '--seeds', '2', '--json']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { cells: Array<{ mode: string; nodes: number; runs: number }> };
    expect(parsed.cells.map((c) => `${c.mode}@${c.nodes}x${c.runs}`)).toEqual(['push@30x2', 'push-pull@30x2', 'push@40x2', 'push-pull@40x2']);
    expect(result.stderr).toContain('[8/8]');
  }, EXIT_MS);
});

describe('parseArgs: --graph complete', () => {
  it('runs the complete-graph baseline for push, pull and push-pull, every one of them by default in a sweep', () => {
    expect(run(['--graph', 'complete', '--mode', 'pull']).graph).toBe('complete');
    expect(sweep(['--sweep', '--graph', 'complete']).sweep.modes).toEqual(['push', 'pull', 'push-pull']);
  });

  it('refuses modes and options the complete graph has no meaning for', () => {
    expect(errorOf(['--graph', 'complete', '--mode', 'tree'])).toMatch(/push, pull, push-pull only; got mode tree/);
    expect(errorOf(['--graph', 'complete', '--degree', '4'])).toMatch(/--degree has no meaning with --graph complete/);
    expect(errorOf(['--graph', 'ring'])).toMatch(/--graph must be one of mesh, complete, regular/);
  });
});

describe('parseArgs: --graph regular', () => {
  it('takes --degree (of the regular graph) and refuses the mesh-only options and modes', () => {
    const parsed = run(['--graph', 'regular', '--degree', '7']);
    expect(parsed.graph).toBe('regular');
    expect(parsed.run.degree).toBe(7);
    expect(errorOf(['--graph', 'regular', '--max-degree', '9'])).toMatch(/--max-degree has no meaning with --graph regular/);
    expect(errorOf(['--graph', 'regular', '--mode', 'eager'])).toMatch(/--graph regular runs push, pull, push-pull only/);
  });
});

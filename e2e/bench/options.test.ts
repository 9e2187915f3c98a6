import { describe, expect, it } from 'vitest';
import { MODES } from '../../client/src/core/options.ts';
import { DEFAULT_SEEDS_LARGE, defaultOptions, parseBenchArgs, type BenchOptions } from './options.ts';

function ok(argv: string[], cpus = 2): BenchOptions {
  const parsed = parseBenchArgs(argv, cpus);
  if (parsed.kind !== 'run') throw new Error(`expected options, got ${JSON.stringify(parsed)}`);
  return parsed.options;
}

function error(argv: string[]): string {
  const parsed = parseBenchArgs(argv, 2);
  if (parsed.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(parsed)}`);
  return parsed.message;
}

describe('parseBenchArgs', () => {
  it('defaults to the issue figures: 3 N x 6 modes, 100k scale run, 12 and 24 tabs, 20 rumors, flood last; y-webrtc beside at 24 and 48 tabs, 3 repetitions, 20 updates', () => {
    const o = ok([]);
    expect(o).toEqual(defaultOptions(2));
    expect(o.sim.nodes).toEqual([100, 1000, 10_000]);
    expect(o.sim.modes).toEqual([...MODES]);
    expect(o.sim.seeds).toBe(20);
    expect(o.sim.seedsLarge).toBe(DEFAULT_SEEDS_LARGE);
    expect(o.sim.scaleNodes).toBe(100_000);
    expect(o.browser.tabs).toEqual([12, 24]);
    expect(o.browser.modes).toEqual(['tree', 'eager', 'push-pull', 'flood']);
    expect(o.browser.rumors).toBe(20);
    expect(o.versus).toMatchObject({ run: true, tabs: [24, 48], repeat: 3, updates: 20 });
    expect(o.outDir).toBe('bench-results');
  });

  it('takes jobs from the CPU count, at most 4', () => {
    expect(ok([], 1).sim.jobs).toBe(1);
    expect(ok([], 16).sim.jobs).toBe(4);
    expect(ok(['--jobs', '3'], 16).sim.jobs).toBe(3);
  });

  it('reads lists, values after = or as the next argument, and skips', () => {
    const o = ok(['--sim-nodes=100,1000', '--seeds', '5', '--seeds-large=2', '--mode-tabs', '12,24,48', '--rumors', '30', '--browser-modes', 'eager,tree', '--skip-scale']);
    expect(o.sim.nodes).toEqual([100, 1000]);
    expect(o.sim.seeds).toBe(5);
    expect(o.sim.seedsLarge).toBe(2);
    expect(o.sim.scaleNodes).toBe(0);
    expect(o.browser.tabs).toEqual([12, 24, 48]);
    expect(o.browser.rumors).toBe(30);
    expect(o.browser.modes).toEqual(['eager', 'tree', 'flood']);
    expect(ok(['--skip-sim']).sim.run).toBe(false);
    expect(ok(['--skip-browser']).browser.run).toBe(false);
    expect(ok(['--skip-browser']).versus.run).toBe(false);
    expect(ok(['--skip-modes']).browser.run).toBe(false);
    expect(ok(['--skip-modes']).versus.run).toBe(true);
    expect(ok(['--skip-versus']).versus.run).toBe(false);
  });

  it('reads the comparison options', () => {
    const o = ok(['--tabs', '6', '--repeat=1', '--updates', '5', '--idle-ms', '3000', '--open-concurrency', '4', '--versus-seed', '7']);
    expect(o.versus).toEqual({ run: true, tabs: [6], repeat: 1, updates: 5, idleMs: 3000, openConcurrency: 4, seed: 7, meshQuery: '', meshHidden: false, arrivals: 'push' });
    expect(o.browser.tabs).toEqual([12, 24]);
  });

  it('takes page settings for the mesh tabs, known ones only', () => {
    expect(ok(['--mesh-query', 'signed=false']).versus.meshQuery).toBe('signed=false');
    expect(ok(['--mesh-hidden']).versus.meshHidden).toBe(true);
    expect(ok(['--arrivals', 'poll']).versus.arrivals).toBe('poll');
    expect(error(['--arrivals', 'sometimes'])).toMatch(/push or poll/);
    expect(error(['--skip-versus', '--mesh-hidden'])).toMatch(/no effect/);
    expect(ok(['--mesh-query=signed=false&mode=tree']).versus.meshQuery).toBe('signed=false&mode=tree');
    expect(error(['--mesh-query', 'signd=false'])).toMatch(/unknown page setting "signd"/);
    expect(error(['--mesh-query', 'room=x'])).toMatch(/unknown page setting "room"/);
    expect(error(['--skip-versus', '--mesh-query', 'signed=false'])).toMatch(/no effect/);
  });

  it('answers --help and -h', () => {
    expect(parseBenchArgs(['--help'], 2)).toEqual({ kind: 'help' });
    expect(parseBenchArgs(['--tabs', '3', '-h'], 2)).toEqual({ kind: 'help' });
  });

  it('says what is wrong with bad options', () => {
    expect(error(['--tabs'])).toBe('--tabs needs a value');
    expect(error(['--tabs', '--rumors', '3'])).toBe('--tabs needs a value');
    expect(error(['--tabs', '1'])).toMatch(/--tabs must be a whole number from 2/);
    expect(error(['--tabs', '12,,24'])).toMatch(/no empty items/);
    expect(error(['--tabs', '12,12'])).toMatch(/twice/);
    expect(error(['--rumors', '2.5'])).toMatch(/--rumors must be a whole number/);
    expect(error(['--seeds', '0'])).toMatch(/--seeds must be a whole number from 1/);
    expect(error(['--sim-modes', 'gossip'])).toMatch(/mode must be one of push, pull/);
    expect(error(['--browser-modes', 'tree,flood'])).toMatch(/flood is the baseline/);
    expect(error(['--frobnicate'])).toBe('unknown option --frobnicate');
    expect(error(['12'])).toMatch(/unexpected argument "12"/);
    expect(error(['--rumors', '3', '--rumors', '4'])).toBe('--rumors given twice');
    expect(error(['--skip-sim=yes'])).toBe('--skip-sim takes no value');
    expect(error(['--skip-sim', '--skip-browser'])).toMatch(/nothing to measure/);
    expect(error(['--skip-sim', '--skip-modes', '--skip-versus'])).toMatch(/nothing to measure/);
    expect(error(['--skip-versus', '--repeat', '3'])).toBe('--repeat has no effect with --skip-versus');
    expect(error(['--skip-modes', '--mode-tabs', '12'])).toBe('--mode-tabs has no effect with --skip-modes');
    expect(error(['--idle-ms', '10'])).toMatch(/--idle-ms must be a whole number from 1000/);
    expect(error(['--skip-sim', '--seeds', '3'])).toBe('--seeds has no effect with --skip-sim');
    expect(error(['--skip-browser', '--tabs', '12'])).toBe('--tabs has no effect with --skip-browser');
    expect(error(['--skip-scale', '--scale-nodes', '1000'])).toMatch(/not both/);
    expect(error(['--out-dir', ' '])).toMatch(/must not be empty/);
  });
});

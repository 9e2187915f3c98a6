import { describe, expect, it } from 'vitest';
import { defaultOptions } from './options.ts';
import { parseScaleReport, planSweep, seedChunks, taskRuns } from './sim.ts';

describe('seedChunks', () => {
  it('splits seeds 1..K into contiguous chunks of near-equal size', () => {
    expect(seedChunks(20, 2)).toEqual([
      { firstSeed: 1, seeds: 10 },
      { firstSeed: 11, seeds: 10 },
    ]);
    expect(seedChunks(5, 2)).toEqual([
      { firstSeed: 1, seeds: 3 },
      { firstSeed: 4, seeds: 2 },
    ]);
    expect(seedChunks(2, 4)).toEqual([
      { firstSeed: 1, seeds: 1 },
      { firstSeed: 2, seeds: 1 },
    ]);
    expect(seedChunks(3, 1)).toEqual([{ firstSeed: 1, seeds: 3 }]);
  });
});

describe('planSweep', () => {
  it('runs every (mode, N, seed) exactly once, small N in seed chunks, large N per mode', () => {
    const sim = { ...defaultOptions(2).sim, seeds: 20, seedsLarge: 5, jobs: 2 };
    const tasks = planSweep(sim);
    const runs = new Set<string>();
    for (const t of tasks) {
      for (const mode of t.modes) for (const n of t.nodes) for (let s = t.firstSeed; s < t.firstSeed + t.seeds; s++) runs.add(`${mode}@${n}#${s}`);
    }
    const total = tasks.reduce((n, t) => n + taskRuns(t), 0);
    expect(total).toBe(6 * 2 * 20 + 6 * 5);
    expect(runs.size).toBe(total);
    expect(tasks.filter((t) => t.nodes.includes(10_000)).every((t) => t.modes.length === 1 && t.nodes.length === 1)).toBe(true);
    expect(tasks.filter((t) => t.nodes.includes(100))).toHaveLength(2);
    expect(runs.has('push@10000#5')).toBe(true);
    expect(runs.has('push@10000#6')).toBe(false);
  });

  it('plans nothing without N', () => {
    expect(planSweep({ ...defaultOptions(2).sim, nodes: [] })).toEqual([]);
  });
});

describe('parseScaleReport', () => {
  it("reads the figures of the simulator CLI's one-run report", () => {
    const report = [
      'round   9  informed 1.0000 (50/50)  messages 216  payload copies 0',
      '',
      'rumor from n21 to 50 live nodes (0 crashed), mean degree 6.72, isolated at start 0',
      'rounds to full coverage  4.9   (theory log3 N + log2 ln N = 5.5, complete graph)',
      'coverage                 1.0000 (50/50)',
      'messages                 2023 in 9 rounds (ping 456, pong 455, push 178, pull 450, state 300)',
      'payload messages         200',
      'RMR                      3.082   (payload messages / (N-1) - 1)',
      'wall time 0.5s, peak RSS 107 MB, 7271 events',
    ].join('\n');
    expect(parseScaleReport(report)).toEqual({
      wallTimeS: 0.5,
      peakRssMB: 107,
      events: 7271,
      rounds: 4.9,
      coverage: 1,
      rmr: 3.082,
      messages: 2023,
      payloadMessages: 200,
      meanDegree: 6.72,
    });
  });

  it('gives null for what is not there (coverage not reached, no report at all)', () => {
    const notReached = 'rounds to full coverage  not reached (last new node at 0.0)   (theory)\ncoverage                 0.0400 (1/25)\nRMR                      -0.750   (x)';
    expect(parseScaleReport(notReached)).toMatchObject({ rounds: null, coverage: 0.04, rmr: -0.75, wallTimeS: null });
    expect(Object.values(parseScaleReport('')).every((v) => v === null)).toBe(true);
  });
});

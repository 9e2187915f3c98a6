import { describe, expect, it } from 'vitest';
import type { RumorResult } from './run.ts';
import { formatSweepTable, mergeSweeps, runSweep, stats, summarize, type SweepRunProgress } from './sweep.ts';

describe('stats', () => {
  it('mean, nearest-rank p99, min and max', () => {
    expect(stats([3, 1, 2])).toEqual({ mean: 2, p99: 3, min: 1, max: 3 });
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(stats(hundred).p99).toBe(99);
    expect(stats([...hundred, 1000]).p99).toBe(100);
    expect(() => stats([])).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('averages rounds over the runs that reached everyone, and counts the others', () => {
    const base = { live: 100, messages: 1000, meanDegree: 6, rmr: 2 } as const;
    const results = [
      { ...base, rounds: 6, coverage: 1 },
      { ...base, rounds: 8, coverage: 1 },
      { ...base, rounds: null, coverage: 0.98, rmr: 4 },
    ] as unknown as RumorResult[];
    const cell = summarize('push-pull', 100, results);
    expect(cell.runs).toBe(3);
    expect(cell.reached).toBe(2);
    expect(cell.rounds).toEqual({ mean: 7, p99: 8, min: 6, max: 8 });
    expect(cell.coverage.mean).toBeCloseTo(0.9933, 4);
    expect(cell.rmr.mean).toBeCloseTo(8 / 3, 4);
    expect(cell.messagesPerNode.mean).toBe(10);
    expect(cell.theory).toBeCloseTo(Math.log(100) / Math.log(3) + Math.log2(Math.log(100)), 3);
    expect(cell.vsTheory).toBeCloseTo(7 / (cell.theory as number) - 1, 3);
    expect(summarize('eager', 100, results).theory).toBeNull();
    expect(summarize('eager', 100, results).vsTheory).toBeNull();
  });
});

describe('runSweep', () => {
  it('runs modes x N x seeds, N by N, reports each run, and gives the same figures twice', () => {
    const seen: SweepRunProgress[] = [];
    const config = { modes: ['push-pull', 'eager'] as const, nodes: [30, 60], seeds: 2, firstSeed: 4 };
    const result = runSweep(config, { onRun: (p) => seen.push(p) });
    expect(seen.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(seen.every((p) => p.total === 8)).toBe(true);
    expect(seen.map((p) => `${p.result.nodes}/${p.result.mode}/${p.result.seed}`)).toEqual([
      '30/push-pull/4', '30/push-pull/5', '30/eager/4', '30/eager/5', '60/push-pull/4', '60/push-pull/5', '60/eager/4', '60/eager/5',
    ]);
    expect(result.cells.map((c) => `${c.mode}@${c.nodes}`)).toEqual(['push-pull@30', 'eager@30', 'push-pull@60', 'eager@60']);
    for (const cell of result.cells) {
      expect(cell.runs).toBe(2);
      expect(cell.reached).toBe(2);
      expect(cell.coverage.min).toBe(1);
    }
    expect(JSON.stringify(runSweep(config))).toBe(JSON.stringify(result));
    const table = formatSweepTable(result).split('\n');
    expect(table).toHaveLength(5);
    expect(table[0]).toMatch(/^mode\s+N\s+runs\s+reached\s+rounds mean\s+rounds p99\s+theory/);
  });

  it('merges sweeps over different seeds into the sweep over all of them', () => {
    const base = { modes: ['push-pull'] as const, nodes: [30] };
    const whole = runSweep({ ...base, seeds: 4, firstSeed: 1 });
    const merged = mergeSweeps([runSweep({ ...base, seeds: 2, firstSeed: 3 }), runSweep({ ...base, seeds: 2, firstSeed: 1 })]);
    expect(merged.cells).toEqual(whole.cells);
    expect(merged.cells[0]?.perRun.map((r) => r.seed)).toEqual([1, 2, 3, 4]);
  });

  it('rejects an empty or bad grid', () => {
    expect(() => runSweep({ modes: [], nodes: [10], seeds: 1 })).toThrow(/at least one mode/);
    expect(() => runSweep({ modes: ['push'], nodes: [], seeds: 1 })).toThrow(/at least one N/);
    expect(() => runSweep({ modes: ['push'], nodes: [0], seeds: 1 })).toThrow(/positive integer/);
    expect(() => runSweep({ modes: ['push'], nodes: [10], seeds: 0 })).toThrow(/seeds/);
  });
});

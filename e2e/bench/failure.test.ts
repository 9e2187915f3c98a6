import { describe, expect, it } from 'vitest';
import { crashTable, type CrashRepetition } from './failure.ts';
import { markdownTable } from './tables.ts';

function rep(tabs: number, repetition: number, medianMs: number | null, lastMs: number | null, rightAfterMs: number | null): CrashRepetition {
  const drop = { watched: 5, dropMs: [], medianMs, lastMs, notDropped: lastMs === null ? 1 : 0, armMs: 40 };
  return {
    tabs,
    repetition,
    meshFormedMs: 1000,
    loadAverage: [1, 1, 1],
    oneCrash: drop,
    twoCrashes: { ...drop, lastMs: lastMs === null ? null : lastMs + 500, notDropped: 0 },
    aggregates: { rightBeforeMs: 0, trueSize: tabs - 3, trueAverage: 1, rightAfterMs, lastSizes: null, lastAverages: null },
  };
}

describe('crashTable', () => {
  it('one row per tab count: medians and maxima over repetitions, in seconds; a survivor that never dropped it and estimates never right are counted, not averaged in', () => {
    const table = crashTable([rep(12, 0, 2000, 2800, 11_000), rep(12, 1, 2400, 3300, 12_000), rep(12, 2, 2200, null, null), rep(24, 0, 2500, 3100, 10_000)]);
    expect(table.rows).toEqual([
      ['12', '3', '2.20', '2.40', '3.05', '3.30', '1', '3.55 / 3.80', '11.50', '12.00', '1'],
      ['24', '1', '2.50', '2.50', '3.10', '3.10', '0', '3.60 / 3.60', '10.00', '10.00', '0'],
    ]);
    const md = markdownTable(table).split('\n');
    expect(md[2]).toBe(`| ${table.header.join(' | ')} |`);
    expect(md[3]).toBe('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    expect(md[4]).toBe('| 12 | 3 | 2.20 | 2.40 | 3.05 | 3.30 | 1 | 3.55 / 3.80 | 11.50 | 12.00 | 1 |');
  });
});

import { describe, expect, it } from 'vitest';
import { formatMs, formatThroughput, legendLayout, niceCeil, stepSeries, ticks, timeAxisMax } from './chart-data.ts';

describe('step series', () => {
  it('steps up one node at a time and ends at the run clock with the final fraction', () => {
    expect(stepSeries([0, 10, 25], 4, 40)).toEqual([
      [0, 0.25],
      [10, 0.5],
      [25, 0.75],
      [40, 0.75],
    ]);
  });

  it('thins long series but keeps the exact last value', () => {
    const times = Array.from({ length: 10_000 }, (_, k) => k);
    const series = stepSeries(times, 10_000, 20_000, 1000);
    expect(series.length).toBeLessThanOrEqual(1002);
    expect(series.at(-2)).toEqual([9999, 1]);
    expect(series.at(-1)).toEqual([20_000, 1]);
  });

  it('is flat at zero with nobody informed', () => {
    expect(stepSeries([], 10, 5)).toEqual([
      [0, 0],
      [5, 0],
    ]);
  });
});

describe('axes', () => {
  it('rounds up to nice values', () => {
    expect(niceCeil(0.7)).toBe(1);
    expect(niceCeil(1)).toBe(1);
    expect(niceCeil(1.2)).toBe(2);
    expect(niceCeil(2.2)).toBe(2.5);
    expect(niceCeil(3)).toBe(5);
    expect(niceCeil(2376)).toBe(2500);
    expect(niceCeil(6000)).toBe(10_000);
    expect(timeAxisMax(84, 2376, null)).toBe(2500);
    expect(timeAxisMax()).toBe(1000);
  });

  it('puts round ticks from 0 to the max', () => {
    expect(ticks(2500)).toEqual([0, 500, 1000, 1500, 2000, 2500]);
    expect(ticks(1, 4)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it('formats times and throughputs for people', () => {
    expect(formatMs(0)).toBe('0');
    expect(formatMs(84.4)).toBe('84.4 ms');
    expect(formatMs(2376)).toBe('2.38 s');
    expect(formatMs(95_000)).toBe('95 s');
    expect(formatMs(1_200_000)).toBe('20 min');
    expect(formatThroughput(20)).toBe('20 B/ms (160 kbit/s)');
    expect(formatThroughput(10_000)).toBe('10000 B/ms (80 Mbit/s)');
    expect(formatThroughput(125_000)).toBe('125000 B/ms (1 Gbit/s)');
  });
});

describe('legendLayout', () => {
  it('puts entries in one row when they fit', () => {
    expect(legendLayout([50, 60, 70], 10, 500, 16)).toEqual([
      { x: 10, row: 0 },
      { x: 76, row: 0 },
      { x: 152, row: 0 },
    ]);
  });

  it('wraps an entry that would pass the right edge instead of drawing it off the canvas', () => {
    expect(legendLayout([100, 100, 100], 0, 250, 10)).toEqual([
      { x: 0, row: 0 },
      { x: 110, row: 0 },
      { x: 0, row: 1 },
    ]);
  });

  it('keeps an entry wider than the chart on its own row', () => {
    expect(legendLayout([400, 20], 0, 300, 10)).toEqual([
      { x: 0, row: 0 },
      { x: 0, row: 1 },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { ratio, ratiosAgainst, seededRandom, summarize, type ComparableFigures } from './stats.ts';

describe('summarize', () => {
  it('gives median, nearest-rank p90, min, max and mean', () => {
    expect(summarize([5, 1, 3])).toEqual({ median: 3, p90: 5, min: 1, max: 5, mean: 3, n: 3 });
    // Even count: the median is the mean of the middle two.
    expect(summarize([4, 1, 2, 3])).toMatchObject({ median: 2.5, min: 1, max: 4, mean: 2.5, n: 4 });
    const ten = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(summarize(ten)).toMatchObject({ p90: 9, max: 10 });
    expect(summarize([7])).toEqual({ median: 7, p90: 7, min: 7, max: 7, mean: 7, n: 1 });
  });

  it('rounds to one decimal and leaves out what is not a finite number', () => {
    expect(summarize([1.04, 1.06, NaN, Infinity])).toEqual({ median: 1.1, p90: 1.1, min: 1, max: 1.1, mean: 1.1, n: 2 });
  });

  it('is null for nothing', () => {
    expect(summarize([])).toBeNull();
    expect(summarize([NaN])).toBeNull();
  });
});

describe('ratio', () => {
  it('divides to two decimals, null when it cannot', () => {
    expect(ratio(1, 3)).toBe(0.33);
    expect(ratio(10, 4)).toBe(2.5);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(null, 2)).toBeNull();
    expect(ratio(2, undefined)).toBeNull();
    expect(ratio(NaN, 2)).toBeNull();
    expect(ratio(0, 4)).toBe(0);
    // A negative figure (bytes above a noisy background) is below the noise: no ratio.
    expect(ratio(-1, 4)).toBeNull();
  });
});

describe('ratiosAgainst', () => {
  const fig = (mode: string, latency: number, max: number, payloads: number, messages: number): ComparableFigures => ({
    mode,
    publishToLastDeliveryMs: { median: latency, p90: max, min: latency, max, mean: latency, n: 20 },
    payloadsPerDelivery: payloads,
    messagesPerRumor: messages,
    messagesPerRumorAboveBackground: messages / 2,
    bytesPerRumorAboveBackground: messages * 100,
  });

  it('compares every mode with the baseline, mode / baseline', () => {
    const flood = fig('flood', 10, 20, 5, 200);
    const tree = fig('tree', 12, 18, 1, 100);
    expect(ratiosAgainst([tree, flood], 'flood')).toEqual([
      { mode: 'tree', baseline: 'flood', latencyMedian: 1.2, latencyMax: 0.9, payloads: 0.2, messages: 0.5, messagesAboveBackground: 0.5, bytesAboveBackground: 0.5 },
    ]);
  });

  it('gives nothing without the baseline', () => {
    expect(ratiosAgainst([fig('tree', 1, 1, 1, 1)], 'flood')).toEqual([]);
  });

  it('leaves a ratio null where a figure is missing', () => {
    const flood = { ...fig('flood', 10, 20, 5, 200), publishToLastDeliveryMs: null };
    expect(ratiosAgainst([fig('eager', 1, 2, 3, 4), flood], 'flood')[0]).toMatchObject({ latencyMedian: null, latencyMax: null, payloads: 0.6 });
  });
});

describe('seededRandom', () => {
  it('is the same sequence for a seed, in [0, 1)', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const xs = Array.from({ length: 100 }, () => a());
    expect(xs).toEqual(Array.from({ length: 100 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seededRandom(8)()).not.toBe(xs[0]);
  });
});

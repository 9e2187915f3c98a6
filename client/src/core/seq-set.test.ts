import { describe, expect, it } from 'vitest';
import { seededRandom } from './env.ts';
import { SeqSet, inRanges } from './seq-set.ts';

const setOf = (...seqs: number[]): SeqSet => {
  const set = new SeqSet();
  for (const s of seqs) set.add(s);
  return set;
};

describe('SeqSet', () => {
  it('adds and finds single values; absent values are not found', () => {
    const set = setOf(5);
    expect(set.has(5)).toBe(true);
    expect(set.has(4)).toBe(false);
    expect(set.has(6)).toBe(false);
    expect(new SeqSet().has(1)).toBe(false);
  });

  it('returns false for duplicates and keeps the ranges unchanged', () => {
    const set = setOf(1, 2, 3, 7);
    for (const s of [1, 2, 3, 7]) expect(set.add(s)).toBe(false);
    expect(set.toRanges()).toEqual([[1, 3], [7, 7]]);
  });

  it('merges adjacent values into one range, in order', () => {
    const set = setOf(1, 2, 3, 4);
    expect(set.toRanges()).toEqual([[1, 4]]);
    expect(set.rangeCount).toBe(1);
  });

  it('handles out-of-order adds: prepends, gaps, and bridging two ranges', () => {
    const set = new SeqSet();
    expect(set.add(10)).toBe(true);
    expect(set.add(8)).toBe(true);
    expect(set.toRanges()).toEqual([[8, 8], [10, 10]]);
    expect(set.add(9)).toBe(true); // bridges both
    expect(set.toRanges()).toEqual([[8, 10]]);
    expect(set.add(7)).toBe(true); // extends the start
    expect(set.add(1)).toBe(true); // new first range
    expect(set.add(20)).toBe(true); // new last range
    expect(set.add(15)).toBe(true); // new middle range
    expect(set.toRanges()).toEqual([[1, 1], [7, 10], [15, 15], [20, 20]]);
    expect(set.add(11)).toBe(true);
    expect(set.toRanges()).toEqual([[1, 1], [7, 11], [15, 15], [20, 20]]);
  });

  it('toRanges(limit) keeps the newest ranges and returns copies', () => {
    const set = setOf(1, 3, 5, 7, 9);
    expect(set.toRanges(2)).toEqual([[7, 7], [9, 9]]);
    expect(set.toRanges(0)).toEqual([]);
    expect(set.toRanges(10)).toHaveLength(5);
    const copy = set.toRanges();
    (copy[0] as [number, number])[1] = 100;
    expect(set.has(2)).toBe(false);
    expect(set.toRanges()[0]).toEqual([1, 1]);
  });

  it('fromRanges rebuilds a set from unordered ranges and skips huge spans', () => {
    const set = SeqSet.fromRanges([[7, 9], [1, 2], [3, 3]]);
    expect(set.toRanges()).toEqual([[1, 3], [7, 9]]);
    const huge = SeqSet.fromRanges([[1, 5_000_000], [10, 10]]);
    expect(huge.toRanges()).toEqual([[10, 10]]);
  });

  it('agrees with a plain Set under a seeded random sequence of adds', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const random = seededRandom(seed);
      const set = new SeqSet();
      const plain = new Set<number>();
      for (let i = 0; i < 400; i++) {
        const s = 1 + Math.floor(random() * 150);
        expect(set.add(s)).toBe(!plain.has(s));
        plain.add(s);
      }
      for (let s = 0; s <= 152; s++) expect(set.has(s)).toBe(plain.has(s));
      // Ranges are sorted, disjoint, non-adjacent, and cover exactly the set.
      const ranges = set.toRanges();
      const covered: number[] = [];
      ranges.forEach(([from, to], i) => {
        expect(from).toBeLessThanOrEqual(to);
        const prev = ranges[i - 1];
        if (prev !== undefined) expect(from).toBeGreaterThan(prev[1] + 1);
        for (let s = from; s <= to; s++) covered.push(s);
      });
      expect(covered).toEqual([...plain].sort((a, b) => a - b));
    }
  });
});

describe('inRanges', () => {
  it('tests inclusive membership in any range', () => {
    const ranges: Array<[number, number]> = [[1, 3], [10, 12]];
    expect([0, 1, 3, 4, 9, 10, 12, 13].map((s) => inRanges(ranges, s))).toEqual([false, true, true, false, false, true, true, false]);
    expect(inRanges([], 1)).toBe(false);
  });
});

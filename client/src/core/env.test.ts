import { describe, expect, it } from 'vitest';
import { pickOne, randomInt, sample, seededEnv, seededRandom } from './env.ts';

const draw = (random: () => number, n: number): number[] => Array.from({ length: n }, () => random());

describe('seededRandom', () => {
  it('replays the same sequence for the same seed', () => {
    expect(draw(seededRandom(42), 100)).toEqual(draw(seededRandom(42), 100));
    expect(draw(seededRandom(0), 10)).toEqual(draw(seededRandom(0), 10));
  });

  it('gives different sequences for different seeds', () => {
    const seqs = [1, 2, 3, 1000, 2 ** 31].map((seed) => draw(seededRandom(seed), 20).join(','));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('stays in [0, 1) and spreads over the interval', () => {
    const values = draw(seededRandom(7), 10_000);
    for (const v of values) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
    const buckets = new Array<number>(10).fill(0);
    for (const v of values) buckets[Math.floor(v * 10)] = (buckets[Math.floor(v * 10)] ?? 0) + 1;
    for (const b of buckets) expect(b).toBeGreaterThan(800); // ~1000 expected in each tenth
    expect(new Set(values).size).toBeGreaterThan(9990);
  });

  it('seededEnv uses the given clock and a seeded source', () => {
    let t = 5;
    const env = seededEnv(3, () => t);
    expect(env.now()).toBe(5);
    t = 9;
    expect(env.now()).toBe(9);
    expect(draw(env.random, 5)).toEqual(draw(seededRandom(3), 5));
  });
});

describe('random helpers', () => {
  it('randomInt stays in [0, max)', () => {
    const random = seededRandom(11);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const n = randomInt(random, 7);
      expect(Number.isInteger(n) && n >= 0 && n < 7).toBe(true);
      seen.add(n);
    }
    expect(seen.size).toBe(7);
  });

  it('pickOne returns a member, undefined when empty', () => {
    const random = seededRandom(5);
    expect(pickOne(random, [])).toBeUndefined();
    const items = ['a', 'b', 'c'];
    const picked = new Set(Array.from({ length: 100 }, () => pickOne(random, items)));
    expect([...picked].sort()).toEqual(items);
  });

  it('sample returns distinct items, never more than asked or available', () => {
    const random = seededRandom(9);
    const items = Array.from({ length: 20 }, (_, i) => i);
    for (let count = 0; count <= 25; count++) {
      const got = sample(random, items, count);
      expect(got.length).toBe(Math.min(count, items.length));
      expect(new Set(got).size).toBe(got.length);
      for (const g of got) expect(items).toContain(g);
    }
    expect(sample(random, [], 3)).toEqual([]);
    expect(sample(random, items, -1)).toEqual([]);
    expect(items).toEqual(Array.from({ length: 20 }, (_, i) => i)); // input untouched
  });

  it('sample is uniform enough that every item gets picked', () => {
    const random = seededRandom(12);
    const hits = new Map<number, number>();
    for (let i = 0; i < 2000; i++) for (const x of sample(random, [0, 1, 2, 3, 4], 2)) hits.set(x, (hits.get(x) ?? 0) + 1);
    for (let x = 0; x < 5; x++) expect(hits.get(x) ?? 0).toBeGreaterThan(650); // 800 expected
  });

  it('sample with the same seed picks the same items', () => {
    const items = ['a', 'b', 'c', 'd', 'e', 'f'];
    expect(sample(seededRandom(4), items, 3)).toEqual(sample(seededRandom(4), items, 3));
  });
});

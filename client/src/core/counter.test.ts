import { describe, expect, it } from 'vitest';
import { sample, seededRandom } from './env.ts';
import { PNCounter } from './counter.ts';
import { asPeerId, type PeerId } from './ids.ts';
import type { CounterEntry } from './wire.ts';

const ORIGINS: PeerId[] = ['a', 'b', 'c', 'd', 'e'].map(asPeerId);

/** The state of a replica after random adds from random origins. */
function randomState(random: () => number): CounterEntry[] {
  const counter = new PNCounter();
  const ops = Math.floor(random() * 8);
  for (let i = 0; i < ops; i++) {
    const origin = ORIGINS[Math.floor(random() * ORIGINS.length)] as PeerId;
    counter.add(origin, Math.floor(random() * 21) - 10 || 1);
  }
  return counter.toEntries();
}

const fromEntries = (...states: CounterEntry[][]): PNCounter => {
  const counter = new PNCounter();
  for (const s of states) counter.merge(s);
  return counter;
};
const sorted = (c: PNCounter): CounterEntry[] => c.toEntries().sort((x, y) => (x[0] < y[0] ? -1 : 1));

describe('PNCounter', () => {
  it('adds and subtracts per origin', () => {
    const c = new PNCounter();
    expect(c.value()).toBe(0);
    expect(c.add(ORIGINS[0] as PeerId, 5)).toEqual(['a', 5, 0]);
    expect(c.add(ORIGINS[0] as PeerId, -2)).toEqual(['a', 5, 2]);
    c.add(ORIGINS[1] as PeerId, -4);
    expect(c.value()).toBe(-1);
    expect(c.size).toBe(2);
  });

  it('merge returns only entries that taught something, with merged values', () => {
    const [a, b] = ORIGINS as [PeerId, PeerId];
    const c = fromEntries([[a, 5, 1]]);
    expect(c.merge([[a, 5, 1]])).toEqual([]);
    expect(c.merge([[a, 3, 0]])).toEqual([]);
    expect(c.merge([[a, 3, 4], [b, 1, 0]])).toEqual([[a, 5, 4], [b, 1, 0]]);
    expect(c.value()).toBe(2);
  });

  it('merge is commutative, associative and idempotent over random states', () => {
    const random = seededRandom(2024);
    for (let round = 0; round < 200; round++) {
      const [x, y, z] = [randomState(random), randomState(random), randomState(random)];
      const xy = sorted(fromEntries(x, y));
      expect(sorted(fromEntries(y, x))).toEqual(xy);
      const xyThenZ = fromEntries(sorted(fromEntries(x, y)), z);
      const xThenYz = fromEntries(x, sorted(fromEntries(y, z)));
      expect(sorted(xyThenZ)).toEqual(sorted(xThenYz));
      expect(xyThenZ.value()).toBe(xThenYz.value());
      const twice = fromEntries(x, y, x, y);
      expect(sorted(twice)).toEqual(xy);
      expect(twice.merge(x)).toEqual([]);
    }
  });

  it('replicas that exchange state in random orders converge to the exact sum', () => {
    const random = seededRandom(77);
    for (let round = 0; round < 30; round++) {
      const replicas = ORIGINS.map(() => new PNCounter());
      let expected = 0;
      for (let op = 0; op < 50; op++) {
        const i = Math.floor(random() * replicas.length);
        const delta = Math.floor(random() * 41) - 20 || 3;
        (replicas[i] as PNCounter).add(ORIGINS[i] as PeerId, delta); // each replica writes only its own entry
        expected += delta;
        // Occasional random pairwise gossip in between.
        const from = replicas[Math.floor(random() * replicas.length)] as PNCounter;
        const to = replicas[Math.floor(random() * replicas.length)] as PNCounter;
        if (random() < 0.3) to.merge(from.toEntries());
      }
      // A full exchange in a random order: everyone merges everyone.
      const order = sample(random, replicas, replicas.length);
      for (const r of order) for (const other of order) r.merge(other.toEntries());
      for (const r of order) for (const other of order) r.merge(other.toEntries());
      for (const r of replicas) expect(r.value()).toBe(expected);
    }
  });
});

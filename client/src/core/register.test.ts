import { describe, expect, it } from 'vitest';
import { sample, seededRandom } from './env.ts';
import { asPeerId, type PeerId } from './ids.ts';
import { LWWRegister, newerRegister } from './register.ts';
import type { RegisterValue } from './wire.ts';

const A = asPeerId('alice');
const Z = asPeerId('zoe');
const ORIGINS: PeerId[] = ['a', 'b', 'c'].map(asPeerId);

function randomValue(random: () => number): RegisterValue | null {
  if (random() < 0.1) return null;
  return {
    value: ['x', 'y', 'z'][Math.floor(random() * 3)] as string,
    timestamp: Math.floor(random() * 5),
    origin: ORIGINS[Math.floor(random() * ORIGINS.length)] as PeerId,
  };
}

const replica = (...values: Array<RegisterValue | null>): LWWRegister => {
  const r = new LWWRegister();
  for (const v of values) r.merge(v);
  return r;
};

describe('newerRegister / LWWRegister', () => {
  it('newer timestamp wins, whatever the origin', () => {
    const old = { value: 'old', timestamp: 10, origin: Z };
    const fresh = { value: 'new', timestamp: 11, origin: A };
    expect(newerRegister(old, fresh)).toBe(fresh);
    expect(newerRegister(fresh, old)).toBe(fresh);
    expect(newerRegister(null, old)).toBe(old);
    expect(newerRegister(old, null)).toBe(old);
    expect(newerRegister(null, null)).toBeNull();
  });

  it('a timestamp tie is broken by the larger origin id', () => {
    const a = { value: 'from a', timestamp: 10, origin: A };
    const z = { value: 'from z', timestamp: 10, origin: Z };
    expect(newerRegister(a, z)).toBe(z);
    expect(newerRegister(z, a)).toBe(z);
  });

  it('merge reports whether the remote value won', () => {
    const r = new LWWRegister();
    expect(r.merge(null)).toBe(false);
    expect(r.merge({ value: 'v1', timestamp: 5, origin: A })).toBe(true);
    expect(r.merge({ value: 'v1', timestamp: 5, origin: A })).toBe(false); // same content
    expect(r.merge({ value: 'v0', timestamp: 4, origin: Z })).toBe(false);
    expect(r.get()?.value).toBe('v1');
    expect(r.merge({ value: 'v2', timestamp: 5, origin: Z })).toBe(true);
    expect(r.get()).toEqual({ value: 'v2', timestamp: 5, origin: Z });
  });

  it('a local set beats the current value even when the local clock lags', () => {
    const r = replica({ value: 'remote', timestamp: 1000, origin: Z });
    const written = r.set(A, 'mine', 10); // clock far behind, and a smaller origin id
    expect(written).toEqual({ value: 'mine', timestamp: 1001, origin: A });
    expect(r.get()).toBe(written);
    // And others accept it too.
    const other = replica({ value: 'remote', timestamp: 1000, origin: Z });
    expect(other.merge(written)).toBe(true);
    // Equal clock and a smaller origin id: still wins.
    const tie = replica({ value: 'remote', timestamp: 50, origin: Z });
    expect(tie.set(A, 'mine', 50).timestamp).toBe(51);
    // Ahead clock: uses the clock.
    expect(new LWWRegister().set(A, 'first', 77).timestamp).toBe(77);
    expect(replica({ value: 'x', timestamp: 5, origin: Z }).set(A, 'later', 900).timestamp).toBe(900);
  });

  it('merge is commutative, associative and idempotent over random states', () => {
    const random = seededRandom(31);
    for (let round = 0; round < 500; round++) {
      const [x, y, z] = [randomValue(random), randomValue(random), randomValue(random)];
      expect(replica(x, y).get()).toEqual(replica(y, x).get());
      expect(newerRegister(newerRegister(x, y), z)).toEqual(newerRegister(x, newerRegister(y, z)));
      expect(replica(x, y, z).get()).toEqual(replica(z, x, y).get());
      expect(replica(x, y, x, y).get()).toEqual(replica(x, y).get());
      expect(newerRegister(x, x)).toEqual(x);
    }
  });

  it('replicas merging random writes in random orders agree on the maximum', () => {
    const random = seededRandom(8);
    for (let round = 0; round < 50; round++) {
      const writes = Array.from({ length: 10 }, () => randomValue(random));
      const orders = [0, 1, 2].map(() => sample(random, writes, writes.length));
      const results = orders.map((order) => replica(...order).get());
      expect(results[1]).toEqual(results[0]);
      expect(results[2]).toEqual(results[0]);
      const max = writes.reduce<RegisterValue | null>((best, w) => newerRegister(best, w), null);
      expect(results[0]).toEqual(max);
      for (const w of writes) if (w !== null && max !== null) expect(w.timestamp).toBeLessThanOrEqual(max.timestamp);
    }
  });
});

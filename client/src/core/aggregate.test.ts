import { describe, expect, it } from 'vitest';
import { Aggregator, instanceRank, type AggregateShare } from './aggregate.ts';
import { seededRandom, sample } from './env.ts';
import type { PeerId } from './ids.ts';

const EPOCH_MS = 100_000;

/** Synchronous rounds over a random graph of `degree` links per peer; no network, no core node. */
function network(n: number, seed: number, degree = 5) {
  const random = seededRandom(seed);
  const ids = Array.from({ length: n }, (_, i) => `p${i}` as PeerId);
  const values = ids.map(() => Math.round(random() * 1000));
  const peers = ids.map((id, i) => new Aggregator(id, values[i] as number, EPOCH_MS));
  const neighbors = ids.map(() => new Set<number>());
  ids.forEach((_, i) => {
    for (const j of sample(random, [...ids.keys()].filter((k) => k !== i), degree)) {
      neighbors[i]?.add(j);
      neighbors[j]?.add(i);
    }
  });
  const alive = new Set(ids.keys());
  const round = (now: number) => {
    const inflight: Array<[number, AggregateShare]> = [];
    for (const i of alive) {
      const share = (peers[i] as Aggregator).share(now);
      const targets = [...(neighbors[i] as Set<number>)].filter((j) => alive.has(j));
      const target = targets[Math.floor(random() * targets.length)];
      if (target === undefined) (peers[i] as Aggregator).unsent(share);
      else inflight.push([target, share]);
    }
    for (const [to, share] of inflight) (peers[to] as Aggregator).receive(share, now);
  };
  return { peers, values, alive, round };
}

describe('Aggregator (push-sum in epochs)', () => {
  it('estimates size within 5% and the average within 1% at 1000 peers after 60 rounds', () => {
    const net = network(1000, 7);
    for (let r = 0; r < 60; r++) net.round(r);
    const trueAverage = net.values.reduce((a, b) => a + b, 0) / 1000;
    for (const peer of net.peers) {
      const estimate = peer.estimate(60);
      expect(estimate).not.toBeNull();
      expect(Math.abs((estimate?.size ?? 0) - 1000) / 1000).toBeLessThan(0.05);
      expect(Math.abs((estimate?.average ?? 0) - trueAverage) / trueAverage).toBeLessThan(0.01);
      expect(estimate?.min).toBe(Math.min(...net.values));
      expect(estimate?.max).toBe(Math.max(...net.values));
    }
  });

  it('reports only the survivors once the instance started after a 30% crash is the older one', () => {
    const net = network(1000, 11);
    for (let r = 0; r < 30; r++) net.round(r);
    const crashed = sample(seededRandom(3), [...net.alive], 300);
    for (const i of crashed) net.alive.delete(i);
    for (let r = 0; r < 60; r++) net.round(EPOCH_MS + r);
    net.round(2 * EPOCH_MS); // the instance that started after the crash is now the older one: shown
    const survivors = [...net.alive];
    const survivorAverage = survivors.reduce((a, i) => a + (net.values[i] as number), 0) / survivors.length;
    for (const i of survivors) {
      const last = (net.peers[i] as Aggregator).estimate(2 * EPOCH_MS);
      expect(last?.epoch).toBe(1);
      expect(last?.ageMs).toBe(EPOCH_MS);
      expect(Math.abs((last?.size ?? 0) - 700) / 700).toBeLessThan(0.05);
      expect(Math.abs((last?.average ?? 0) - survivorAverage) / survivorAverage).toBeLessThan(0.01);
    }
  });

  it('keeps total mass when shares cannot be sent', () => {
    const solo = new Aggregator('solo' as PeerId, 42, EPOCH_MS);
    for (let r = 0; r < 10; r++) solo.unsent(solo.share(r));
    expect(solo.estimate(10)).toEqual({ size: 1, average: 42, min: 42, max: 42, epoch: 0, ageMs: 10 });
  });

  it('absorbs only the smallest-ranked instance mass; min and max cross instances', () => {
    const a = 'a' as PeerId;
    const b = 'b' as PeerId;
    const [low, high] = instanceRank(0, a) < instanceRank(0, b) ? [a, b] : [b, a];
    const peer = new Aggregator(low, 10, EPOCH_MS);
    peer.share(0);
    peer.receive({ epoch: 0, leader: high, count: [5, 5], sum: [500, 5], min: 0, max: 99 }, 0);
    expect(peer.estimate(0)?.size).toBe(1); // mass of the losing instance is not absorbed
    expect(peer.estimate(0)?.max).toBe(99); // min and max are idempotent and cross instances
    peer.receive({ epoch: 0, leader: low, count: [1, 0], sum: [30, 1], min: 30, max: 30 }, 0);
    expect(peer.estimate(0)?.average).toBeCloseTo((5 + 30) / 1.5);
  });

  it('instances overlap: a round carries the older one while it runs, and the older one is shown', () => {
    const a = new Aggregator('a' as PeerId, 4, 100);
    const b = new Aggregator('b' as PeerId, 8, 100);
    for (let t = 0; t < 100; t += 10) b.receive(a.share(t), t);
    const round = a.share(150);
    expect(round.epoch).toBe(1);
    expect(round.older?.epoch).toBe(0);
    expect(a.estimate(150)?.epoch).toBe(0); // the older, converged instance
    expect(a.estimate(150)?.ageMs).toBe(150);
    // b never started instance 1 yet: it enters it on the share, with its own contribution.
    b.receive(round, 150);
    for (let t = 160; t < 200; t += 10) {
      a.receive(b.share(t), t);
      b.receive(a.share(t), t);
    }
    const mass = [a, b].map((x) => x.estimate(199));
    expect(mass[0]?.average).toBeCloseTo(6, 0);
    const later = a.share(250); // instance 0 has run two epochs: finished, no longer carried
    expect(later.older?.epoch).toBe(1);
  });
});

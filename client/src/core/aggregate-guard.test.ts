import { describe, expect, it } from 'vitest';
import { MassLedger, MAX_NET_VALUE_MASS } from './aggregate-guard.ts';
import { Aggregator, type AggregateRound } from './aggregate.ts';
import { sample, seededRandom } from './env.ts';
import type { PeerId } from './ids.ts';

const EPOCH_MS = 1_000_000;

/** Push-sum rounds over a random graph, every share through the receiver's ledger (as Aggregation does). */
function network(n: number, degree: number, seed: number) {
  const random = seededRandom(seed);
  const ids = Array.from({ length: n }, (_, i) => `p${i}` as PeerId);
  const peers = ids.map((id) => new Aggregator(id, 1, EPOCH_MS));
  const ledgers = ids.map(() => new MassLedger());
  const neighbors = ids.map(() => new Set<number>());
  ids.forEach((_, i) => {
    for (const j of sample(random, [...ids.keys()].filter((k) => k !== i), degree)) {
      neighbors[i]?.add(j);
      neighbors[j]?.add(i);
    }
  });
  const deliver = (from: PeerId, to: number, round: AggregateRound, now: number) =>
    (peers[to] as Aggregator).receive((ledgers[to] as MassLedger).admit(from, round), now);
  const round = (now: number) => {
    const inflight: Array<[number, number, AggregateRound]> = [];
    ids.forEach((_, i) => {
      const share = (peers[i] as Aggregator).share(now);
      const targets = [...(neighbors[i] as Set<number>)];
      const to = targets[Math.floor(random() * targets.length)] as number;
      (ledgers[i] as MassLedger).sent(ids[to] as PeerId, share);
      inflight.push([i, to, share]);
    });
    for (const [from, to, share] of inflight) deliver(ids[from] as PeerId, to, share, now);
  };
  return { ids, peers, ledgers, neighbors, round, deliver };
}

describe('MassLedger: one link cannot inflate the aggregate', () => {
  it('never trims honest push-sum, 5 to 300 peers over 200 rounds, and the size stays exact', () => {
    for (const [n, degree, seed] of [[300, 5, 7], [100, 3, 2], [24, 4, 3], [5, 2, 9], [200, 8, 4]] as const) {
      const net = network(n, degree, seed);
      for (let r = 0; r < 200; r++) net.round(r);
      expect(net.ledgers.reduce((sum, l) => sum + l.trimmed, 0)).toBe(0);
      for (const peer of net.peers) expect(Math.abs((peer.estimate(200)?.size ?? 0) - n) / n).toBeLessThan(0.01);
    }
  });

  it('a forged share of 1e9 peers, sent every round by one rogue linked to two peers, adds at most 2 x the cap', () => {
    const net = network(24, 4, 5);
    const rogue = 'rogue' as PeerId;
    for (let r = 0; r < 60; r++) {
      net.round(r);
      const leader = net.peers[0]?.share(r); // read the winning instance's leader and epoch (mass taken back below)
      if (leader === undefined) throw new Error('no share');
      net.peers[0]?.unsent(leader);
      for (const victim of [1, 2]) net.deliver(rogue, victim, { epoch: leader.epoch, leader: leader.leader, count: [1e9, 1e-9], sum: [1e9, 1e9], min: 1, max: 1 }, r);
    }
    for (const victim of [1, 2]) expect(net.ledgers[victim]?.trimmed).toBeGreaterThan(0);
    for (const peer of net.peers) {
      const size = peer.estimate(60)?.size ?? 0;
      expect(size).toBeGreaterThan(24);
      expect(size).toBeLessThanOrEqual(24 + 2 * MAX_NET_VALUE_MASS + 1e-3);
    }
  });

  it('mass sent to a link may come back from it; a new instance starts a new ledger', () => {
    const ledger = new MassLedger();
    const a = 'a' as PeerId;
    const share = { epoch: 1, leader: a, count: [MAX_NET_VALUE_MASS, 0] as [number, number], sum: [MAX_NET_VALUE_MASS, MAX_NET_VALUE_MASS] as [number, number], min: 0, max: 0 };
    expect(ledger.admit(a, share).count[0]).toBe(MAX_NET_VALUE_MASS);
    expect(ledger.admit(a, share).count[0]).toBe(0);
    ledger.sent(a, { ...share, count: [5, 0] });
    expect(ledger.admit(a, share).count[0]).toBe(5);
    expect(ledger.admit(a, { ...share, epoch: 2 }).count[0]).toBe(MAX_NET_VALUE_MASS);
    ledger.forgetBefore(2);
    expect(ledger.admit(a, share).count[0]).toBe(MAX_NET_VALUE_MASS);
    expect(ledger.trimmed).toBe(2);
  });
});

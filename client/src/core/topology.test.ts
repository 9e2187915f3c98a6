import { describe, expect, it } from 'vitest';
import { asPeerId, type PeerId } from './ids.ts';
import { Topology } from './topology.ts';
import type { TopologyEntry } from './wire.ts';

const [S, A, B, C, D, E, F] = ['self', 'a', 'b', 'c', 'd', 'e', 'f'].map(asPeerId) as [PeerId, PeerId, PeerId, PeerId, PeerId, PeerId, PeerId];
const entry = (peer: PeerId, neighbors: PeerId[], version: number): TopologyEntry => ({ peer, neighbors, version });
const byPeer = (t: Topology): Map<PeerId, TopologyEntry> => new Map(t.toEntries().map((e) => [e.peer, e]));

describe('Topology', () => {
  it('merge keeps newer versions only and returns the news', () => {
    const t = new Topology(S, 10_000, 100);
    expect(t.merge([entry(A, [B], 5)], 0)).toEqual([entry(A, [B], 5)]);
    expect(t.merge([entry(A, [C], 4)], 0)).toEqual([]);
    expect(t.merge([entry(A, [C], 5)], 0)).toEqual([]);
    expect(byPeer(t).get(A)?.neighbors).toEqual([B]);
    expect(t.merge([entry(A, [C], 6), entry(B, [], 1)], 0)).toHaveLength(2);
    expect(byPeer(t).get(A)).toEqual(entry(A, [C], 6));
    expect(t.size).toBe(2);
  });

  it('never lets a remote entry overwrite its own', () => {
    const t = new Topology(S, 10_000, 100);
    const own = t.setOwn([A], 100);
    expect(t.merge([entry(S, [B, C], 999_999)], 200)).toEqual([]);
    expect(byPeer(t).get(S)).toEqual(own);
    // Own versions only grow, even with a clock going backwards.
    expect(t.setOwn([B], 50).version).toBe(101);
  });

  it('expire drops stale entries, keeps fresh ones and itself', () => {
    const t = new Topology(S, 1000, 100);
    t.setOwn([A], 0);
    t.merge([entry(A, [S], 1)], 0);
    t.merge([entry(B, [A], 1)], 600);
    t.expire(1000);
    expect([...byPeer(t).keys()].sort()).toEqual([A, B, S].sort());
    t.expire(1001);
    expect([...byPeer(t).keys()].sort()).toEqual([B, S].sort());
    t.expire(50_000);
    expect([...byPeer(t).keys()]).toEqual([S]);
  });

  it('a refresh resets the expiry clock; forget drops a peer but never self', () => {
    const t = new Topology(S, 1000, 100);
    t.merge([entry(A, [], 1)], 0);
    t.merge([entry(A, [], 2)], 900);
    t.expire(1500);
    expect(t.size).toBe(1);
    t.setOwn([], 0);
    t.forget(A);
    t.forget(S);
    expect([...byPeer(t).keys()]).toEqual([S]);
  });

  it('refuses new peers beyond maxEntries but still updates known ones', () => {
    const t = new Topology(S, 1000, 2);
    t.merge([entry(A, [], 1), entry(B, [], 1), entry(C, [], 1)], 0);
    expect(t.size).toBe(2);
    expect(t.merge([entry(A, [D], 2)], 0)).toHaveLength(1);
  });

  it('graph makes edges symmetric', () => {
    const t = new Topology(S, 1000, 100);
    t.setOwn([A], 0);
    t.merge([entry(A, [B], 1)], 0);
    const g = t.graph();
    expect([...(g.get(B) ?? [])].sort()).toEqual([A]);
    expect([...(g.get(A) ?? [])].sort()).toEqual([B, S].sort());
  });

  /** self - a - b - c - d, and self - e - f - d (so d is 3 links away via e). */
  function chain(): Topology {
    const t = new Topology(S, 10_000, 100);
    t.setOwn([A, E], 0);
    t.merge([entry(A, [S, B], 1), entry(B, [A, C], 1), entry(C, [B, D], 1), entry(E, [S, F], 1), entry(F, [E, D], 1)], 0);
    return t;
  }

  it('nextHop picks a direct neighbour, or the first hop of a shortest path', () => {
    const t = chain();
    const neighbors = new Set([A, E]);
    expect(t.nextHop(A, neighbors)).toBe(A);
    expect(t.nextHop(B, neighbors)).toBe(A);
    expect(t.nextHop(C, neighbors)).toBe(A);
    expect(t.nextHop(F, neighbors)).toBe(E);
    expect(t.nextHop(D, neighbors)).toBe(E); // 3 links via e, 4 via a
  });

  it('nextHop respects exclude', () => {
    const t = chain();
    const neighbors = new Set([A, E]);
    expect(t.nextHop(D, neighbors, E)).toBe(A);
    expect(t.nextHop(E, neighbors, E)).toBe(A); // the long way round
    expect(t.nextHop(B, new Set([A]), A)).toBeUndefined();
  });

  it('nextHop returns undefined when the target is unreachable or unknown', () => {
    const t = chain();
    t.merge([entry(asPeerId('island'), [asPeerId('islet')], 1)], 0);
    expect(t.nextHop(asPeerId('islet'), new Set([A, E]))).toBeUndefined();
    expect(t.nextHop(asPeerId('nobody'), new Set([A, E]))).toBeUndefined();
    expect(t.nextHop(A, new Set())).toBeUndefined();
  });
});

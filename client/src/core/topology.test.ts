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
    const own = t.setOwn([A], 100, 100);
    expect(t.merge([entry(S, [B, C], 999_999)], 200)).toEqual([]);
    expect(byPeer(t).get(S)).toEqual(own);
    // Own versions only grow, even with a clock going backwards.
    expect(t.setOwn([B], 50, 50).version).toBe(101);
  });

  it('expire drops stale entries, keeps fresh ones and itself', () => {
    const t = new Topology(S, 1000, 100);
    t.setOwn([A], 0, 0);
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
    t.setOwn([], 0, 0);
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
    t.setOwn([A], 0, 0);
    t.merge([entry(A, [B], 1)], 0);
    const g = t.graph();
    expect([...(g.get(B) ?? [])].sort()).toEqual([A]);
    expect([...(g.get(A) ?? [])].sort()).toEqual([B, S].sort());
  });

  /** self - a - b - c - d, and self - e - f - d (so d is 3 links away via e). */
  function chain(): Topology {
    const t = new Topology(S, 10_000, 100);
    t.setOwn([A, E], 0, 0);
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

  it('nextHop follows the latest word on a link (a dead peer cannot be routed through)', () => {
    const t = chain();
    expect(t.nextHop(C, new Set([A, E]))).toBe(A); // s-a-b-c
    t.merge([entry(B, [A], 2)], 10); // later, b stopped listing c (suspected); c's stale entry still lists b
    expect(t.nextHop(C, new Set([A, E]))).toBe(E); // s-e-f-d-c: d has no entry, so c's word counts
    expect(t.graph().get(B)?.has(C)).toBe(true); // the drawing still shows the one-sided link
    t.merge([entry(C, [B, D], 2)], 20); // c's newer word: a link to b (e.g. a new one) wins again
    expect(t.nextHop(C, new Set([A, E]))).toBe(A);
  });

  it('nextHop returns undefined when the target is unreachable or unknown', () => {
    const t = chain();
    t.merge([entry(asPeerId('island'), [asPeerId('islet')], 1)], 0);
    expect(t.nextHop(asPeerId('islet'), new Set([A, E]))).toBeUndefined();
    expect(t.nextHop(asPeerId('nobody'), new Set([A, E]))).toBeUndefined();
    expect(t.nextHop(A, new Set())).toBeUndefined();
  });
});

describe('Topology: death notices', () => {
  const gone = (peer: PeerId, version: number): TopologyEntry => ({ peer, neighbors: [], version, gone: true });

  it('markGone writes a notice one version past the last heard entry, once', () => {
    const t = new Topology(S, 10_000, 100);
    t.merge([entry(A, [B], 7)], 0);
    expect(t.markGone(A, 10)).toEqual(gone(A, 8));
    expect(t.isGone(A)).toBe(true);
    expect(t.markGone(A, 11)).toBeUndefined(); // already known: nothing new to spread
    expect(byPeer(t).get(A)).toEqual(gone(A, 8));
    expect(t.markGone(S, 10)).toBeUndefined(); // never ourselves
    expect(t.markGone(C, 10)).toEqual(gone(C, 1)); // never heard of: the weakest notice
  });

  it('a notice spreads like an entry and is outvoted by a newer entry of the owner (refutation)', () => {
    const t = new Topology(S, 10_000, 100);
    t.merge([entry(A, [B], 7)], 0);
    expect(t.merge([gone(A, 8)], 1)).toEqual([gone(A, 8)]);
    expect(t.isGone(A)).toBe(true);
    expect(t.merge([entry(A, [B], 8)], 2)).toEqual([]); // not newer than the notice
    expect(t.merge([entry(A, [C], 9)], 3)).toEqual([entry(A, [C], 9)]);
    expect(t.isGone(A)).toBe(false);
  });

  it('setOwn can be forced past a notice about ourselves', () => {
    const t = new Topology(S, 10_000, 100);
    t.setOwn([A], 100, 100);
    expect(t.merge([gone(S, 101)], 100)).toEqual([]); // never stored
    expect(t.ownVersion()).toBe(100);
    expect(t.setOwn([A], 100, 100, 102).version).toBe(102);
  });

  it('graph and routing leave gone peers out, and edges to them', () => {
    const t = new Topology(S, 10_000, 100);
    t.setOwn([A], 0, 0);
    t.merge([entry(A, [S, B, C], 1), entry(B, [A, D], 1), entry(C, [A], 1), entry(D, [B], 1)], 0);
    expect(t.nextHop(D, new Set([A]))).toBe(A);
    t.merge([gone(B, 2)], 0);
    const g = t.graph();
    expect(g.has(B)).toBe(false);
    expect([...(g.get(A) ?? [])].sort()).toEqual([C, S].sort());
    expect(t.nextHop(D, new Set([A]))).toBeUndefined();
  });

  it('an expired entry is not taken back from a peer that still has the same copy', () => {
    const t = new Topology(S, 1000, 100);
    t.merge([entry(A, [B], 5), gone(C, 3)], 0);
    t.expire(1001);
    expect(t.size).toBe(0);
    // Other peers expire later and still gossip their copies: refused for another ttlMs...
    expect(t.merge([entry(A, [B], 5), gone(C, 3)], 1500)).toEqual([]);
    // ...but anything newer is news, e.g. a live owner's refresh.
    expect(t.merge([entry(A, [B], 6)], 1500)).toEqual([entry(A, [B], 6)]);
    // After the quarantine the old copy would be accepted again (by then nobody holds it).
    t.expire(2002);
    expect(t.merge([gone(C, 3)], 2002)).toEqual([gone(C, 3)]);
  });
});

describe('Topology: vouching', () => {
  it('a peer is vouched for while some other entry lists it', () => {
    const t = new Topology(S, 10_000, 100);
    t.merge([entry(A, [B], 1), entry(B, [A], 1), entry(C, [], 1)], 0);
    expect(t.isVouched(B)).toBe(true);
    expect(t.isVouched(C)).toBe(false); // only its own entry: no one else saw it
    t.merge([entry(A, [], 2)], 0); // A stopped listing B (suspected, or gone)
    expect(t.isVouched(B)).toBe(false);
    t.setOwn([B], 0, 0);
    expect(t.isVouched(B)).toBe(true);
    t.merge([{ peer: A, neighbors: [], version: 3, gone: true }, entry(D, [C], 1)], 0);
    expect(t.isVouched(C)).toBe(true);
  });
});

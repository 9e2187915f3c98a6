import { describe, expect, it } from 'vitest';
import { seededRandom } from '../env.ts';
import { asPeerId, rumorId, type PeerId } from '../ids.ts';
import { TestNet } from '../test-net.ts';
import { MissingRumors, RootTrees } from './plumtree.ts';

const p = asPeerId;

describe('RootTrees', () => {
  it('keeps eager and lazy sets per root: a prune for one root leaves the others eager', () => {
    const trees = new RootTrees();
    const all = [p('a'), p('b'), p('c')];
    expect(trees.eagerAmong(p('r1'), all, p('b'))).toEqual([p('a'), p('c')]);
    expect(trees.prune(p('r1'), p('a'), 0)).toBe(true);
    expect(trees.prune(p('r1'), p('a'), 0)).toBe(false);
    expect(trees.eagerAmong(p('r1'), all, null)).toEqual([p('b'), p('c')]);
    expect(trees.lazyAmong(p('r1'), all, null)).toEqual([p('a')]);
    expect(trees.eagerAmong(p('r2'), all, null)).toEqual(all);
    expect(trees.graft(p('r1'), p('a'), 0)).toBe(true);
    expect(trees.graft(p('r1'), p('a'), 0)).toBe(false);
    trees.prune(p('r2'), p('c'), 0);
    trees.forget(p('c'));
    expect(trees.isEager(p('r2'), p('c'))).toBe(true);
    expect(trees.lazyCount).toBe(0);
  });

  it('forgets the least recently active roots beyond the bound and roots silent past the TTL', () => {
    const trees = new RootTrees({ maxRoots: 3, rootTtlMs: 1000 });
    for (const [i, root] of ['r1', 'r2', 'r3', 'r4'].entries()) trees.prune(p(root), p('a'), i);
    expect(trees.size).toBe(3);
    expect(trees.isEager(p('r1'), p('a'))).toBe(true); // forgotten: starts eager again
    expect(trees.isEager(p('r4'), p('a'))).toBe(false);
    trees.delivered(p('r4'), p('a'), 2, 1500);
    trees.expire(2200);
    expect(trees.size).toBe(1);
    expect(trees.parentOf(p('r4'))).toEqual({ peer: p('a'), hops: 2 });
  });
});

describe('MissingRumors', () => {
  it('asks the first open announcer when the timer fires, then the next, then gives up', () => {
    const missing = new MissingRumors(2);
    const id = rumorId(p('r'), 1);
    missing.announced(id, p('r'), p('a'), 100);
    missing.announced(id, p('r'), p('b'), 150);
    missing.announced(id, p('r'), p('c'), 150);
    missing.announced(rumorId(p('r'), 2), p('r'), p('a'), 100);
    missing.announced(rumorId(p('r'), 3), p('r'), p('a'), 100); // beyond the bound: left to the digest pull
    expect(missing.size).toBe(2);
    expect(missing.due(99, [p('a'), p('b')], 50)).toEqual([]);
    missing.arrived(rumorId(p('r'), 2));
    expect(missing.due(100, [p('b'), p('c')], 50)).toEqual([{ id, root: p('r'), peer: p('b') }]); // a's link is gone
    expect(missing.nextDueAt()).toBe(150);
    expect(missing.due(150, [p('b')], 50)).toEqual([]); // c is gone too: nobody left
    expect(missing.size).toBe(0);
  });
});

/** `n` nodes, each linked to up to 3 random earlier ones: a connected graph with cycles. */
function randomMesh(n: number, seed: number): { net: TestNet; names: string[] } {
  const net = new TestNet(seed, { mode: 'tree', activeViewSize: 4, maxActiveViewSize: 8, shareTopology: false, aggregatePeriodMs: 0 });
  const random = seededRandom(seed);
  const names = Array.from({ length: n }, (_, i) => `n${i}`);
  names.forEach((name, i) => {
    net.add(name);
    const targets = new Set<number>();
    for (let k = 0; k < Math.min(3, i); k++) targets.add(Math.floor(random() * i));
    for (const t of targets) net.link(name, names[t] as string);
  });
  net.run(100);
  return { net, names };
}

const payloadSends = (net: TestNet, since: number): number =>
  net.delivered.slice(since).filter((d) => d.message.t === 'push' && d.message.rumors.length > 0).length;

/** Publishes from `origin` and delivers everything in flight, with the clock stopped (no periodic pulls). */
function publishNow(net: TestNet, origin: string, text: string): { id: ReturnType<typeof rumorId>; sends: number } {
  const before = net.delivered.length;
  const r = net.node(origin).publish(text);
  net.pump();
  return { id: rumorId(r.origin, r.seq), sends: payloadSends(net, before) };
}

const holders = (net: TestNet, id: ReturnType<typeof rumorId>): PeerId[] =>
  [...net.nodes].filter(([, node]) => node.hasRumor(id)).map(([name]) => name);

/** Links crossed from `origin` to every node by the shortest path (breadth-first over the open links). */
function distances(net: TestNet, origin: string): Map<PeerId, number> {
  const dist = new Map<PeerId, number>([[p(origin), 0]]);
  const queue = [p(origin)];
  for (let node = queue.shift(); node !== undefined; node = queue.shift()) {
    for (const next of net.node(node).neighbors()) {
      if (dist.has(next)) continue;
      dist.set(next, (dist.get(node) as number) + 1);
      queue.push(next);
    }
  }
  return dist;
}

const hopsOf = (net: TestNet, id: ReturnType<typeof rumorId>): Map<PeerId, number> =>
  new Map(
    [...net.nodes].flatMap(([name, node]) => {
      const rumor = node.rumorList().find((r) => rumorId(r.origin, r.seq) === id);
      return rumor === undefined ? [] : [[name, rumor.hops] as const];
    }),
  );

const ORIGINS = ['n0', 'n5', 'n17', 'n39', 'n22', 'n30', 'n11', 'n8'];

describe('tree mode: Plumtree, one tree per origin', () => {
  it('floods each origin\'s first rumor, then one copy per node per update over shortest paths, from many origins', () => {
    const { net, names } = randomMesh(40, 7);
    const first = publishNow(net, 'n5', 'first');
    expect(holders(net, first.id)).toHaveLength(40);
    expect(first.sends).toBeGreaterThan(39 * 1.5);
    for (const origin of ORIGINS) publishNow(net, origin, `warm-up from ${origin}`); // each new root floods once
    for (const origin of ORIGINS) {
      const next = publishNow(net, origin, `from ${origin}`);
      expect(holders(net, next.id)).toHaveLength(names.length);
      expect(next.sends).toBe(names.length - 1);
      // Each origin's own tree: every node reached in as many hops as the shortest path (not one shared tree's detours).
      expect(hopsOf(net, next.id)).toEqual(distances(net, origin));
    }
  });

  it('many rumors from many origins at once: one copy per node per rumor', () => {
    const { net, names } = randomMesh(40, 9);
    for (const origin of ORIGINS) publishNow(net, origin, `warm-up from ${origin}`);
    const before = net.delivered.length;
    const ids = ORIGINS.flatMap((origin) => [1, 2, 3].map(() => net.node(origin).publish(`burst ${origin}`)));
    net.pump();
    const copies = net.delivered.slice(before).reduce((sum, d) => sum + (d.message.t === 'push' ? d.message.rumors.length : 0), 0);
    expect(copies).toBe(ids.length * (names.length - 1));
    for (const r of ids) expect(holders(net, rumorId(r.origin, r.seq))).toHaveLength(names.length);
  });

  it('counter changes follow their origin\'s tree, and every node reaches the exact sum', () => {
    const { net, names } = randomMesh(30, 3);
    publishNow(net, 'n12', 'shape the tree');
    const before = net.delivered.length;
    net.node('n12').add(5);
    net.pump();
    const stateSends = net.delivered.slice(before).filter((d) => d.message.t === 'state').length;
    expect(stateSends).toBe(names.length - 1);
    for (const node of net.nodes.values()) expect(node.counterValue()).toBe(5);
  });

  it('a lost eager push is recovered through a lazy announcement and a graft, well before the digest pull', () => {
    const { net, names } = randomMesh(40, 13);
    publishNow(net, 'n4', 'shape the tree');
    net.lose.push(({ from, message }) => from === p('n4') && message.t === 'push' && message.rumors.length > 0);
    const lost = publishNow(net, 'n4', 'one push lost');
    expect(holders(net, lost.id).length).toBeLessThan(names.length); // a subtree missed it
    const since = net.delivered.length;
    net.run(3 * 1000); // three periods: announcement at the next beat, graft after the timeout
    expect(holders(net, lost.id)).toHaveLength(names.length);
    const grafts = net.delivered.slice(since).filter((d) => d.message.t === 'graft' && (d.message.ids ?? []).includes(lost.id));
    expect(grafts.length).toBeGreaterThan(0);
  });

  it('a tree broken by churn heals by graft within a few periods', () => {
    const { net, names } = randomMesh(40, 11);
    publishNow(net, 'n20', 'shape the tree');
    // Cut a link n20's tree uses: one over which its next rumor travels first.
    const probe = net.delivered.length;
    publishNow(net, 'n20', 'find a tree link');
    const treeLink = net.delivered.slice(probe).find((d) => d.message.t === 'push' && d.from === 'n20');
    expect(treeLink).toBeDefined();
    net.unlink('n20', treeLink?.to as string);
    const cut = publishNow(net, 'n20', 'after the cut');
    expect(holders(net, cut.id).length).toBeLessThan(names.length); // the cut tree missed a subtree
    const since = net.delivered.length;
    net.run(4 * 1000);
    expect(holders(net, cut.id)).toHaveLength(names.length);
    expect(net.delivered.slice(since).some((d) => d.message.t === 'graft')).toBe(true);
    // The grafts leave a connected tree: the next rumor reaches everyone with the clock stopped; the
    // links grafted twice over prune on its duplicates, and the one after is one copy per node again.
    const healed = publishNow(net, 'n20', 'after the repair');
    expect(holders(net, healed.id)).toHaveLength(names.length);
    const settled = publishNow(net, 'n20', 'settled again');
    expect(settled.sends).toBe(names.length - 1);
  });
});

describe('flood mode, over the same links (setMode)', () => {
  it('sends every rumor over nearly every link, where the tree sends one copy per node', () => {
    const { net, names } = randomMesh(40, 5);
    publishNow(net, 'n9', 'shape n9\'s tree');
    const tree = publishNow(net, 'n9', 'tree');
    for (const node of net.nodes.values()) node.setMode('flood');
    expect(net.node('n0').mode()).toBe('flood');
    const flood = publishNow(net, 'n9', 'flood');
    expect(holders(net, flood.id)).toHaveLength(names.length);
    const links = [...net.nodes.values()].reduce((sum, node) => sum + node.neighbors().length, 0) / 2;
    // Each node forwards to all links but the one it heard from: 2 * links - (N - 1) copies.
    expect(flood.sends).toBe(2 * links - (names.length - 1));
    expect(tree.sends).toBe(names.length - 1);
    expect(() => net.node('n0').setMode('gossip' as never)).toThrow(/unknown mode/);
  });
});

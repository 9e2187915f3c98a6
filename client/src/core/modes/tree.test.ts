import { describe, expect, it } from 'vitest';
import { seededRandom } from '../env.ts';
import { asPeerId, rumorId, type PeerId } from '../ids.ts';
import { TestNet } from '../test-net.ts';
import { BroadcastTree } from './tree.ts';

const p = asPeerId;

describe('BroadcastTree', () => {
  it('starts every link eager; prune and graft flip one link and say whether it changed', () => {
    const tree = new BroadcastTree();
    const all = [p('a'), p('b'), p('c')];
    expect(tree.eagerAmong(all, p('b'))).toEqual([p('a'), p('c')]);
    expect(tree.prune(p('a'))).toBe(true);
    expect(tree.prune(p('a'))).toBe(false);
    expect(tree.eagerAmong(all, null)).toEqual([p('b'), p('c')]);
    expect(tree.graft(p('a'))).toBe(true);
    expect(tree.graft(p('a'))).toBe(false);
    tree.prune(p('c'));
    tree.forget(p('c'));
    expect(tree.isEager(p('c'))).toBe(true);
    expect(tree.prunedCount).toBe(0);
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

describe('tree mode', () => {
  it('floods the first rumor, prunes the cycles, then sends exactly one copy per node', () => {
    const { net, names } = randomMesh(40, 7);
    const first = publishNow(net, 'n5', 'first');
    expect(holders(net, first.id)).toHaveLength(40);
    expect(first.sends).toBeGreaterThan(39 * 1.5);
    for (const origin of ['n0', 'n17', 'n39', 'n22']) {
      const next = publishNow(net, origin, `from ${origin}`);
      expect(holders(net, next.id)).toHaveLength(names.length);
      expect(next.sends).toBe(names.length - 1);
    }
  });

  it('counter changes follow the tree too, and every node reaches the exact sum', () => {
    const { net, names } = randomMesh(30, 3);
    publishNow(net, 'n1', 'shape the tree');
    const before = net.delivered.length;
    net.node('n12').add(5);
    net.pump();
    const stateSends = net.delivered.slice(before).filter((d) => d.message.t === 'state').length;
    expect(stateSends).toBe(names.length - 1);
    for (const node of net.nodes.values()) expect(node.counterValue()).toBe(5);
  });

  it('mends itself: after a tree link closes, the periodic pull repairs the gap and grafts a new tree', () => {
    const { net, names } = randomMesh(40, 11);
    publishNow(net, 'n3', 'shape the tree');
    // Cut a link the tree uses: one over which n3's next rumor travels first.
    const probe = net.delivered.length;
    publishNow(net, 'n3', 'find a tree link');
    const treeLink = net.delivered.slice(probe).find((d) => d.message.t === 'push' && d.from === 'n3');
    expect(treeLink).toBeDefined();
    net.unlink('n3', treeLink?.to as string);
    const cut = publishNow(net, 'n20', 'after the cut');
    expect(holders(net, cut.id).length).toBeLessThan(names.length); // the cut tree missed a subtree
    net.run(10_000); // periodic pulls repair what the broken tree did not carry
    expect(holders(net, cut.id)).toHaveLength(names.length);
    // The grafts leave a connected eager graph: the next rumor reaches everyone with the clock stopped.
    const healed = publishNow(net, 'n20', 'after the repair');
    expect(holders(net, healed.id)).toHaveLength(names.length);
  });
});

describe('flood mode, over the same links (setMode)', () => {
  it('sends every rumor over nearly every link, where the tree sends one copy per node', () => {
    const { net, names } = randomMesh(40, 5);
    publishNow(net, 'n2', 'shape the tree');
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

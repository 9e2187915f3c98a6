import { describe, expect, it } from 'vitest';
import { seededRandom } from './env.ts';
import { CoreError, asPeerId, rumorId, type PeerId } from './ids.ts';
import { GossipNode, type Action } from './node.ts';
import { TestNet } from './test-net.ts';
import { MAX_MESSAGE_BYTES, MAX_PAYLOAD_BYTES, MAX_REGISTER_BYTES, WIRE_VERSION, encode, type Message, type RejectReason } from './wire.ts';

const id = (name: string): PeerId => asPeerId(name);
/** A line a-b-c-d that stays a line: ends want one link, middles are full at two. */
function line(seed = 1, extra = {}): TestNet {
  const net = new TestNet(seed, { activeViewSize: 1, maxActiveViewSize: 2, ...extra });
  for (const name of ['a', 'b', 'c', 'd']) net.add(name);
  net.chain('a', 'b', 'c', 'd');
  return net;
}
function mesh(names: string[], seed: number, extra = {}): TestNet {
  const net = new TestNet(seed, { activeViewSize: 3, maxActiveViewSize: 5, ...extra });
  for (const name of names) net.add(name);
  for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) net.link(names[i] as string, names[j] as string);
  return net;
}
const rumorSends = (net: TestNet, since: number): number =>
  net.delivered.slice(since).filter((d) => d.message.t === 'push' && d.message.rumors.length > 0).length;

describe('GossipNode: rumors', () => {
  it('delivers each rumor once per node, counts duplicates, and increments hops per link', () => {
    const net = line(1, { mode: 'eager' });
    net.run(100);
    const r = net.node('a').publish('hi');
    net.run(10_000);
    const hops = ['a', 'b', 'c', 'd'].map((n) => net.eventsOf(n, 'rumor').map((e) => e.rumor.hops));
    expect(hops).toEqual([[0], [1], [2], [3]]);
    expect(net.eventsOf('b', 'rumor')[0]?.from).toBe(id('a'));
    // The same push again is a duplicate: counted, not delivered.
    const before = net.node('d').stats();
    net.node('d').receiveTrusted(id('c'), { t: 'push', rumors: [{ ...r, hops: 2 }], seen: [], wantFeedback: false });
    expect(net.node('d').stats().duplicates).toBe(before.duplicates + 1);
    expect(net.node('d').stats().rumorsDelivered).toBe(1);
    net.pump();
    expect(net.eventsOf('d', 'rumor')).toHaveLength(1);
  });

  it('a full mesh delivers once everywhere and sees duplicates', () => {
    const net = mesh(['a', 'b', 'c', 'd', 'e'], 2, { mode: 'eager', fanout: 4 });
    net.node('c').publish('x');
    net.run(5000);
    for (const name of ['a', 'b', 'c', 'd', 'e']) expect(net.eventsOf(name, 'rumor')).toHaveLength(1);
    const duplicates = [...net.nodes.values()].reduce((sum, n) => sum + n.stats().duplicates, 0);
    expect(duplicates).toBeGreaterThan(0);
  });

  it('push mode: rumor mongering stops pushing after stopAfterDuplicates feedback', () => {
    const run = (stopAfterDuplicates: number): number => {
      const net = mesh(['a', 'b', 'c'], 3, { mode: 'push', stopAfterDuplicates, hotForMs: 86_400_000, periodMs: 100 });
      net.node('a').publish('news');
      net.run(3000);
      for (const name of ['b', 'c']) expect(net.eventsOf(name, 'rumor')).toHaveLength(1);
      const mark = net.delivered.length;
      net.run(3000);
      return rumorSends(net, mark);
    };
    expect(run(1)).toBe(0); // hot sets are empty: nobody pushes any more
    expect(run(100)).toBeGreaterThan(50); // control: 3 nodes x 10 rounds/s still pushing
  });

  it('anti-entropy: a node that joins late gets old, cold rumors by pull', () => {
    const net = mesh(['a', 'b', 'c'], 4, { mode: 'push', hotForMs: 10, antiEntropyPeriodMs: 500 });
    const published = [net.node('a').publish('one'), net.node('b').publish('two'), net.node('c').publish('three')];
    net.run(10_000);
    const mark = net.delivered.length;
    net.run(2000);
    expect(rumorSends(net, mark)).toBe(0); // everything is cold by now
    net.add('late', { mode: 'push', hotForMs: 10, antiEntropyPeriodMs: 500 });
    net.link('late', 'a');
    net.run(5000);
    for (const r of published) expect(net.node('late').hasRumor(rumorId(r.origin, r.seq))).toBe(true);
    expect(net.eventsOf('late', 'rumor')).toHaveLength(3);
  });

  it('refuses and counts rumors older than rumorRetentionMs', () => {
    const net = new TestNet(5, { rumorRetentionMs: 1000 });
    const node = net.add('a');
    net.now = 5000;
    const stale = { origin: id('z'), seq: 1, sentAt: 3999, hops: 0, payload: 'old' };
    node.receiveTrusted(id('b'), { t: 'push', rumors: [stale], seen: [], wantFeedback: false });
    expect(node.hasRumor(rumorId(id('z'), 1))).toBe(false);
    expect(node.stats().droppedByReason.expired).toBe(1);
    node.receiveTrusted(id('b'), { t: 'push', rumors: [{ ...stale, sentAt: 4000 }], seen: [], wantFeedback: false });
    expect(node.hasRumor(rumorId(id('z'), 1))).toBe(true);
  });

  it('publish rejects payloads over MAX_PAYLOAD_BYTES (in UTF-8 bytes) with a CoreError', () => {
    const node = new TestNet().add('a');
    expect(() => node.publish('é'.repeat(MAX_PAYLOAD_BYTES / 2 + 1))).toThrow(CoreError);
    expect(() => node.publish('x'.repeat(MAX_PAYLOAD_BYTES + 1))).toThrow(expect.objectContaining({ code: 'payload-too-large' }));
    expect(() => node.setRegister('x'.repeat(MAX_REGISTER_BYTES + 1))).toThrow(expect.objectContaining({ code: 'payload-too-large' }));
    expect(() => node.add(0)).toThrow(expect.objectContaining({ code: 'bad-argument' }));
    expect(() => node.add(1.5)).toThrow(expect.objectContaining({ code: 'bad-argument' }));
    expect(node.rumorList()).toEqual([]);
    expect(node.publish('é'.repeat(MAX_PAYLOAD_BYTES / 2)).seq).toBe(1);
  });
});

describe('GossipNode: liveness', () => {
  it('any message keeps a link alive; a neighbour that goes quiet is declared gone', () => {
    const net = new TestNet(13, { activeViewSize: 1, maxActiveViewSize: 1, pingIntervalMs: 100, deadAfterMs: 1000 });
    net.add('a');
    net.add('b');
    net.link('a', 'b');
    net.run(60_000);
    expect(net.node('a').neighbors()).toEqual([id('b')]);
    expect(net.eventsOf('a', 'peer-gone')).toEqual([]);
    net.muted.add(id('b'));
    const mutedAt = net.now;
    net.run(2500); // b keeps knocking (its side looks fine) but stays out while marked gone
    expect(net.eventsOf('a', 'peer-gone')).toEqual([{ type: 'peer-gone', peer: id('b'), reason: 'silent' }]);
    expect(net.node('a').neighbors()).toEqual([]);
    expect(net.now - mutedAt).toBeGreaterThanOrEqual(1000);
  });
});

describe('GossipNode: bad input', () => {
  const bad: Array<[RejectReason, unknown]> = [
    ['malformed', '{not json'],
    ['malformed', new Uint8Array([0xff, 0xfe])],
    ['malformed', [1, 2]],
    ['oversized', new Uint8Array(MAX_MESSAGE_BYTES + 1)],
    ['oversized', `"${'€'.repeat(6000)}"`],
    ['unknown-version', { v: 9, t: 'ping', n: 1 }],
    ['unknown-type', { v: WIRE_VERSION, t: 'steal' }],
    ['invalid', { v: WIRE_VERSION, t: 'state', counter: [['evil', -5, 0]], register: null, reply: true }],
    ['invalid', { v: WIRE_VERSION, t: 'push', rumors: [{ origin: 'x', seq: 1, sentAt: 0, hops: 0, payload: 'p'.repeat(MAX_PAYLOAD_BYTES + 1) }], seen: [], wantFeedback: true }],
  ];

  const snapshot = (node: GossipNode) => ({
    counter: node.counterValue(),
    register: node.registerValue(),
    rumors: node.rumorList(),
    neighbors: node.neighbors(),
    known: node.known(),
    received: node.stats().messagesReceived,
  });

  for (const [reason, raw] of bad) {
    it(`drops ${reason} input, counts it, emits 'dropped', and changes nothing`, () => {
      const net = mesh(['a', 'b', 'c'], 6);
      net.node('a').add(2);
      net.node('a').publish('keep');
      net.run(3000);
      const b = net.node('b');
      const before = snapshot(b);
      const stats = b.stats();
      const mark = net.log.length;
      b.receive(id('a'), raw);
      net.pump();
      expect(snapshot(b)).toEqual(before);
      expect(b.stats().dropped).toBe(stats.dropped + 1);
      expect(b.stats().droppedByReason[reason]).toBe((stats.droppedByReason[reason] ?? 0) + 1);
      expect(net.eventsOf('b', 'dropped').map((e) => [e.from, e.reason])).toEqual([[id('a'), reason]]);
      expect(net.log.slice(mark)).toEqual([]); // no reply, no link change
    });
  }

  it('cuts a peer off after 10 bad messages', () => {
    const net = mesh(['a', 'b', 'c'], 7);
    net.run(1000);
    const b = net.node('b');
    for (let i = 0; i < 9; i++) b.receive(id('a'), '<html>');
    net.pump();
    expect(b.neighbors()).toContain(id('a'));
    b.receive(id('a'), '<html>');
    const { actions, events } = b.drain();
    expect(actions).toContainEqual({ type: 'disconnect', peer: id('a') });
    expect(events).toContainEqual(expect.objectContaining({ type: 'dropped', from: id('a'), reason: 'cut-off' }));
    expect(events).toContainEqual({ type: 'peer-gone', peer: id('a'), reason: 'silent' });
    expect(events).toContainEqual(expect.objectContaining({ type: 'view', active: [id('c')] }));
    expect(b.neighbors()).toEqual([id('c')]);
    expect(b.stats().droppedByReason['cut-off']).toBe(1);
    expect(b.stats().dropped).toBe(11);
  });
});

describe('GossipNode: state and signals', () => {
  it('counter and register converge across a small network', () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    const net = new TestNet(8, { activeViewSize: 2, maxActiveViewSize: 3 });
    for (const name of names) net.add(name);
    net.chain(...names);
    const random = seededRandom(8);
    let sum = 0;
    for (let i = 0; i < 40; i++) {
      const name = names[Math.floor(random() * names.length)] as string;
      const delta = Math.floor(random() * 21) - 10 || 1;
      sum += delta;
      net.node(name).add(delta);
      if (i % 10 === 0) net.node(name).setRegister(`v${i} by ${name}`);
      net.run(Math.floor(random() * 300));
    }
    net.run(20_000);
    const registers = names.map((n) => net.node(n).registerValue());
    for (const name of names) expect(net.node(name).counterValue(), name).toBe(sum);
    expect(new Set(registers.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(registers[0]?.value).toMatch(/^v30 by /); // the last write wins
  });

  it('state changes are forwarded hop by hop at once, without waiting for anti-entropy', () => {
    const net = line(14, { antiEntropyPeriodMs: 3_600_000 });
    net.node('a').add(5);
    net.node('d').add(-2);
    const written = net.node('b').setRegister('now');
    net.pump();
    for (const name of ['a', 'b', 'c', 'd']) {
      expect(net.node(name).counterValue(), name).toBe(3);
      expect(net.node(name).registerValue(), name).toEqual(written);
    }
    expect(net.eventsOf('d', 'counter').map((e) => e.value)).toEqual([-2, 3]);
  });

  it('answers a state message that asks for a reply with its full state, and only then', () => {
    const node = new TestNet(15).add('a');
    node.add(4);
    node.connected(id('b'));
    node.drain();
    const ask = (reply: boolean): Action[] => {
      node.receiveTrusted(id('b'), { t: 'state', counter: [], register: null, reply });
      return node.drain().actions;
    };
    expect(ask(false)).toEqual([]);
    const answer = ask(true);
    expect(answer).toHaveLength(1);
    expect(answer[0]).toMatchObject({ type: 'send', to: id('b'), message: { t: 'state', counter: [[id('a'), 4, 0]], reply: false } });
  });

  it('routes a signal to the addressed node through intermediates', () => {
    const net = line(9);
    net.run(3000); // let topology entries spread
    expect(net.node('a').sendSignal(id('d'), { type: 'knock' })).toBe(true);
    net.pump();
    expect(net.eventsOf('d', 'signal')).toEqual([{ type: 'signal', from: id('a'), data: { type: 'knock' } }]);
    for (const name of ['a', 'b', 'c']) expect(net.eventsOf(name, 'signal')).toEqual([]);
    const hopsSeen = net.delivered.flatMap((d) => (d.message.t === 'signal' ? [[d.from, d.to, d.message.hops]] : []));
    expect(hopsSeen).toEqual([
      [id('a'), id('b'), 0],
      [id('b'), id('c'), 1],
      [id('c'), id('d'), 2],
    ]);
  });

  it('drops a signal after maxSignalHops', () => {
    const net = line(10, { maxSignalHops: 2 });
    net.run(3000);
    net.node('a').sendSignal(id('d'), { type: 'offer', sdp: 'v=0' });
    net.pump();
    expect(net.eventsOf('d', 'signal')).toEqual([]);
    expect(net.node('c').stats().droppedByReason.unroutable).toBe(1);
    const lonely = new TestNet().add('solo');
    expect(lonely.sendSignal(id('d'), { type: 'knock' })).toBe(false);
  });

  it('is deterministic: same seed, same actions; another seed, other actions', () => {
    const runOnce = (seed: number): string[] => {
      const net = mesh(['a', 'b', 'c', 'd'], seed, { mode: 'push-pull' });
      net.node('a').publish('p');
      net.node('b').add(3);
      net.run(10_000);
      return net.log;
    };
    const first = runOnce(11);
    expect(first.length).toBeGreaterThan(100);
    expect(runOnce(11)).toEqual(first);
    expect(runOnce(12)).not.toEqual(first);
  });

  it('receives messages as JSON text in their envelope (what a real link delivers)', () => {
    const node = new TestNet().add('a');
    const ping: Message = { t: 'ping', n: 3 };
    node.connected(id('b'));
    node.drain();
    node.receive(id('b'), encode(ping));
    expect(node.drain().actions).toContainEqual({ type: 'send', to: id('b'), message: { t: 'pong', n: 3 } });
  });
});

describe('GossipNode: churn without a bootstrap service', () => {
  const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  /** A ring (so each node has two neighbours) where everyone knows everyone: a server's introductions. */
  function ring(seed: number): TestNet {
    const net = new TestNet(seed, { activeViewSize: 2, maxActiveViewSize: 4, pingIntervalMs: 100, deadAfterMs: 1000, connectTimeoutMs: 500 });
    for (const name of names) net.add(name);
    for (const name of names) net.node(name).introduce(names.filter((n) => n !== name).map(id));
    net.chain(...names, 'a');
    net.run(20_000); // a few anti-entropy periods: everyone has everyone's topology entry
    return net;
  }

  it('a killed node leaves every view, its neighbours replace it, and the rest stay connected', () => {
    const net = ring(21);
    const victim = id('c');
    net.kill('c');
    // Its links stay open (nothing tells the others), only silence: the heartbeat must find it.
    net.run(10_000);
    const survivors = names.filter((n) => n !== 'c');
    for (const name of survivors) {
      const node = net.node(name);
      expect(node.neighbors(), name).not.toContain(victim);
      expect(node.known(), name).not.toContain(victim);
      expect(node.neighbors().length, name).toBeGreaterThanOrEqual(2);
      expect(node.meshGraph().has(victim), name).toBe(false);
    }
    const rumor = net.node('a').publish('after the kill');
    net.run(3000);
    for (const name of survivors) expect(net.node(name).hasRumor(rumorId(rumor.origin, rumor.seq)), name).toBe(true);
  });

  it('a node wrongly declared gone outvotes the notice and is taken back', () => {
    const net = ring(22);
    const notice = (version: number): Message => ({ t: 'topology', entries: [{ peer: id('e'), neighbors: [], version, gone: true }], reply: false });
    expect(net.node('b').meshGraph().has(id('e'))).toBe(true);
    // b hears (wrongly) that e is gone, with a version past anything e wrote so far.
    net.node('b').receiveTrusted(id('a'), notice(net.now + 10_000));
    net.pump();
    expect(net.node('b').meshGraph().has(id('e'))).toBe(false);
    expect(net.node('b').known()).not.toContain(id('e'));
    // e hears it too and answers with a newer entry of its own; anti-entropy carries it around.
    net.node('e').receiveTrusted(id('d'), notice(net.now + 10_000));
    net.run(20_000);
    expect(net.node('b').meshGraph().has(id('e'))).toBe(true);
    expect(net.node('e').neighbors().length).toBeGreaterThanOrEqual(2);
  });
});

describe('GossipNode: admission and routing', () => {
  it('routes every message type to exactly one protocol module', () => {
    // The constructor builds the route table and throws on a type with no owner or two.
    expect(() => new TestNet().add('a')).not.toThrow();
  });

  it('refuses a register write stamped beyond the tolerated clock skew, and keeps its own', () => {
    const net = new TestNet(31);
    const node = net.add('a');
    net.now = 10_000;
    node.setRegister('mine');
    node.receiveTrusted(id('b'), { t: 'state', counter: [], register: { value: 'forever', timestamp: Number.MAX_SAFE_INTEGER, origin: id('b') }, reply: false });
    expect(node.registerValue()?.value).toBe('mine');
    expect(node.stats().droppedByReason.future).toBe(1);
  });

  it('a later write wins over one stamped ahead by a fast clock it has seen', () => {
    const net = new TestNet(32);
    const node = net.add('a');
    net.now = 10_000;
    node.receiveTrusted(id('b'), { t: 'state', counter: [], register: { value: 'fast clock', timestamp: 40_000, origin: id('b') }, reply: false });
    expect(node.setRegister('after it').timestamp).toBeGreaterThan(40_000);
    expect(node.registerValue()?.value).toBe('after it');
  });
});

import { describe, expect, it } from 'vitest';
import { asPeerId, rumorId, type PeerId } from './ids.ts';
import { MODES, createOptions, type Mode, type OptionsInput } from './options.ts';
import { RumorStore } from './rumors.ts';
import { TestNet } from './test-net.ts';
import { MAX_PAYLOAD_BYTES, MAX_RANGES_PER_ORIGIN, MAX_RUMORS_PER_MESSAGE, type Rumor } from './wire.ts';

const ME = asPeerId('me');
const O = asPeerId('other');
const rumor = (origin: PeerId, seq: number, sentAt = 0, payload = 'x'): Rumor => ({ origin, seq, sentAt, hops: 1, payload });
const store = (options: OptionsInput = {}): RumorStore => new RumorStore(ME, createOptions(options));

describe('RumorStore', () => {
  it('dedups by id: the second copy is a duplicate', () => {
    const s = store();
    expect(s.accept(rumor(O, 1), 0)).toBe('new');
    expect(s.accept(rumor(O, 1), 5)).toBe('duplicate');
    expect(s.accept({ ...rumor(O, 1), payload: 'changed' }, 5)).toBe('duplicate');
    expect(s.accept(rumor(O, 2), 5)).toBe('new');
    expect(s.size).toBe(2);
    expect(s.has(rumorId(O, 1))).toBe(true);
    expect(s.has(rumorId(O, 3))).toBe(false);
  });

  it('create numbers own rumors 1, 2, 3 and stores them', () => {
    const s = store();
    expect([s.create('a', 10), s.create('b', 11)].map((r) => [r.origin, r.seq, r.sentAt, r.hops])).toEqual([
      [ME, 1, 10, 0],
      [ME, 2, 11, 0],
    ]);
    expect(s.accept(rumor(ME, 2), 12)).toBe('duplicate');
  });

  it('refuses rumors older than rumorRetentionMs and expires stored ones', () => {
    const s = store({ rumorRetentionMs: 1000 });
    expect(s.accept(rumor(O, 1, 0), 1001)).toBe('expired');
    expect(s.has(rumorId(O, 1))).toBe(false);
    expect(s.accept(rumor(O, 2, 500), 1000)).toBe('new');
    s.expire(1500);
    expect(s.size).toBe(1);
    s.expire(1501);
    expect(s.size).toBe(0);
    expect(s.accept(rumor(O, 2, 500), 1400)).toBe('duplicate'); // its id is still remembered
  });

  it('stop rule: a rumor stops being hot after stopAfterDuplicates feedback or hotForMs', () => {
    const s = store({ stopAfterDuplicates: 2, hotForMs: 1000 });
    s.accept(rumor(O, 1), 0);
    s.accept(rumor(O, 2), 0);
    expect(s.hot(0).map((r) => r.seq)).toEqual([1, 2]);
    s.heardDuplicates([rumorId(O, 1)]);
    expect(s.hotCount).toBe(2);
    s.heardDuplicates([rumorId(O, 1), rumorId(O, 9)]);
    expect(s.hot(0).map((r) => r.seq)).toEqual([2]);
    expect(s.hotCount).toBe(1);
    expect(s.hot(1000).map((r) => r.seq)).toEqual([2]);
    expect(s.hot(1001)).toEqual([]);
    expect(s.hotCount).toBe(0);
  });

  it('drops the oldest rumor beyond maxRumors', () => {
    const s = store({ maxRumors: 3 });
    for (let seq = 1; seq <= 5; seq++) s.accept(rumor(O, seq), 0);
    expect(s.all().map((r) => r.seq)).toEqual([3, 4, 5]);
    expect(s.accept(rumor(O, 1), 0)).toBe('duplicate');
  });

  it('digest describes seen ranges; missingFrom returns what the peer lacks', () => {
    const s = store();
    for (const seq of [1, 2, 3, 5]) s.accept(rumor(O, seq), 0);
    s.create('mine', 0);
    expect(s.digest()).toEqual([[O, [[1, 3], [5, 5]]], [ME, [[1, 1]]]]);
    expect(s.missingFrom([[O, [[1, 2]]]]).map((r) => rumorId(r.origin, r.seq))).toEqual([rumorId(O, 3), rumorId(O, 5), rumorId(ME, 1)]);
    expect(s.missingFrom(s.digest())).toEqual([]);
  });

  it('digest keeps only the newest MAX_RANGES_PER_ORIGIN ranges', () => {
    const s = store();
    for (let seq = 1; seq <= 2 * (MAX_RANGES_PER_ORIGIN + 4); seq += 2) s.accept(rumor(O, seq), 0);
    const ranges = s.digest()[0]?.[1] ?? [];
    expect(ranges).toHaveLength(MAX_RANGES_PER_ORIGIN);
    expect(ranges[ranges.length - 1]).toEqual([2 * (MAX_RANGES_PER_ORIGIN + 4) - 1, 2 * (MAX_RANGES_PER_ORIGIN + 4) - 1]);
  });

  it('packs at most MAX_RUMORS_PER_MESSAGE rumors and about 9 KiB of payload', () => {
    const s = store();
    for (let seq = 1; seq <= 40; seq++) s.accept(rumor(O, seq), 0);
    expect(s.hot(0)).toHaveLength(MAX_RUMORS_PER_MESSAGE);
    const big = store();
    for (let seq = 1; seq <= 10; seq++) big.accept(rumor(O, seq, 0, 'b'.repeat(MAX_PAYLOAD_BYTES)), 0);
    const packed = big.missingFrom([]);
    expect(packed.length).toBe(4); // 4 x (2048 + overhead) fits in 9 KiB, 5 does not
  });

  it('duplicateIds lists only duplicates', () => {
    const rumors = [rumor(O, 1), rumor(O, 2), rumor(O, 3)];
    expect(RumorStore.duplicateIds(rumors, ['new', 'duplicate', 'expired'])).toEqual([rumorId(O, 2)]);
  });
});

/** A ring of `n` nodes; `extra` options per test. */
function ring(mode: Mode, n: number, seed: number, extra: OptionsInput = {}): TestNet {
  const net = new TestNet(seed, { mode, activeViewSize: 2, maxActiveViewSize: 3, ...extra });
  const names = Array.from({ length: n }, (_, i) => `n${i}`);
  for (const name of names) net.add(name);
  net.chain(...names, 'n0');
  return net;
}

describe('dissemination modes', () => {
  for (const mode of MODES) {
    it(`${mode}: a rumor reaches every node of a small connected network, once each`, () => {
      const net = ring(mode, 6, 3);
      net.run(200);
      const published = net.node('n2').publish(`hello from ${mode}`);
      const id = rumorId(published.origin, published.seq);
      net.run(30_000);
      for (const [name, node] of net.nodes) {
        expect(node.hasRumor(id), `${name} in ${mode}`).toBe(true);
        const deliveries = net.eventsOf(name, 'rumor').filter((e) => e.rumor.seq === published.seq && e.rumor.origin === published.origin);
        expect(deliveries).toHaveLength(1);
        expect(deliveries[0]?.rumor.payload).toBe(`hello from ${mode}`);
      }
    });
  }

  it('eager: the periodic digest pull repairs what eager pushes missed (late joiner)', () => {
    const net = ring('eager', 4, 5, { antiEntropyPeriodMs: 3_600_000 });
    net.run(100);
    const old = net.node('n1').publish('before you came');
    net.run(5000);
    net.add('late');
    net.link('late', 'n3');
    net.run(5000);
    expect(net.node('late').hasRumor(rumorId(old.origin, old.seq))).toBe(true);
    expect(net.eventsOf('late', 'rumor').map((e) => e.rumor.payload)).toEqual(['before you came']);
  });

  it('eager delivers before the first gossip period, pull needs periods', () => {
    const eager = ring('eager', 6, 4, { periodMs: 60_000, antiEntropyPeriodMs: 60_000 });
    const pull = ring('pull', 6, 4, { periodMs: 60_000, antiEntropyPeriodMs: 60_000 });
    for (const net of [eager, pull]) {
      net.run(100);
      net.node('n0').publish('fast?');
      net.pump();
    }
    const reached = (net: TestNet): number => [...net.nodes.values()].filter((n) => n.rumorList().length > 0).length;
    expect(reached(eager)).toBe(6);
    expect(reached(pull)).toBe(1);
  });
});

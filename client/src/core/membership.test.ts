import { describe, expect, it } from 'vitest';
import { asMembershipMessage, p, peers, sends, setup, targets } from './membership-fixture.ts';
import type { PeerId } from './ids.ts';
import type { Message } from './wire.ts';

describe('Membership: active view', () => {
  it('never exceeds maxActiveViewSize; extra incoming links get a disconnect', () => {
    const { m, drain, viewChanges } = setup('me', { activeViewSize: 2, maxActiveViewSize: 3 });
    const incoming = peers(6);
    for (const peer of incoming) m.connected(peer, 0);
    expect(m.neighbors()).toEqual(incoming.slice(0, 3));
    expect(targets(drain().actions, 'disconnect')).toEqual(incoming.slice(3));
    expect(viewChanges()).toBe(3);
    m.connected(incoming[0] as PeerId, 0); // already linked: no-op
    expect(drain().actions).toEqual([]);
  });

  it('below target, asks to connect to distinct passive peers, counting pending links', () => {
    const { m, drain, tickTo } = setup('me', { activeViewSize: 3, maxActiveViewSize: 4 });
    const known = peers(10);
    m.introduce(known);
    tickTo(1);
    const first = targets(drain().actions, 'connect');
    expect(first).toHaveLength(3);
    expect(new Set(first).size).toBe(3);
    for (const peer of first) expect(known).toContain(peer);
    tickTo(2);
    expect(targets(drain().actions, 'connect')).toEqual([]); // all three still pending
    m.connected(first[0] as PeerId, 2);
    m.disconnected(first[1] as PeerId); // a pending link failed
    const failed = drain().events;
    expect(failed).toContainEqual({ type: 'peer-gone', peer: first[1], reason: 'link-failed' });
    expect(m.known()).not.toContain(first[1]);
    tickTo(3);
    const refill = targets(drain().actions, 'connect');
    expect(refill).toHaveLength(1);
    expect(first).not.toContain(refill[0]);
  });

  it('a lost link returns its peer to the passive view, so it can be retried', () => {
    const { m, drain, tickTo } = setup('me', { activeViewSize: 1, maxActiveViewSize: 2 });
    m.connected(p('n'), 0);
    m.heard(p('n'), 1); // it worked for a while
    m.disconnected(p('n'));
    expect(m.neighbors()).toEqual([]);
    expect(m.known()).toEqual([p('n')]);
    drain();
    tickTo(10);
    expect(targets(drain().actions, 'connect')).toEqual([p('n')]);
  });

  it('gives up pending connects after connectTimeoutMs', () => {
    const { m, drain, tickTo } = setup('me', { activeViewSize: 1, maxActiveViewSize: 1, connectTimeoutMs: 1000 });
    m.introduce([p('x')]);
    tickTo(0);
    expect(targets(drain().actions, 'connect')).toEqual([p('x')]);
    tickTo(999);
    expect(targets(drain().actions, 'disconnect')).toEqual([]);
    tickTo(1000);
    const { actions } = drain();
    expect(targets(actions, 'disconnect')).toEqual([p('x')]);
    expect(targets(actions, 'connect')).toEqual([]); // nobody left to try
    expect(m.known()).toEqual([]);
  });

  it('a link closed before the peer said a word (it refused us: full) is not retried', () => {
    const { m, drain, tickTo } = setup('me', { activeViewSize: 2, maxActiveViewSize: 3 });
    m.introduce([p('full'), p('spare')]);
    tickTo(0);
    expect(new Set(targets(drain().actions, 'connect'))).toEqual(new Set([p('full'), p('spare')]));
    m.connected(p('full'), 10);
    m.connected(p('spare'), 10);
    m.disconnected(p('full'), 20); // closed at once by the other side
    expect(m.neighbors()).toEqual([p('spare')]);
    expect(m.known()).toEqual([]);
    tickTo(30);
    expect(targets(drain().actions, 'connect')).toEqual([]);
  });

  it("says 'lonely' below target when nobody is left to try, even with a link (not only with none)", () => {
    // Two nodes linked only to each other whose known peers all refuse them would be a mesh of their own.
    const { m, drain, tickTo } = setup('me', { activeViewSize: 3, maxActiveViewSize: 4, shufflePeriodMs: 5000, connectTimeoutMs: 1000 });
    const lonely = (): number => drain().events.filter((e) => e.type === 'lonely').length;
    m.connected(p('partner'), 0);
    m.heard(p('partner'), 1);
    m.introduce([p('full1'), p('full2')]);
    tickTo(1);
    expect(new Set(targets(drain().actions, 'connect'))).toEqual(new Set([p('full1'), p('full2')]));
    for (const full of [p('full1'), p('full2')]) {
      m.connected(full, 100);
      m.disconnected(full, 150);
    }
    tickTo(200);
    expect(lonely()).toBe(0); // a newcomer first gives its shuffles a period
    tickTo(5000);
    expect(lonely()).toBe(1);
    expect(m.neighbors()).toEqual([p('partner')]);
    tickTo(5500);
    expect(lonely()).toBe(0); // at most once per connectTimeoutMs
    tickTo(6000);
    expect(lonely()).toBe(1);
  });

  it("emits 'lonely' when nothing is known, at most once per connectTimeoutMs", () => {
    const { m, drain, tickTo } = setup('me', { connectTimeoutMs: 1000 });
    const lonely = (): number => drain().events.filter((e) => e.type === 'lonely').length;
    tickTo(0);
    expect(lonely()).toBe(1);
    tickTo(500);
    expect(lonely()).toBe(0);
    tickTo(1000);
    expect(lonely()).toBe(1);
    m.introduce([p('x')]);
    tickTo(5000);
    expect(lonely()).toBe(0); // a connect is pending instead
  });
});

describe('Membership: passive view and shuffles', () => {
  it('passive view never exceeds passiveViewSize and holds no duplicates, self or neighbours', () => {
    const { m, tickTo } = setup('me', { passiveViewSize: 5, activeViewSize: 1, maxActiveViewSize: 1 });
    m.connected(p('n'), 0);
    for (let round = 0; round < 20; round++) {
      m.introduce(peers(4, `r${round}-`));
      m.receive(p('n'), { t: 'shuffle-reply', sample: [p('me'), p('n'), ...peers(6, `s${round}-`)] }, round);
      tickTo(round);
      const known = m.known();
      expect(known.length).toBeLessThanOrEqual(5);
      expect(new Set(known).size).toBe(known.length);
      expect(known).not.toContain(p('me'));
      expect(known).not.toContain(p('n'));
    }
  });

  it('a shuffle swaps samples so both sides learn new peers', () => {
    const opts = { shufflePeriodMs: 100, activeViewSize: 1, maxActiveViewSize: 2 };
    const a = setup('a', opts, 1);
    const b = setup('b', opts, 2);
    a.m.connected(p('b'), 0);
    b.m.connected(p('a'), 0);
    a.m.introduce([p('x1'), p('x2')]);
    b.m.introduce([p('y1'), p('y2')]);
    a.tickTo(100);
    const shuffle = sends(a.drain().actions, 'shuffle');
    expect(shuffle).toHaveLength(1);
    expect(shuffle[0]?.to).toBe(p('b'));
    expect(shuffle[0]?.message).toMatchObject({ t: 'shuffle', sample: expect.arrayContaining([p('a'), p('x1'), p('x2')]) });
    b.m.receive(p('a'), asMembershipMessage((shuffle[0] as { message: Message }).message), 100);
    expect(b.m.known()).toEqual(expect.arrayContaining([p('x1'), p('x2')]));
    expect(b.m.known()).not.toContain(p('a')); // already a neighbour
    const reply = sends(b.drain().actions, 'shuffle-reply');
    expect(reply.map((r) => r.to)).toEqual([p('a')]);
    expect(reply[0]?.message).toMatchObject({ sample: expect.arrayContaining([p('y1'), p('y2')]) });
    a.m.receive(p('b'), asMembershipMessage((reply[0] as { message: Message }).message), 100);
    expect(a.m.known()).toEqual(expect.arrayContaining([p('y1'), p('y2')]));
  });

  it('answers a ping with a pong carrying the same number', () => {
    const { m, drain } = setup('me');
    m.receive(p('n'), { t: 'ping', n: 42 }, 0);
    expect(sends(drain().actions)).toEqual([{ to: p('n'), message: { t: 'pong', n: 42 } }]);
  });

  it('leave removes the peer, and later shuffles or links do not bring it back', () => {
    const { m, drain, tickTo } = setup('me', { deadAfterMs: 1000, activeViewSize: 2, maxActiveViewSize: 3 });
    m.connected(p('quitter'), 0);
    m.connected(p('n'), 0);
    drain();
    m.receive(p('quitter'), { t: 'leave' }, 10);
    const { actions, events } = drain();
    expect(targets(actions, 'disconnect')).toEqual([p('quitter')]);
    expect(events).toContainEqual({ type: 'peer-gone', peer: p('quitter'), reason: 'left' });
    m.disconnected(p('quitter')); // the driver reports the closed link
    expect(m.neighbors()).toEqual([p('n')]);
    expect(m.known()).not.toContain(p('quitter'));
    m.receive(p('n'), { t: 'shuffle-reply', sample: [p('quitter'), p('other')] }, 20);
    m.receive(p('n'), { t: 'shuffle', sample: [p('n'), p('quitter')] }, 20);
    expect(m.known()).toEqual([p('other')]);
    tickTo(30);
    expect(targets(drain().actions, 'connect')).toEqual([p('other')]);
    m.connected(p('quitter'), 40);
    expect(targets(drain().actions, 'disconnect')).toEqual([p('quitter')]);
    expect(m.neighbors()).not.toContain(p('quitter'));
  });
});

describe('Membership: failure detection', () => {
  const opts = { pingIntervalMs: 1000, deadAfterMs: 5000, activeViewSize: 1, maxActiveViewSize: 2 };

  it('declares a silent neighbour gone only after deadAfterMs and 3 unanswered pings', () => {
    const { m, drain, tickTo } = setup('me', opts);
    m.connected(p('n'), 0);
    drain();
    let pings = 0;
    let goneAt = -1;
    for (let t = 100; t <= 20_000 && goneAt < 0; t += 100) {
      tickTo(t);
      const { actions, events } = drain();
      pings += sends(actions, 'ping').length;
      if (events.some((e) => e.type === 'peer-gone' && e.peer === p('n') && e.reason === 'silent')) {
        goneAt = t;
        expect(targets(actions, 'disconnect')).toEqual([p('n')]);
      }
    }
    expect(goneAt).toBe(5000);
    expect(pings).toBeGreaterThanOrEqual(3);
    expect(m.neighbors()).toEqual([]);
  });

  it('needs 3 unanswered pings even when deadAfterMs is much shorter than the ping interval', () => {
    const { m, drain, tickTo } = setup('me', { ...opts, pingIntervalMs: 2000, deadAfterMs: 100 });
    m.connected(p('n'), 0);
    for (let t = 100; t <= 6000; t += 100) tickTo(t);
    expect(sends(drain().actions, 'ping')).toHaveLength(3);
    expect(m.neighbors()).toEqual([p('n')]);
    tickTo(6100);
    expect(m.neighbors()).toEqual([]);
  });

  it('never evicts a neighbour that answers pings, however long it runs', () => {
    const { m, drain, tickTo } = setup('me', opts);
    m.connected(p('n'), 0);
    let pings = 0;
    for (let t = 100; t <= 100_000; t += 100) {
      tickTo(t);
      const { actions, events } = drain();
      const sent = sends(actions, 'ping');
      pings += sent.length;
      // The pong comes back within the same tick (any message proves it alive).
      if (sent.length > 0) m.heard(p('n'), t + 50);
      expect(events.filter((e) => e.type === 'peer-gone')).toEqual([]);
    }
    expect(pings).toBeGreaterThan(40);
    expect(m.neighbors()).toEqual([p('n')]);
  });

  it('answered pings do not count: once silent, 3 fresh unanswered pings are needed', () => {
    const { m, drain, tickTo } = setup('me', { ...opts, deadAfterMs: 2500 });
    m.connected(p('n'), 0);
    let t = 0;
    for (let answered = 0; answered < 5; ) {
      tickTo((t += 100));
      if (sends(drain().actions, 'ping').length > 0) {
        m.heard(p('n'), t);
        answered++;
      }
    }
    const silentFrom = t;
    let goneAt = -1;
    while (goneAt < 0 && t < silentFrom + 20_000) {
      tickTo((t += 100));
      if (drain().events.some((e) => e.type === 'peer-gone')) goneAt = t;
    }
    expect(goneAt - silentFrom).toBe(3100); // pings at +1000, +2000, +3000, then declared dead
  });

  it('a silent peer that speaks again before the deadline is kept', () => {
    const { m, drain, tickTo } = setup('me', opts);
    m.connected(p('n'), 0);
    for (let t = 100; t <= 4900; t += 100) tickTo(t);
    m.heard(p('n'), 4900);
    for (let t = 5000; t <= 9800; t += 100) tickTo(t);
    expect(drain().events.some((e) => e.type === 'peer-gone')).toBe(false);
    expect(m.neighbors()).toEqual([p('n')]);
  });
});

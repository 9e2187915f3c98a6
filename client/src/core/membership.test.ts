import { describe, expect, it } from 'vitest';
import { asMembershipMessage, p, peers, sends, setup, targets } from './membership-fixture.ts';
import type { PeerId } from './ids.ts';
import type { Action } from './outbox.ts';
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

describe('Membership: failure detection (SWIM probes)', () => {
  // Defaults otherwise: probePeriodMs 250, probeTimeoutMs 500, indirectProbes 3.
  const opts = { pingIntervalMs: 1000, deadAfterMs: 5000, activeViewSize: 3, maxActiveViewSize: 4 };
  const pings = (actions: Action[]) => sends(actions, 'ping');

  it('probes only quiet links, one per period, the quietest first', () => {
    const s = setup('me', opts);
    for (const name of ['a', 'b', 'c']) s.m.connected(p(name), 0);
    s.drain();
    const probed: string[] = [];
    for (let t = 50; t <= 1500; t += 50) {
      s.m.heard(p('a'), t); // a talks all the time: never probed
      if (t === 400) s.m.heard(p('c'), t); // c spoke later than b: b is the quieter one
      s.tickTo(t);
      const sent = pings(s.drain().actions);
      expect(sent.length).toBeLessThanOrEqual(1);
      probed.push(...sent.map((x) => x.to));
      // Both answer at once.
      for (const x of sent) s.m.heard(x.to, t);
    }
    expect(probed[0]).toBe(p('b'));
    expect(probed).toContain(p('c'));
    expect(probed).not.toContain(p('a'));
  });

  it('an unanswered probe goes through neighbours linked to the target; their ok keeps it', () => {
    const s = setup('me', opts, 1, { linkedTo: (helper, target) => target === p('t') && helper !== p('lonely') });
    for (const name of ['t', 'h1', 'h2', 'lonely']) s.m.connected(p(name), 0);
    s.drain();
    let requests: Array<{ to: PeerId; message: Message }> = [];
    for (let t = 50; t <= 3000 && requests.length === 0; t += 50) {
      for (const name of ['h1', 'h2', 'lonely']) s.m.heard(p(name), t);
      s.tickTo(t);
      requests = sends(s.drain().actions, 'probe-req');
    }
    expect(requests.map((r) => r.to).sort()).toEqual([p('h1'), p('h2')]);
    const request = requests[0]?.message;
    if (request?.t !== 'probe-req') throw new Error('no probe-req');
    expect(request.target).toBe(p('t'));
    // h1 reached t: t is alive, no suspicion, nobody dialled in its place.
    s.m.receive(p('h1'), { t: 'probe-ack', n: request.n, target: p('t'), ok: true }, s.clock.now);
    expect(s.m.healthy()).toContain(p('t'));
    expect(s.m.responsive()).toContain(p('t'));
  });

  it('nacks from the helpers make the target a suspect; silent for deadAfterMs, it is declared dead', () => {
    const declared: PeerId[] = [];
    const s = setup('me', opts, 1, { linkedTo: () => true, declaredGone: (peer) => declared.push(peer) });
    for (const name of ['t', 'h1']) s.m.connected(p(name), 0);
    s.drain();
    let suspectedAt = -1;
    for (let t = 50; t <= 10_000 && declared.length === 0; t += 50) {
      s.m.heard(p('h1'), t);
      s.tickTo(t);
      for (const r of sends(s.drain().actions, 'probe-req')) {
        if (r.message.t === 'probe-req') s.m.receive(p('h1'), { t: 'probe-ack', n: r.message.n, target: r.message.target, ok: false }, t);
      }
      if (suspectedAt < 0 && !s.m.healthy().includes(p('t'))) suspectedAt = t;
    }
    expect(suspectedAt).toBeGreaterThanOrEqual(1000 + 2 * 500); // quiet, then a direct and an indirect timeout
    expect(declared).toEqual([p('t')]);
    expect(s.m.neighbors()).toEqual([p('h1')]);
    expect(s.m.localHealth()).toBe(0); // the helper nacked: we are not the slow one
  });

  it('probes for others: pings the target, acks ok when it answers, nacks when it does not or is not linked', () => {
    const s = setup('me', opts);
    s.m.connected(p('asker'), 0);
    s.m.connected(p('t'), 0);
    s.drain();
    s.m.receive(p('asker'), { t: 'probe-req', n: 9, target: p('t') }, 10);
    const ping = sends(s.drain().actions, 'ping')[0];
    expect(ping?.to).toBe(p('t'));
    if (ping?.message.t !== 'ping') throw new Error('no ping');
    s.m.receive(p('t'), { t: 'pong', n: ping.message.n }, 20);
    expect(sends(s.drain().actions, 'probe-ack')).toEqual([{ to: p('asker'), message: { t: 'probe-ack', n: 9, target: p('t'), ok: true } }]);
    s.m.receive(p('asker'), { t: 'probe-req', n: 10, target: p('t') }, 30);
    s.drain();
    s.tickTo(600);
    expect(sends(s.drain().actions, 'probe-ack')).toEqual([{ to: p('asker'), message: { t: 'probe-ack', n: 10, target: p('t'), ok: false } }]);
    s.m.receive(p('asker'), { t: 'probe-req', n: 11, target: p('stranger') }, 700);
    expect(sends(s.drain().actions)).toEqual([{ to: p('asker'), message: { t: 'probe-ack', n: 11, target: p('stranger'), ok: false } }]);
  });

  it('never evicts a neighbour that answers its probes, however long it runs', () => {
    const s = setup('me', opts);
    s.m.connected(p('n'), 0);
    let probes = 0;
    for (let t = 50; t <= 100_000; t += 50) {
      s.tickTo(t);
      const { actions, events } = s.drain();
      const sent = pings(actions);
      probes += sent.length;
      if (sent.length > 0) s.m.heard(p('n'), t + 20); // the pong, from its message handler
      expect(events.filter((e) => e.type === 'peer-gone')).toEqual([]);
    }
    expect(probes).toBeGreaterThan(40);
    expect(s.m.neighbors()).toEqual([p('n')]);
  });

  it('a suspect that speaks again before the deadline is kept, and vouched for again', () => {
    const s = setup('me', opts);
    s.m.connected(p('n'), 0);
    for (let t = 50; t <= 4000; t += 50) s.tickTo(t);
    expect(s.m.healthy()).toEqual([]);
    s.m.heard(p('n'), 4000);
    expect(s.m.healthy()).toEqual([p('n')]);
    for (let t = 4050; t <= 8500; t += 50) s.tickTo(t);
    expect(s.drain().events.some((e) => e.type === 'peer-gone')).toBe(false);
    expect(s.m.neighbors()).toEqual([p('n')]);
  });

  it('time this node slept (its own tick late) does not count against its neighbours', () => {
    const s = setup('me', opts);
    s.m.connected(p('n'), 0);
    s.tickTo(250);
    s.tickTo(60_250); // a minute without a tick: throttled or frozen
    expect(s.drain().events.some((e) => e.type === 'peer-gone')).toBe(false);
    expect(s.m.healthy()).toEqual([p('n')]);
    expect(s.m.localHealth()).toBeGreaterThan(0);
    // Its answer was waiting in the queue behind the tick: it is heard, nothing happened.
    s.m.heard(p('n'), 60_260);
    for (let t = 60_300; t <= 62_000; t += 50) s.tickTo(t);
    expect(s.m.neighbors()).toEqual([p('n')]);
  });

  it('a link the transport doubts is probed at once, quiet or not', () => {
    const s = setup('me', opts);
    s.m.connected(p('n'), 0);
    s.m.heard(p('n'), 240);
    s.m.doubt(p('n'));
    s.tickTo(250);
    expect(pings(s.drain().actions).map((x) => x.to)).toEqual([p('n')]);
  });
});

import { describe, expect, it } from 'vitest';
import type { PeerId } from './ids.ts';
import { p, peers, setup, targets } from './membership-fixture.ts';
import type { OptionsInput } from './options.ts';

describe('Membership: churn', () => {
  const opts = { pingIntervalMs: 1000, deadAfterMs: 5000, activeViewSize: 2, maxActiveViewSize: 4 };

  /** `me` linked to n1 and n2, with spare peers x1..x4 in the passive view; records death notices. */
  function linked(extra: OptionsInput = {}, reported = new Set<PeerId>()) {
    const declared: PeerId[] = [];
    const s = setup('me', { ...opts, ...extra }, 1, {
      reportedGone: (peer) => reported.has(peer),
      declaredGone: (peer) => declared.push(peer),
    });
    s.m.connected(p('n1'), 0);
    s.m.connected(p('n2'), 0);
    s.m.introduce(peers(4, 'x'));
    s.drain();
    return { ...s, declared, reported };
  }

  it('replaces a neighbour as soon as it is a suspect (probe unanswered), long before it is declared dead', () => {
    const { m, drain, tickTo, declared } = linked();
    let replacedAt = -1;
    let dialled: PeerId[] = [];
    for (let t = 100; t <= 4000 && replacedAt < 0; t += 100) {
      tickTo(t);
      m.heard(p('n1'), t); // n1 answers; n2 is silent
      dialled = targets(drain().actions, 'connect');
      if (dialled.length > 0) replacedAt = t;
    }
    // Quiet for pingIntervalMs, then a probe unanswered for probeTimeoutMs (no helpers known: no indirect round).
    expect(replacedAt).toBeGreaterThanOrEqual(1000 + 500);
    expect(replacedAt).toBeLessThan(5000);
    expect(dialled).toHaveLength(2); // one replacement and one spare attempt
    expect(m.neighbors()).toEqual([p('n1'), p('n2')]); // still linked: only suspected
    expect(declared).toEqual([]);
    // It wakes up and answers: it keeps its link, next to the replacement.
    m.heard(p('n2'), replacedAt + 100);
    m.connected(p('x0'), replacedAt + 100);
    tickTo(replacedAt + 200);
    expect(drain().events.filter((e) => e.type === 'peer-gone')).toEqual([]);
    expect(m.neighbors()).toHaveLength(3);
  });

  it('never opens links beyond maxActiveViewSize to replace suspects', () => {
    const { m, drain, tickTo } = linked({ activeViewSize: 2, maxActiveViewSize: 2 });
    for (let t = 100; t <= 4000; t += 100) tickTo(t); // both silent, both suspected
    expect(targets(drain().actions, 'connect')).toEqual([]);
    expect(m.neighbors()).toHaveLength(2);
  });

  it('declares a neighbour dead when it stays silent (heartbeat) and tells the node', () => {
    const { m, drain, tickTo, declared } = linked();
    for (let t = 100; t <= 5000; t += 100) {
      tickTo(t);
      m.heard(p('n1'), t);
    }
    expect(declared).toEqual([]); // a suspect, not yet deadAfterMs silent
    for (let t = 5100; t <= 5500; t += 100) {
      tickTo(t);
      m.heard(p('n1'), t);
    }
    expect(declared).toEqual([p('n2')]);
    expect(drain().events).toContainEqual({ type: 'peer-gone', peer: p('n2'), reason: 'silent' });
    expect(m.known()).not.toContain(p('n2'));
  });

  it('a link that fails after its peer went silent means the peer is gone; a link closed while it talked does not', () => {
    const { m, drain, tickTo, declared } = linked();
    for (let t = 100; t <= 3000; t += 100) {
      tickTo(t);
      m.heard(p('n1'), t);
    }
    m.disconnected(p('n2'), 3000); // e.g. ICE gave up on a killed tab
    expect(declared).toEqual([p('n2')]);
    expect(drain().events).toContainEqual({ type: 'peer-gone', peer: p('n2'), reason: 'silent' });
    expect(m.known()).not.toContain(p('n2'));
    m.disconnected(p('n1'), 3000); // it was talking: closed by the other side or a glitch
    expect(declared).toEqual([p('n2')]);
    expect(m.known()).toContain(p('n1'));
  });

  it('a leave is declared too; cutting off a misbehaving peer is not', () => {
    const { m, declared } = linked();
    m.receive(p('n1'), { t: 'leave' }, 10);
    m.evict(p('n2'), 10);
    expect(declared).toEqual([p('n1')]);
  });

  it('forget (a death notice from elsewhere) drops a passive peer, gives up dialling it, and keeps an open link', () => {
    const { m, drain, tickTo } = linked({ activeViewSize: 4, maxActiveViewSize: 6 });
    tickTo(1);
    const dialled = targets(drain().actions, 'connect');
    expect(dialled).toHaveLength(2);
    const [dead, other] = dialled as [PeerId, PeerId];
    m.forget(dead);
    expect(targets(drain().actions, 'disconnect')).toEqual([dead]);
    expect(m.known()).not.toContain(dead);
    tickTo(2);
    const next = targets(drain().actions, 'connect');
    expect(next).toHaveLength(1); // a replacement for the abandoned attempt
    expect([dead, other]).not.toContain(next[0]);
    m.forget(p('n1'));
    expect(m.neighbors()).toContain(p('n1'));
  });

  it('peers reported gone are not taken from shuffles, nor dialled; the bootstrap service is believed', () => {
    const reported = new Set([p('ghost')]);
    const { m, drain, tickTo } = linked({ activeViewSize: 3, maxActiveViewSize: 6, passiveViewSize: 10 }, reported);
    for (const x of peers(4, 'x')) m.forget(x); // nothing else to dial
    m.receive(p('n1'), { t: 'shuffle-reply', sample: [p('ghost')] }, 1);
    expect(m.known()).toEqual([]);
    m.introduce([p('ghost')]);
    expect(m.known()).toEqual([p('ghost')]);
    tickTo(2);
    expect(targets(drain().actions, 'connect')).toEqual([]); // still reported gone: not dialled
    reported.delete(p('ghost')); // refuted
    tickTo(3);
    expect(targets(drain().actions, 'connect')).toEqual([p('ghost')]);
  });
});

describe('Membership: whom to dial', () => {
  it('a suspected neighbour is not vouched for (healthy) until it answers again, and each change is a view change', () => {
    const { m, tickTo, viewChanges } = setup('me', { pingIntervalMs: 1000, deadAfterMs: 10_000, activeViewSize: 2, maxActiveViewSize: 4 });
    m.connected(p('a'), 0);
    m.connected(p('b'), 0);
    const before = viewChanges();
    for (let t = 100; t <= 2000; t += 100) {
      tickTo(t);
      m.heard(p('a'), t);
    }
    expect(m.healthy()).toEqual([p('a')]);
    expect(m.neighbors()).toEqual([p('a'), p('b')]);
    expect(viewChanges()).toBe(before + 1);
    m.heard(p('b'), 2100);
    expect(m.healthy()).toEqual([p('a'), p('b')]);
    expect(viewChanges()).toBe(before + 2);
  });

  it('dials peers someone vouches for first, those with room before those at the cap, the unvouched last', () => {
    const degree = new Map<PeerId, number>([
      [p('open'), 3],
      [p('full'), 4],
    ]);
    const vouched = new Set([p('open'), p('full')]);
    const pick = (missing: number): PeerId[] => {
      const { m, drain, tickTo } = setup('me', { activeViewSize: missing, maxActiveViewSize: 4 }, 7, {
        degreeOf: (peer) => degree.get(peer),
        vouched: (peer) => vouched.has(peer),
      });
      m.introduce([p('ghost'), p('full'), p('open')]);
      tickTo(1);
      return targets(drain().actions, 'connect');
    };
    expect(pick(1)).toEqual([p('open')]);
    expect(pick(2)).toEqual([p('open'), p('full')]);
    expect(pick(3)).toEqual([p('open'), p('full'), p('ghost')]);
  });
});

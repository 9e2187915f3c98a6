import { describe, expect, it } from 'vitest';
import { seededRandom } from '../core/env.ts';
import { asPeerId, type PeerId } from '../core/ids.ts';
import type { NodeEvent } from '../core/outbox.ts';
import type { Message } from '../core/wire.ts';
import type { Bootstrap, Ports } from './ports.ts';
import { Runtime } from './runtime.ts';

const p = asPeerId;

/** A runtime over recording ports and a hand-driven clock. */
function setup(bootstrap?: Bootstrap) {
  let now = 0;
  const timers: Array<{ at: number; fn: () => void; cancelled: boolean }> = [];
  const sent: Array<{ to: PeerId; message: Message }> = [];
  const connects: PeerId[] = [];
  const events: NodeEvent[] = [];
  let settled = 0;
  let refuseSends = false;
  const ports: Ports = {
    clock: {
      now: () => now,
      setTimer: (at, fn) => {
        const timer = { at, fn, cancelled: false };
        timers.push(timer);
        return () => (timer.cancelled = true);
      },
    },
    random: seededRandom(3),
    links: {
      send: (to, message) => {
        sent.push({ to, message });
        return !refuseSends;
      },
      connect: (peer) => connects.push(peer),
      disconnect: () => undefined,
    },
    observer: { event: (e) => events.push(e), settled: () => settled++ },
    ...(bootstrap !== undefined ? { bootstrap } : {}),
  };
  const runtime = new Runtime({ id: p('me'), node: { shareTopology: false } }, ports);
  /** Fires every live timer due by `to`, in time order, as a place's event loop would. */
  const advance = (to: number): void => {
    for (;;) {
      const due = timers.filter((t) => !t.cancelled && t.at <= to).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      timers.splice(timers.indexOf(due), 1);
      now = Math.max(now, due.at);
      due.fn();
    }
    now = to;
  };
  const live = () => timers.filter((t) => !t.cancelled);
  return { runtime, sent, connects, events, advance, live, settledCount: () => settled, refuse: () => (refuseSends = true) };
}

describe('Runtime', () => {
  it('carries out what an input caused through the ports and counts each message once, by type', () => {
    const { runtime, sent, events } = setup();
    runtime.start();
    runtime.linkUp(p('b'));
    const id = runtime.act((node) => node.publish('hello'));
    expect(id.origin).toBe(p('me'));
    const pushes = sent.filter((s) => s.message.t === 'push');
    expect(pushes.map((s) => s.to)).toEqual([p('b')]);
    expect(runtime.counts.sent).toBe(sent.length);
    expect(runtime.counts.byType.push).toBe(pushes.length);
    expect(runtime.counts.payloads).toBe(1);
    expect(events.filter((e) => e.type === 'rumor')).toHaveLength(1);
  });

  it('keeps at most one live timer and ticks the node when it is due', () => {
    const { runtime, sent, advance, live } = setup();
    runtime.start();
    runtime.linkUp(p('b'));
    expect(live()).toHaveLength(1);
    advance(10_000);
    expect(live()).toHaveLength(1);
    // Ten seconds of ticks: periodic work (anti-entropy, aggregate shares, probes) went out on its
    // own, alone or batched per link.
    const types = new Set(sent.flatMap((s) => (s.message.t === 'batch' ? s.message.parts.map((p) => p.t) : [s.message.t])));
    expect([...types]).toEqual(expect.arrayContaining(['state', 'aggregate']));
    expect(sent.length).toBeGreaterThan(5);
  });

  it('hands untrusted input to admission: bad bytes are dropped and counted, never thrown', () => {
    const { runtime, events } = setup();
    runtime.start();
    runtime.linkUp(p('b'));
    expect(() => runtime.receive(p('b'), '{"v":2,"t":"push"')).not.toThrow();
    expect(runtime.node.stats().droppedByReason.malformed).toBe(1);
    expect(events).toContainEqual(expect.objectContaining({ type: 'dropped', from: p('b'), reason: 'malformed' }));
  });

  it('counts sends the links port refused', () => {
    const { runtime, refuse } = setup();
    runtime.start();
    runtime.linkUp(p('b'));
    refuse();
    runtime.act((node) => node.publish('lost'));
    expect(runtime.counts.refused).toBeGreaterThan(0);
  });

  it('asks the bootstrap port when the node is lonely and dials who it names', async () => {
    let asked = 0;
    const { runtime, connects, advance } = setup({
      introductions: () => {
        asked++;
        return Promise.resolve([p('x'), p('y')]);
      },
    });
    runtime.start();
    advance(1000);
    expect(asked).toBe(1);
    await Promise.resolve();
    expect(new Set(connects)).toEqual(new Set([p('x'), p('y')]));
  });

  it('tells the observer once per settled batch, and nothing after stop', () => {
    const { runtime, advance, live, settledCount, sent } = setup();
    runtime.start();
    runtime.linkUp(p('b'));
    const before = settledCount();
    runtime.act((node) => node.add(1));
    expect(settledCount()).toBe(before + 1);
    runtime.stop();
    const sentBefore = sent.length;
    runtime.linkUp(p('c'));
    advance(60_000);
    expect(sent.length).toBe(sentBefore);
    expect(live()).toHaveLength(0);
  });
});

import { describe, expect, it } from 'vitest';
import { seededEnv } from './env.ts';
import { FailureDetector } from './failure-detector.ts';
import { DEFAULT_OPTIONS } from './options.ts';
import { Outbox } from './outbox.ts';
import { NAMES, PERIOD, dropTimes, goneEvents, id, ring, runUntil, seenBy } from './failure-fixture.ts';
import type { PeerId } from './ids.ts';

/**
 * The failure detector in small networks on virtual time (TestNet), default options: a crashed
 * node leaves every view within a bounded number of probe periods; a node whose timers are
 * throttled (a background tab) but whose message handler answers is never evicted; a frozen node
 * is evicted, and when it wakes it refutes the death notice, links again and catches up.
 */
describe('FailureDetector in a network', () => {
  it.each([1, 2, 3])('a crashed node is out of every view within a bounded number of probe periods (seed %i)', (seed) => {
    const net = ring(seed);
    const dead = id('n3');
    const survivors = NAMES.filter((n) => n !== 'n3');
    expect(seenBy(net, survivors, dead).length).toBeGreaterThan(0);
    net.kill('n3');
    const tookMs = runUntil(net, () => seenBy(net, survivors, dead).length === 0, 60_000);
    expect(seenBy(net, survivors, dead)).toEqual([]);
    // deadAfterMs of silence since it was last heard (at most the crash), plus a round or two for the notice.
    expect(tookMs / PERIOD).toBeLessThanOrEqual(DEFAULT_OPTIONS.deadAfterMs / PERIOD + 2);
    // It is not reported as a neighbour that left: it went silent.
    for (const name of survivors) for (const e of net.eventsOf(name, 'peer-gone')) if (e.peer === dead) expect(e.reason).toBe('silent');
  });

  it.each([1, 2, 3, 4, 5, 6])('the last survivor drops a crashed neighbour within deadAfterMs of the crash: the first one’s notice brings in the rest (seed %i)', (seed) => {
    const net = ring(seed);
    net.run(seed * 37); // crash at another point of the rounds each time
    const times = dropTimes(net, 'n3');
    expect(times.length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...times)).toBeLessThanOrEqual(DEFAULT_OPTIONS.deadAfterMs);
    // The others follow the first verdict within a round or two, not a probe timeout or more later.
    expect(Math.max(...times) - Math.min(...times)).toBeLessThanOrEqual(2 * PERIOD);
  });

  it.each([1000, 60_000])('a node whose timers fire only every %i ms but whose messages flow is never evicted', (everyMs) => {
    const net = ring(4);
    const slow = id('n2');
    const others = NAMES.filter((n) => n !== 'n2');
    net.throttle('n2', everyMs);
    net.run(10 * 60_000);
    expect(goneEvents(net, others, slow)).toBe(0);
    expect(others.filter((n) => net.node(n).neighbors().includes(slow)).length).toBeGreaterThan(0);
    // It was probed and answered throughout (its answers come from the message handler).
    const pongs = net.delivered.filter((d) => d.from === slow && d.message.t === 'pong').length;
    expect(pongs).toBeGreaterThan(10);
  });

  it('a node frozen for less than deadAfterMs is not evicted', () => {
    const net = ring(5);
    net.freeze('n5');
    net.run(DEFAULT_OPTIONS.deadAfterMs - 4 * PERIOD);
    net.thaw('n5');
    net.run(10_000);
    expect(goneEvents(net, NAMES, id('n5'))).toBe(0);
  });

  it('a node frozen for long is evicted; when it wakes it refutes the notice, links again and catches up', () => {
    const net = ring(6);
    const sleeper = id('n5');
    const others = NAMES.filter((n) => n !== 'n5');
    net.freeze('n5');
    net.runtime('n0').act((node) => node.add(7));
    const evictedIn = runUntil(net, () => seenBy(net, others, sleeper).length === 0, 60_000);
    expect(seenBy(net, others, sleeper)).toEqual([]);
    expect(evictedIn).toBeLessThan(60_000);
    expect(goneEvents(net, others, sleeper)).toBeGreaterThan(0);
    net.run(5000); // it sleeps on
    net.thaw('n5');
    const back = (): boolean =>
      net.node('n5').neighbors().length > 0 && others.every((n) => net.node(n).meshGraph().has(sleeper)) && net.node('n5').counterValue() === 7;
    runUntil(net, back, 60_000);
    expect(net.node('n5').neighbors().length).toBeGreaterThan(0);
    expect(others.filter((n) => !net.node(n).meshGraph().has(sleeper))).toEqual([]);
    expect(net.node('n5').counterValue()).toBe(7);
    // And the ones it linked to again keep it: nobody declares it gone a second time.
    const goneBefore = goneEvents(net, others, sleeper);
    net.run(30_000);
    expect(goneEvents(net, others, sleeper)).toBe(goneBefore);
  });
});

/** One detector alone on a hand-driven clock: what it sends, and whom it declares dead. */
function lone(helpers: readonly PeerId[] = []): { detector: FailureDetector; clock: { now: number }; out: Outbox; dead: PeerId[]; sentTo: (peer: PeerId, t: string) => number } {
  const clock = { now: 0 };
  const out = new Outbox();
  const dead: PeerId[] = [];
  const detector = new FailureDetector(seededEnv(1, () => clock.now), DEFAULT_OPTIONS, out, {
    helpersFor: (target) => helpers.filter((h) => h !== target),
    suspicionChanged: () => undefined,
    dead: (peer) => dead.push(peer),
  });
  const sentTo = (peer: PeerId, t: string): number => out.actions.filter((a) => a.type === 'send' && a.to === peer && a.message.t === t).length;
  return { detector, clock, out, dead, sentTo };
}

describe('FailureDetector: late rounds', () => {
  it('a late round with nothing heard since the previous one is our own sleep (health rises); with messages in between it is load (health stays)', () => {
    const { detector, clock } = lone();
    const a = id('a');
    detector.watch(a, 0);
    clock.now = PERIOD;
    detector.tick(clock.now);
    // Late by 4 periods, but a neighbour spoke meanwhile: we were awake.
    clock.now += 5 * PERIOD;
    detector.heard(a, clock.now - PERIOD);
    detector.tick(clock.now);
    expect(detector.localHealth()).toBe(0);
    // Late by 4 periods with nothing heard: we slept.
    clock.now += 5 * PERIOD;
    detector.tick(clock.now);
    expect(detector.localHealth()).toBe(1);
  });

  it('a node whose every round runs late while messages flow still drops a crashed neighbour by its own probes, without stretching its timeouts', () => {
    // No topology: no death notices, each node must find the crash itself.
    const net = ring(7, { shareTopology: false });
    // n0's timers fire once a second (a loaded or background tab): every round is 3 periods late.
    net.throttle('n0', 1000);
    net.run(10_000);
    const dead = id('n1');
    expect(net.node('n0').neighbors()).toContain(dead);
    net.kill('n1');
    const tookMs = runUntil(net, () => !net.node('n0').neighbors().includes(dead), 120_000);
    expect(net.node('n0').neighbors()).not.toContain(dead);
    // deadAfterMs of silence, plus its rounds' granularity (1 s) for the probe stages.
    expect(tookMs).toBeLessThanOrEqual(DEFAULT_OPTIONS.deadAfterMs + 4000);
    expect(net.node('n0').localHealth()).toBe(0);
  });
});

describe('FailureDetector: death notices', () => {
  it('a notice for a neighbour pings it at once; if it answers it stays, however long we wait', () => {
    const { detector, clock, dead, sentTo } = lone();
    const a = id('a');
    detector.watch(a, 0);
    clock.now = 100; // well within pingIntervalMs: it would not be probed in turn
    detector.noticed(a, clock.now);
    expect(sentTo(a, 'ping')).toBe(1);
    detector.heard(a, clock.now + 5);
    for (let t = 0; t < 40; t++) {
      clock.now += PERIOD;
      detector.heard(a, clock.now); // it keeps talking
      detector.tick(clock.now);
    }
    expect(dead).toEqual([]);
    expect(detector.suspected(a)).toBe(false);
  });

  it('a noticed neighbour that stays silent is dead two probe timeouts after the notice, without indirect probes', () => {
    const { detector, clock, dead, sentTo } = lone();
    const a = id('a');
    detector.watch(a, 0);
    clock.now = 100;
    detector.noticed(a, clock.now);
    const noticedAt = clock.now;
    while (dead.length === 0 && clock.now < 60_000) {
      clock.now += PERIOD;
      detector.tick(clock.now);
    }
    expect(dead).toEqual([a]);
    expect(clock.now - noticedAt).toBeLessThanOrEqual(2 * DEFAULT_OPTIONS.probeTimeoutMs + 2 * PERIOD);
    expect(clock.now - noticedAt).toBeLessThan(DEFAULT_OPTIONS.deadAfterMs);
    expect(sentTo(a, 'probe-req')).toBe(0);
  });

  it('a suspect that another peer declared dead is dropped at once: its own probes and the notice agree', () => {
    const { detector, clock, dead } = lone();
    const a = id('a');
    detector.watch(a, 0);
    while (!detector.suspected(a) && clock.now < 10_000) {
      clock.now += PERIOD;
      detector.tick(clock.now);
    }
    expect(detector.suspected(a)).toBe(true);
    expect(dead).toEqual([]);
    detector.noticed(a, clock.now);
    // The verdict does not wait for the next round in turn, nor a timeout in suspicion.
    expect(detector.nextTickAt()).toBeLessThanOrEqual(clock.now);
    detector.tick(clock.now);
    expect(dead).toEqual([a]);
  });

  it('a survivor slow to decide on its own drops a crashed neighbour soon after the others’ death notice arrives', () => {
    // n1 alone would wait a minute of silence before declaring anyone dead.
    const net = ring(8, {}, (name) => (name === 'n1' ? { deadAfterMs: 60_000 } : {}));
    const deadId = id('n3');
    expect(net.node('n1').neighbors()).toContain(deadId);
    net.kill('n3');
    const tookMs = runUntil(net, () => !net.node('n1').neighbors().includes(deadId), 120_000);
    expect(net.node('n1').neighbors()).not.toContain(deadId);
    // The others' deadAfterMs, the notice's hop, then n1's own two probe timeouts.
    expect(tookMs).toBeLessThanOrEqual(DEFAULT_OPTIONS.deadAfterMs + 2 * DEFAULT_OPTIONS.probeTimeoutMs + 8 * PERIOD);
  });
});

describe('FailureDetector: helpers that are dead too', () => {
  it('a helper that does not nack raises local health, unless it is itself unanswered (two crashed together)', () => {
    const run = (helperAnswersUs: boolean): number => {
      const { detector, clock, dead } = lone([id('h')]);
      detector.watch(id('t'), 0);
      detector.watch(id('h'), 0);
      // t is silent throughout; h answers our own pings only if it is alive (it never answers probe-reqs).
      while (dead.length === 0 && clock.now < 30_000) {
        clock.now += PERIOD;
        if (helperAnswersUs) detector.heard(id('h'), clock.now);
        detector.tick(clock.now);
      }
      expect(dead[0]).toBe(id('t'));
      return detector.localHealth();
    };
    expect(run(true)).toBeGreaterThan(0); // h is alive and did not answer our request: maybe we are slow
    expect(run(false)).toBe(0); // h is as silent as t: it is dead too, we are not slow
  });

  it('a helper last heard before our request (it crashed with the target, and we have not probed it yet) does not raise local health', () => {
    const { detector, clock, dead, sentTo } = lone([id('h')]);
    detector.watch(id('t'), 0);
    detector.watch(id('h'), 0);
    while (dead.length === 0 && clock.now < 30_000) {
      clock.now += PERIOD;
      if (clock.now <= 1250) detector.heard(id('h'), clock.now); // h talks until the moment we ask it, then dies
      detector.tick(clock.now);
    }
    expect(sentTo(id('h'), 'probe-req')).toBe(1);
    expect(dead[0]).toBe(id('t'));
    expect(detector.localHealth()).toBe(0);
  });
});

describe('FailureDetector: a link under repair', () => {
  /** Ticks each period until `a` is declared dead or `maxMs` passed; returns when it was declared (or null). */
  function deadAt(setup: (d: FailureDetector, clock: { now: number }) => void, maxMs = 30_000): { at: number | null; suspectedEvents: number } {
    const { detector, clock, dead, out } = lone();
    detector.watch(id('a'), 0);
    setup(detector, clock);
    while (dead.length === 0 && clock.now < maxMs) {
      clock.now += PERIOD;
      detector.tick(clock.now);
    }
    const suspectedEvents = out.events.filter((e) => e.type === 'peer-suspected' && e.peer === id('a')).length;
    return { at: dead.length > 0 ? clock.now : null, suspectedEvents };
  }

  it("a silent neighbour is announced once as 'peer-suspected' (the driver restarts its link), then dead after deadAfterMs", () => {
    const { at, suspectedEvents } = deadAt(() => undefined);
    expect(suspectedEvents).toBe(1);
    expect(at).not.toBeNull();
    expect(at as number).toBeLessThanOrEqual(DEFAULT_OPTIONS.deadAfterMs + 2 * PERIOD);
  });

  it('a suspect that signals for its repair is not declared dead before the grace ends, and is dead soon after if the link stays silent', () => {
    const grace = 10_000;
    let signalledAt = 0;
    const { at, suspectedEvents } = deadAt((detector, clock) => {
      // Silent until suspected; then its restart answer comes through the server.
      while (!detector.suspected(id('a'))) {
        clock.now += PERIOD;
        detector.tick(clock.now);
      }
      signalledAt = clock.now;
      detector.repairing(id('a'), clock.now, grace);
      expect(detector.suspected(id('a'))).toBe(false);
    });
    expect(at).not.toBeNull();
    expect(at as number).toBeGreaterThanOrEqual(signalledAt + grace);
    expect(at as number).toBeLessThanOrEqual(signalledAt + grace + 2 * PERIOD);
    // Suspected again while the link stayed silent: announced again (the transport allows one restart per window).
    expect(suspectedEvents).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import { seededEnv } from './env.ts';
import { FailureDetector } from './failure-detector.ts';
import { NAMES, PERIOD, dropTimes, goneEvents, id, ring } from './failure-fixture.ts';
import type { PeerId } from './ids.ts';
import { DEFAULT_OPTIONS } from './options.ts';
import { Outbox } from './outbox.ts';
import type { TestNet } from './test-net.ts';

/**
 * A background tab (timers throttled to whole seconds) answers probes from its message handler,
 * but its answers queue behind its long batched rounds, and on a loaded machine those can stall it
 * for seconds. It says in its pongs how late its rounds run; its neighbours give it twice that much
 * more silence (at most deadAfterMs more). Tabs on time report nothing and keep the short deadline.
 */
const { deadAfterMs } = DEFAULT_OPTIONS;

function pongLags(net: TestNet, from: string): Array<number | undefined> {
  return net.delivered.flatMap((d) => (d.from === id(from) && d.message.t === 'pong' ? [d.message.lag] : []));
}

describe('Failure detection of a node whose rounds run late', () => {
  it('a node whose timers fire once a second says so in its pongs; one on time says nothing', () => {
    const net = ring(11);
    net.throttle('n2', 1000);
    net.run(30_000);
    const slow = pongLags(net, 'n2').slice(-20);
    expect(slow.length).toBe(20);
    for (const lag of slow) expect(lag).toBeGreaterThanOrEqual(2 * PERIOD);
    const onTime = pongLags(net, 'n5');
    expect(onTime.length).toBeGreaterThan(10);
    expect(onTime.filter((lag) => lag !== undefined)).toEqual([]);
  });

  it('a background node that stalls 3 s every 30 s (a long task on a loaded machine) is never evicted over 10 minutes', () => {
    const net = ring(12);
    net.throttle('n2', 1000);
    net.run(10_000);
    const others = NAMES.filter((n) => n !== 'n2');
    for (let i = 0; i < 20; i++) {
      net.freeze('n2');
      net.run(3000);
      net.thaw('n2');
      net.run(27_000);
    }
    expect(goneEvents(net, others, id('n2'))).toBe(0);
    expect(others.filter((n) => net.node(n).neighbors().includes(id('n2'))).length).toBeGreaterThan(0);
  });

  it('a node on time that stalls as long is evicted: the grace is what the node reported, not a slack for all', () => {
    const net = ring(12);
    const others = NAMES.filter((n) => n !== 'n2');
    net.freeze('n2');
    net.run(3000);
    net.thaw('n2');
    expect(goneEvents(net, others, id('n2'))).toBeGreaterThan(0);
  });

  it.each([1, 2, 3])('a background node that crashes is still out of every neighbour within deadAfterMs plus its bounded grace (seed %i)', (seed) => {
    const net = ring(seed);
    net.throttle('n3', 1000);
    net.run(20_000);
    const times = dropTimes(net, 'n3');
    expect(times.length).toBeGreaterThanOrEqual(4);
    // Its grace (twice its lag of about 3 periods) on top of deadAfterMs, and a round or two.
    expect(Math.max(...times)).toBeLessThanOrEqual(deadAfterMs + 2 * 3 * PERIOD + 2 * PERIOD);
    // It did get more time than a node on time gets (deadAfterMs at most).
    expect(Math.max(...times)).toBeGreaterThan(deadAfterMs);
  });
});

describe('FailureDetector: a peer’s reported lag', () => {
  function silentAfterPong(lag: number | undefined): number {
    const clock = { now: 0 };
    const dead: PeerId[] = [];
    const detector = new FailureDetector(seededEnv(1, () => clock.now), DEFAULT_OPTIONS, new Outbox(), {
      helpersFor: () => [],
      suspicionChanged: () => undefined,
      dead: (peer) => dead.push(peer),
    });
    const a = id('a');
    detector.watch(a, 0);
    detector.heard(a, 0);
    detector.receive(a, lag === undefined ? { t: 'pong', n: 1 } : { t: 'pong', n: 1, lag }, 0);
    while (dead.length === 0 && clock.now < 60_000) {
      clock.now += PERIOD;
      detector.tick(clock.now);
    }
    expect(dead).toEqual([a]);
    return clock.now;
  }

  it('silence before the verdict: deadAfterMs for a peer on time, twice its lag more for a late one, at most 2 × deadAfterMs', () => {
    const onTime = silentAfterPong(undefined);
    expect(onTime).toBeGreaterThanOrEqual(deadAfterMs);
    expect(onTime).toBeLessThanOrEqual(deadAfterMs + PERIOD);
    const late = silentAfterPong(750);
    expect(late).toBeGreaterThanOrEqual(deadAfterMs + 1500);
    expect(late).toBeLessThanOrEqual(deadAfterMs + 1500 + 2 * PERIOD);
    const asleep = silentAfterPong(60_000);
    expect(asleep).toBeGreaterThanOrEqual(2 * deadAfterMs);
    expect(asleep).toBeLessThanOrEqual(2 * deadAfterMs + 2 * PERIOD);
  });
});

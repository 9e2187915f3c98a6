import { describe, expect, it } from 'vitest';
import { asPeerId, type PeerId } from './ids.ts';
import { DEFAULT_OPTIONS } from './options.ts';
import { TestNet } from './test-net.ts';

/**
 * The failure detector in small networks on virtual time (TestNet), default options: a crashed
 * node leaves every view within a bounded number of probe periods; a node whose timers are
 * throttled (a background tab) but whose message handler answers is never evicted; a frozen node
 * is evicted, and when it wakes it refutes the death notice, links again and catches up.
 */
const NAMES = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7'];
const id = (name: string): PeerId => asPeerId(name);
const PERIOD = DEFAULT_OPTIONS.probePeriodMs;

/** Eight nodes, each linked to the next two around a ring (degree 4), settled for 10 s. */
function ring(seed: number): TestNet {
  const net = new TestNet(seed, { activeViewSize: 4, maxActiveViewSize: 6 });
  for (const name of NAMES) net.add(name);
  NAMES.forEach((name, i) => {
    net.link(name, NAMES[(i + 1) % NAMES.length] as string);
    net.link(name, NAMES[(i + 2) % NAMES.length] as string);
  });
  net.run(10_000);
  return net;
}

/** Whether any of `names` still has `peer` among its neighbours, known peers or drawn mesh. */
function seenBy(net: TestNet, names: readonly string[], peer: PeerId): string[] {
  return names.filter((name) => {
    const node = net.node(name);
    return node.neighbors().includes(peer) || node.known().includes(peer) || node.meshGraph().has(peer);
  });
}

function goneEvents(net: TestNet, names: readonly string[], peer: PeerId): number {
  return names.reduce((sum, name) => sum + net.eventsOf(name, 'peer-gone').filter((e) => e.peer === peer).length, 0);
}

/** Runs in single periods until `done` holds or `maxMs` passed; returns the virtual time taken. */
function runUntil(net: TestNet, done: () => boolean, maxMs: number): number {
  const from = net.now;
  while (!done() && net.now - from < maxMs) net.run(PERIOD);
  return net.now - from;
}

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

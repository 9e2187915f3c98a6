/**
 * Test support only (failure-detector*.test.ts): the small ring the failure-detector tests run on
 * virtual time (TestNet), and what they look at.
 */
import { asPeerId, type PeerId } from './ids.ts';
import { DEFAULT_OPTIONS, type OptionsInput } from './options.ts';
import { TestNet } from './test-net.ts';

export const NAMES = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7'];
export const id = (name: string): PeerId => asPeerId(name);
export const PERIOD = DEFAULT_OPTIONS.probePeriodMs;

/** Eight nodes, each linked to the next two around a ring (degree 4), settled for 10 s. */
export function ring(seed: number, defaults: OptionsInput = {}, perNode: (name: string) => OptionsInput = () => ({})): TestNet {
  const net = new TestNet(seed, { activeViewSize: 4, maxActiveViewSize: 6, ...defaults });
  for (const name of NAMES) net.add(name, perNode(name));
  NAMES.forEach((name, i) => {
    net.link(name, NAMES[(i + 1) % NAMES.length] as string);
    net.link(name, NAMES[(i + 2) % NAMES.length] as string);
  });
  net.run(10_000);
  return net;
}

/** Whether any of `names` still has `peer` among its neighbours, known peers or drawn mesh. */
export function seenBy(net: TestNet, names: readonly string[], peer: PeerId): string[] {
  return names.filter((name) => {
    const node = net.node(name);
    return node.neighbors().includes(peer) || node.known().includes(peer) || node.meshGraph().has(peer);
  });
}

export function goneEvents(net: TestNet, names: readonly string[], peer: PeerId): number {
  return names.reduce((sum, name) => sum + net.eventsOf(name, 'peer-gone').filter((e) => e.peer === peer).length, 0);
}

/** Runs in single periods until `done` holds or `maxMs` passed; returns the virtual time taken. */
export function runUntil(net: TestNet, done: () => boolean, maxMs: number): number {
  const from = net.now;
  while (!done() && net.now - from < maxMs) net.run(PERIOD);
  return net.now - from;
}

/**
 * Kills `victim` and steps the clock (50 ms) until no survivor lists it as a neighbour: the time
 * each survivor that listed it took to drop it (ms after the kill), as the bench measures it.
 */
export function dropTimes(net: TestNet, victim: string, maxMs = 60_000): number[] {
  const dead = id(victim);
  const watchers = NAMES.filter((n) => n !== victim && net.node(n).neighbors().includes(dead));
  const at = new Map<string, number>();
  net.kill(victim);
  const from = net.now;
  while (at.size < watchers.length && net.now - from < maxMs) {
    net.run(50);
    for (const name of watchers) if (!at.has(name) && !net.node(name).neighbors().includes(dead)) at.set(name, net.now - from);
  }
  return watchers.map((name) => at.get(name) ?? Infinity);
}

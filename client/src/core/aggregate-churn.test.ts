import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from './options.ts';
import { TestNet } from './test-net.ts';

/**
 * Aggregates that follow churn, default options (overlapping instances, aggregate.ts): in a small
 * network on virtual time, after two nodes crash every survivor's size and average are right
 * (within 0.5) within two epochs and a bit, and the estimate says how old it is.
 */
const EPOCH = DEFAULT_OPTIONS.epochMs;
const NAMES = Array.from({ length: 12 }, (_, i) => `a${i}`);

function mesh(seed: number): TestNet {
  const net = new TestNet(seed, { activeViewSize: 4, maxActiveViewSize: 6 });
  NAMES.forEach((name, i) => net.add(name).setAggregateValue(i));
  NAMES.forEach((name, i) => {
    net.link(name, NAMES[(i + 1) % NAMES.length] as string);
    net.link(name, NAMES[(i + 3) % NAMES.length] as string);
  });
  return net;
}

function wrong(net: TestNet, names: readonly string[], size: number, average: number): string[] {
  return names.filter((name) => {
    const e = net.node(name).aggregates();
    return e === null || Math.abs(e.size - size) > 0.5 || Math.abs(e.average - average) > 0.5;
  });
}

describe('Aggregates under churn', () => {
  it.each([1, 2])('are right within two epochs and a round of a 2-node crash (seed %i)', (seed) => {
    const net = mesh(seed);
    // First the figures converge: by three epochs in, give or take a round (a node can be caught right
    // at the switch to a younger instance, with an error near 0.5 for a round or two).
    net.run(3 * EPOCH);
    while (wrong(net, NAMES, 12, 5.5).length > 0 && net.now < 3 * EPOCH + 1000) net.run(250);
    expect(wrong(net, NAMES, 12, 5.5)).toEqual([]);
    // Steady state: the figures shown come from an instance that has run at least one epoch.
    for (const name of NAMES) {
      const age = net.node(name).aggregates()?.ageMs ?? -1;
      expect(age).toBeGreaterThanOrEqual(EPOCH);
      expect(age).toBeLessThanOrEqual(2 * EPOCH + DEFAULT_OPTIONS.aggregatePeriodMs); // the switch happens at the next round
    }
    net.kill('a4');
    net.kill('a9');
    const survivors = NAMES.filter((n) => n !== 'a4' && n !== 'a9');
    const average = survivors.reduce((sum, n) => sum + Number(n.slice(1)), 0) / survivors.length;
    const from = net.now;
    while (wrong(net, survivors, 10, average).length > 0 && net.now - from < 10 * EPOCH) net.run(250);
    expect(wrong(net, survivors, 10, average)).toEqual([]);
    expect(net.now - from).toBeLessThanOrEqual(2 * EPOCH + 1000);
    // And they stay right.
    net.run(2 * EPOCH);
    expect(wrong(net, survivors, 10, average)).toEqual([]);
  });
});

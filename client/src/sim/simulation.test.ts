import { describe, expect, it } from 'vitest';
import { MODES } from '../core/options.ts';
import { runRumor } from './run.ts';
import { componentSizes, runUntil } from './mesh-checks.ts';
import { Simulation } from './simulation.ts';

/**
 * Seeded simulations that assert invariants at scale. They measure nothing against the wall clock;
 * each one is a fixed seed, so a failure replays exactly.
 */

describe('one rumor, each mode, 1000 nodes', () => {
  for (const mode of MODES) {
    it(`${mode} reaches every node`, () => {
      const result = runRumor({ nodes: 1000, mode, seed: 11 });
      expect(result.live).toBe(1000);
      expect(result.coverage).toBe(1);
      expect(result.informed).toBe(1000);
      expect(result.rounds).not.toBeNull();
      expect(result.rounds as number).toBeGreaterThan(0);
      // Far from the 200-round cap: the rumor went quiet on its own.
      expect(result.measuredRounds).toBeLessThan(60);
      expect(result.payloadMessages).toBeGreaterThanOrEqual(999);
      expect(result.messages).toBeGreaterThan(result.payloadMessages);
      expect(result.meanDegree).toBeGreaterThanOrEqual(5);
      expect(result.meanDegree).toBeLessThanOrEqual(8);
    });
  }
});

describe('mesh formation', () => {
  // Seed 19 once left two nodes linked only to each other, every peer they knew full: a mesh of their
  // own that no rumor could reach. They now say 'lonely' and the bootstrap service introduces them.
  for (const seed of [19, 1, 2]) {
    it(`1000 nodes form one connected mesh within the warm-up, each within the degree bounds (seed ${seed})`, () => {
      const sim = new Simulation({ nodes: 1000, seed, node: { mode: 'push-pull', activeViewSize: 5, maxActiveViewSize: 8, aggregatePeriodMs: 0 } });
      sim.run(17_000);
      expect(componentSizes(sim)).toEqual([1000]);
      for (const i of sim.liveIndices()) {
        expect(sim.degree(i)).toBeGreaterThanOrEqual(1);
        expect(sim.degree(i)).toBeLessThanOrEqual(8);
      }
    });
  }
});

/** Warm a mesh up, then let `work` act; returns the simulation. */
function warmedUp(nodes: number, seed: number, loss = 0): Simulation {
  const sim = new Simulation({ nodes, seed, node: { mode: 'push-pull', activeViewSize: 5, maxActiveViewSize: 8 }, network: { loss } });
  sim.run(15_000);
  return sim;
}

function counterValues(sim: Simulation): Set<number> {
  const values = new Set<number>();
  for (const i of sim.liveIndices()) values.add(sim.node(i).counterValue());
  return values;
}

describe('PN-counter', () => {
  it('converges to the exact sum of increments made at 50 random nodes, with 10% message loss', () => {
    const sim = warmedUp(1000, 21, 0.1);
    const writers = new Set<number>();
    while (writers.size < 50) writers.add(sim.randomLiveNode());
    let sum = 0;
    let step = 0;
    for (const i of writers) {
      // Spread the writes over a few seconds; some nodes write twice, some subtract.
      const delta = Math.floor(sim.scenarioRandom() * 21) - 10 || 1;
      const again = step % 5 === 0 ? -3 : 0;
      sum += delta + again;
      sim.at(sim.now + step * 97, () => {
        sim.act(i, (node) => node.add(delta));
        if (again !== 0) sim.act(i, (node) => node.add(again));
      });
      step++;
    }
    const startedAt = sim.now;
    const doneAt = runUntil(sim, startedAt + 120_000, () => {
      const values = counterValues(sim);
      return values.size === 1 && values.has(sum);
    });
    expect(counterValues(sim)).toEqual(new Set([sum]));
    expect(doneAt - startedAt).toBeLessThan(120_000);
    expect(sim.counters.dropped.loss).toBeGreaterThan(0.08 * sim.counters.sent);
  });
});

describe('crash', () => {
  it('after 30% of nodes crash, every survivor gets a new rumor and the survivors counters agree', () => {
    const sim = warmedUp(1000, 31);
    // Writes before the crash (some by nodes about to crash) and after it (by survivors).
    let sum = 0;
    for (let k = 0; k < 20; k++) {
      const i = sim.randomLiveNode();
      sim.act(i, (node) => node.add(k + 1));
      sum += k + 1;
    }
    sim.run(sim.now + 10_000);
    const crashed = sim.crashFraction(0.3);
    expect(crashed).toHaveLength(300);
    expect(sim.live).toBe(700);
    for (let k = 0; k < 20; k++) {
      const i = sim.randomLiveNode();
      sim.act(i, (node) => node.add(-(k + 1) * 2));
      sum -= (k + 1) * 2;
    }
    const publisher = sim.randomLiveNode();
    sim.publish(publisher, 'after the crash');
    const startedAt = sim.now;
    const doneAt = runUntil(sim, startedAt + 180_000, () => sim.informed === sim.live && counterValues(sim).size === 1);
    expect(sim.informed).toBe(700);
    for (const i of sim.liveIndices()) expect(Number.isNaN(sim.tracked.times[i] as number)).toBe(false);
    expect(counterValues(sim)).toEqual(new Set([sum]));
    expect(doneAt).toBeGreaterThan(startedAt);
    // The survivors noticed: after a while no live node keeps a crashed one as a neighbour.
    sim.run(sim.now + 60_000);
    const crashedIds = new Set(crashed.map((i) => sim.ids[i]));
    for (const i of sim.liveIndices()) for (const peer of sim.node(i).neighbors()) expect(crashedIds.has(peer)).toBe(false);
  });
});

describe('partition', () => {
  it('a rumor stays on its side of a partition until the network heals', () => {
    const sim = warmedUp(400, 41);
    const left = sim.liveIndices().filter((i) => i % 2 === 0);
    const right = sim.liveIndices().filter((i) => i % 2 === 1);
    sim.partition([left, right]);
    sim.publish(left[0] as number, 'left only');
    sim.run(sim.now + 30_000);
    const times = sim.tracked.times;
    for (const i of right) expect(Number.isNaN(times[i] as number)).toBe(true);
    expect(sim.informed).toBeGreaterThan(0);
    expect(sim.counters.dropped.partition).toBeGreaterThan(0);
    sim.heal();
    const healedAt = sim.now;
    runUntil(sim, healedAt + 300_000, () => sim.informed === sim.live);
    expect(sim.informed).toBe(400);
    for (const i of right) expect(times[i] as number).toBeGreaterThan(healedAt);
  });
});

describe('determinism', () => {
  it('the same seed gives the identical run twice (full event trace and result)', () => {
    const config = { nodes: 300, mode: 'push-pull' as const, seed: 5, loss: 0.05, crash: 0.1, trace: true };
    const first = runRumor(config);
    const second = runRumor(config);
    expect(first.trace?.length).toBeGreaterThan(10_000);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    const other = runRumor({ ...config, seed: 6 });
    expect(other.trace).not.toEqual(first.trace);
  });

  it('json encoding and bandwidth limits run too, and are deterministic', () => {
    const config = { nodes: 200, mode: 'eager' as const, seed: 9, encoding: 'json' as const, network: { bandwidthBytesPerMs: 2, jitterMs: 5 } };
    const first = runRumor(config);
    expect(first.coverage).toBe(1);
    expect(JSON.stringify(runRumor(config))).toBe(JSON.stringify(first));
  });
});

import type { PeerId } from '../core/ids.ts';
import type { Simulation } from './simulation.ts';

/**
 * What tests and scenarios check of a running simulation's mesh, read from the nodes' own views
 * (GossipNode.neighbors), never from the simulator's link table: the question is what the nodes
 * believe. Each is O(N * degree).
 */

/** Sizes of the connected components of the live mesh (links both ends list), largest first. */
export function componentSizes(sim: Simulation): number[] {
  const live = sim.liveIndices();
  const neighbors = new Map(live.map((i) => [i, new Set(sim.node(i).neighbors().map((id) => sim.indexOf(id) as number))]));
  const seen = new Set<number>();
  const sizes: number[] = [];
  for (const start of live) {
    if (seen.has(start)) continue;
    seen.add(start);
    const stack = [start];
    let size = 0;
    while (stack.length > 0) {
      const u = stack.pop() as number;
      size++;
      for (const v of neighbors.get(u) ?? []) {
        if (!seen.has(v) && neighbors.get(v)?.has(u) === true) {
          seen.add(v);
          stack.push(v);
        }
      }
    }
    sizes.push(size);
  }
  return sizes.sort((a, b) => b - a);
}

/** Live nodes whose active view still lists one of `nodes` (e.g. crashed ones). */
export function holdersOf(sim: Simulation, nodes: readonly number[]): number[] {
  const ids = new Set<PeerId>(nodes.map((i) => sim.ids[i] as PeerId));
  return sim.liveIndices().filter((i) => sim.node(i).neighbors().some((peer) => ids.has(peer)));
}

/** Sum over live nodes of their active view sizes (twice the links, when both ends agree). */
export function linkEnds(sim: Simulation): number {
  let ends = 0;
  for (const i of sim.liveIndices()) ends += sim.degree(i);
  return ends;
}

/** Runs in steps of `stepMs` until `done` or `deadlineMs`; returns the virtual time it first held (NaN: never). */
export function runUntil(sim: Simulation, deadlineMs: number, done: () => boolean, stepMs = 1000): number {
  while (sim.now < deadlineMs) {
    sim.run(Math.min(sim.now + stepMs, deadlineMs));
    if (done()) return sim.now;
  }
  return Number.NaN;
}

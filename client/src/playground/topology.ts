import { seededRandom } from '../core/env.ts';
import { deriveSeed } from '../sim/random.ts';

/**
 * The playground's network, shared by both runs: the gossip overlay (who links to whom) and every
 * pair's one-way latency. Pure and seeded: the same seed gives the same graph and latencies in Node
 * and in the page.
 */
export interface Overlay {
  readonly nodes: number;
  /** Each node's neighbours, ascending. */
  readonly adjacency: ReadonlyArray<readonly number[]>;
  readonly edgeCount: number;
}

/**
 * A random connected graph with every degree in [2, degree] (for N >= 3) and mean degree just
 * below `degree`: a ring through a random permutation (so it is connected), plus `degree - 2`
 * random stubs per node paired at random (the configuration model), dropping self-loops and
 * duplicate edges, then linking the nodes those left short among themselves. Close to what a HyParView active view gives: a random expander-like graph.
 */
export function buildOverlay(nodes: number, degree: number, seed: number): Overlay {
  if (!Number.isSafeInteger(nodes) || nodes < 1) throw new RangeError(`nodes must be a positive integer, got ${nodes}`);
  if (!Number.isSafeInteger(degree) || degree < 1) throw new RangeError(`degree must be a positive integer, got ${degree}`);
  const random = seededRandom(deriveSeed(seed, 'overlay'));
  const sets: Array<Set<number>> = Array.from({ length: nodes }, () => new Set<number>());
  let edgeCount = 0;
  const link = (a: number, b: number): void => {
    if (a === b) return;
    const setA = sets[a] as Set<number>;
    if (setA.has(b)) return;
    setA.add(b);
    (sets[b] as Set<number>).add(a);
    edgeCount++;
  };

  const order = shuffled(range(nodes), random);
  if (nodes === 2) link(0, 1);
  else if (nodes > 2) for (let i = 0; i < nodes; i++) link(order[i] as number, order[(i + 1) % nodes] as number);

  const extra = Math.min(degree, nodes - 1) - 2;
  if (extra > 0) {
    const stubs: number[] = [];
    for (let i = 0; i < nodes; i++) for (let k = 0; k < extra; k++) stubs.push(i);
    shuffled(stubs, random);
    for (let k = 0; k + 1 < stubs.length; k += 2) link(stubs[k] as number, stubs[k + 1] as number);
    // Self-loops and duplicates left some nodes short (many in dense graphs): pair those up directly.
    const cap = extra + 2;
    const short = shuffled(range(nodes).filter((i) => (sets[i] as Set<number>).size < cap), random);
    for (const a of short) {
      for (const b of short) {
        if ((sets[a] as Set<number>).size >= cap) break;
        if ((sets[b] as Set<number>).size < cap) link(a, b);
      }
    }
  }
  const adjacency = sets.map((set) => [...set].sort((a, b) => a - b));
  return { nodes, adjacency, edgeCount };
}

/** One-way latency of the link a-b (the same both ways), uniform in [0.5, 1.5] x meanMs. */
export function linkLatencyMs(seed: number, meanMs: number, a: number, b: number): number {
  const u = deriveSeed(seed, 'latency', Math.min(a, b), Math.max(a, b)) / 4294967296;
  return meanMs * (0.5 + u);
}

/** Hop distances from `source` over the overlay (-1: unreachable). */
export function hopDistances(overlay: Overlay, source: number): Int32Array {
  const distance = new Int32Array(overlay.nodes).fill(-1);
  distance[source] = 0;
  const queue = [source];
  for (let head = 0; head < queue.length; head++) {
    const at = queue[head] as number;
    for (const next of overlay.adjacency[at] ?? []) {
      if (distance[next] !== -1) continue;
      distance[next] = (distance[at] as number) + 1;
      queue.push(next);
    }
  }
  return distance;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Fisher-Yates in place; returns the array. */
export function shuffled<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
  return items;
}

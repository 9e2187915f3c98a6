import { theoryRounds } from '../sim/theory.ts';
import type { GossipMode, PlaygroundConfig } from './config.ts';

/** A curve of the informed fraction over virtual time: [ms, fraction] points, time ascending. */
export type Curve = ReadonlyArray<readonly [number, number]>;

/** Most rounds (or hops) a theory curve is followed for. */
const MAX_STEPS = 100_000;
/** Most points a naive theory curve keeps (it is a straight line, steps beyond this are invisible). */
const MAX_NAIVE_POINTS = 400;

/**
 * The mean-field ("expected fraction") model of a rumor on a complete graph of N nodes, one
 * contact per informed node per round, each message lost with probability `loss`:
 *   push       x' = x + (1 - x) (1 - (1 - q/(N-1))^(xN))
 *   pull       x' = x + (1 - x) x q^2                     (request and answer must both arrive)
 *   push-pull  x' = 1 - (1 - x) (1 - x q^2) (1 - q/(N-1))^(xN)
 * with q = 1 - loss. Eager push is counted in hops instead of rounds: the nodes informed by the
 * last hop each send `fanout` copies, reaching (1 - q/(N-1))^(fanout * new N) of the others;
 * forwarding dies out short of everyone (about e^-fanout are missed) and the pulls repair the rest.
 * Round k's contacts land at (k - 1/2) periods (random phases) plus one latency (push) or two
 * (a pull's answer); an eager hop takes one latency plus the `fanout` copies' serialization.
 * It ignores the overlay (a degree-d graph is slower than a complete one) and uplink queueing.
 */
export function gossipTheoryCurve(config: PlaygroundConfig, rumorMessageBytes: number): Curve {
  const n = config.nodes;
  const q = 1 - config.loss;
  const miss = n > 1 ? 1 - q / (n - 1) : 0;
  const target = 1 - 0.5 / n;
  const points: Array<readonly [number, number]> = [[0, 1 / n]];
  let x = 1 / n;
  let startMs = 0;
  if (config.mode === 'eager' || config.mode === 'tree') {
    // A tree forwards to every neighbour until it prunes the duplicate links: as eager at first.
    const fanout = config.mode === 'tree' ? Math.max(1, config.degree - 1) : Math.min(config.fanout, Math.max(1, config.degree - 1));
    const hopMs = config.latencyMs + (fanout * rumorMessageBytes) / config.throughputBytesPerMs;
    let fresh = 1 / n;
    // Forwarding dies out once a hop informs less than half a node; the periodic pulls finish.
    for (let hop = 1; hop <= MAX_STEPS && x < target && fresh * n >= 0.5; hop++) {
      fresh = (1 - x) * (1 - Math.pow(miss, fanout * fresh * n));
      x += fresh;
      startMs = hop * hopMs;
      points.push([startMs, x]);
    }
  }
  const mode = config.mode === 'eager' || config.mode === 'tree' ? 'pull' : config.mode;
  const delayMs = mode === 'push' ? config.latencyMs : 2 * config.latencyMs;
  for (let round = 1; round <= MAX_STEPS && x < target; round++) {
    x = nextFraction(mode, x, n, q, miss);
    points.push([startMs + (round - 0.5) * config.periodMs + delayMs, x]);
  }
  return points;
}

function nextFraction(mode: Exclude<GossipMode, 'eager' | 'tree'>, x: number, n: number, q: number, miss: number): number {
  const notPushed = Math.pow(miss, x * n);
  switch (mode) {
    case 'push':
      return x + (1 - x) * (1 - notPushed);
    case 'pull':
      return x + (1 - x) * x * q * q;
    case 'push-pull':
      return 1 - (1 - x) * (1 - x * q * q) * notPushed;
  }
}

/**
 * Naive broadcast, exactly but for latency spread and loss by expectation: copy k (1..N-1) leaves
 * the origin's uplink at k * bytes / throughput and lands one mean latency later; copies that had
 * not left when the origin crashed never do.
 */
export function naiveTheoryCurve(config: PlaygroundConfig, rumorMessageBytes: number, crashAtMs: number | null): Curve {
  const n = config.nodes;
  const q = 1 - config.loss;
  const copyMs = rumorMessageBytes / config.throughputBytesPerMs;
  const sendable = crashAtMs === null ? n - 1 : Math.min(n - 1, Math.floor(crashAtMs / copyMs));
  const points: Array<readonly [number, number]> = [[0, 1 / n]];
  if (sendable === 0) return points;
  const stride = Math.max(1, Math.ceil(sendable / MAX_NAIVE_POINTS));
  for (let k = 1; k <= sendable; k += stride) points.push([k * copyMs + config.latencyMs, (1 + k * q) / n]);
  if ((sendable - 1) % stride !== 0) points.push([sendable * copyMs + config.latencyMs, (1 + sendable * q) / n]);
  return points;
}

/** Rounds to inform everyone on a complete graph (the sim's formulas), or null for eager. */
export function theoryRoundsFor(mode: GossipMode, n: number): number | null {
  return theoryRounds(mode, n);
}

/** Value of a step curve at `timeMs` (the last point at or before it). */
export function curveAt(curve: Curve, timeMs: number): number {
  let value = 0;
  for (const [t, fraction] of curve) {
    if (t > timeMs) break;
    value = fraction;
  }
  return value;
}

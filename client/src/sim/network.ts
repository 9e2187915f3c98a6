import { standardNormal } from './random.ts';

/** One-way latency of a link, drawn once when the link is first used. Milliseconds. */
export type LatencyModel =
  | { kind: 'constant'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  /** Bell-shaped around `meanMs` (Irwin-Hall approximation), never below `minMs` (default 1). */
  | { kind: 'normal'; meanMs: number; sdMs: number; minMs?: number };

export interface NetworkConfig {
  /** Per-link one-way latency. Default uniform 10-100 ms. */
  latency: LatencyModel;
  /** Extra per-message delay, uniform in [0, jitterMs). Order on a link is kept (FIFO). Default 0. */
  jitterMs: number;
  /** Probability that a message is lost, 0..1. Default 0. */
  loss: number;
  /**
   * Per directed link, bytes per millisecond (1 = 1000 B/s); null = unlimited. A message
   * waits for the ones queued before it on the same link, then takes bytes / bandwidth to serialize.
   */
  bandwidthBytesPerMs: number | null;
}

export const DEFAULT_NETWORK: NetworkConfig = {
  latency: { kind: 'uniform', minMs: 10, maxMs: 100 },
  jitterMs: 0,
  loss: 0,
  bandwidthBytesPerMs: null,
};

export type DropReason = 'crashed' | 'partition' | 'loss';

/** State of one direction of one link. */
interface Lane {
  /** The node at the other end. */
  readonly peer: number;
  latencyMs: number;
  /** When the sender finishes serializing what is already queued on this lane. */
  busyUntil: number;
  /** Arrival time of the last message on this lane (keeps delivery FIFO, like a data channel). */
  lastArrival: number;
}

/**
 * The physical network of the simulator, with no knowledge of gossip: given a message of some size
 * sent at some time, when does it arrive, if ever. Link latency, jitter, loss, per-link bandwidth
 * with serialization queueing, crashed nodes and partitions. All randomness comes from `random`,
 * consumed in call order, so the caller's deterministic event order makes the whole run replayable.
 * Nodes are indices 0, 1, ... (the simulator's): each node's lanes are a short array (its links),
 * scanned linearly, which at 10^5-10^6 nodes is far cheaper than a map of maps keyed by id.
 */
export class Network {
  readonly config: NetworkConfig;
  /** Outgoing lanes of each node (undefined: none yet). */
  private readonly lanes: Array<Lane[] | undefined> = [];
  private readonly crashed = new Set<number>();
  /** Partition group per node; nodes absent from the map are in group 0. Null when healed. */
  private groups: Map<number, number> | null = null;
  readonly drops: Record<DropReason, number> = { crashed: 0, partition: 0, loss: 0 };
  delivered = 0;

  constructor(
    config: Partial<NetworkConfig>,
    private readonly random: () => number,
  ) {
    this.config = { ...DEFAULT_NETWORK, ...config };
    validateNetwork(this.config);
  }

  /** The link's one-way latency (drawn on first use, the same both ways). */
  latencyOf(a: number, b: number): number {
    return this.lane(a, b).latencyMs;
  }

  /**
   * A message of `bytes` leaves `from` for `to` at `now`: its arrival time, or why it never arrives.
   * Crash and partition are checked first (the link is dead, nothing is serialized); a lost message
   * still used the sender's bandwidth.
   */
  transmit(from: number, to: number, bytes: number, now: number): number | DropReason {
    if (this.crashed.size > 0 && (this.crashed.has(from) || this.crashed.has(to))) return this.drop('crashed');
    if (this.blocked(from, to)) return this.drop('partition');
    const lane = this.lane(from, to);
    let departure = now;
    const bandwidth = this.config.bandwidthBytesPerMs;
    if (bandwidth !== null) {
      departure = Math.max(now, lane.busyUntil) + bytes / bandwidth;
      lane.busyUntil = departure;
    }
    if (this.config.loss > 0 && this.random() < this.config.loss) return this.drop('loss');
    let arrival = departure + lane.latencyMs;
    if (this.config.jitterMs > 0) arrival += this.random() * this.config.jitterMs;
    if (arrival < lane.lastArrival) arrival = lane.lastArrival;
    lane.lastArrival = arrival;
    this.delivered++;
    return arrival;
  }

  /** Whether a message could pass right now (crash and partition; loss aside). */
  reachable(a: number, b: number): boolean {
    return !this.crashed.has(a) && !this.crashed.has(b) && !this.blocked(a, b);
  }

  /** The link closed: forget its lanes (a new link draws a new latency). */
  forget(a: number, b: number): void {
    removeLane(this.lanes[a], b);
    removeLane(this.lanes[b], a);
  }

  crash(node: number): void {
    this.crashed.add(node);
  }

  /** A crashed node comes back (as a process restart would: its links are gone). */
  restore(node: number): void {
    this.crashed.delete(node);
  }

  isCrashed(node: number): boolean {
    return this.crashed.has(node);
  }

  /** Splits the network: messages between different groups are dropped. Unlisted nodes form one more group. */
  partition(groups: ReadonlyArray<readonly number[]>): void {
    const map = new Map<number, number>();
    groups.forEach((group, index) => {
      for (const node of group) map.set(node, index + 1);
    });
    this.groups = map;
  }

  heal(): void {
    this.groups = null;
  }

  blocked(a: number, b: number): boolean {
    const groups = this.groups;
    if (groups === null) return false;
    return (groups.get(a) ?? 0) !== (groups.get(b) ?? 0);
  }

  get laneCount(): number {
    let count = 0;
    for (const lanes of this.lanes) count += lanes?.length ?? 0;
    return count;
  }

  private drop(reason: DropReason): DropReason {
    this.drops[reason]++;
    return reason;
  }

  private lane(from: number, to: number): Lane {
    const out = this.lanes[from];
    if (out !== undefined) {
      for (let k = 0; k < out.length; k++) {
        const lane = out[k] as Lane;
        if (lane.peer === to) return lane;
      }
    }
    // Both directions are created together so the latency is symmetric.
    const latencyMs = this.sampleLatency();
    const lane: Lane = { peer: to, latencyMs, busyUntil: -Infinity, lastArrival: -Infinity };
    this.lanesOf(from).push(lane);
    const back = this.lanesOf(to);
    if (!back.some((l) => l.peer === from)) back.push({ peer: from, latencyMs, busyUntil: -Infinity, lastArrival: -Infinity });
    return lane;
  }

  private lanesOf(node: number): Lane[] {
    // Grown densely (never a hole far past the end), so the array keeps fast elements.
    while (this.lanes.length <= node) this.lanes.push(undefined);
    let lanes = this.lanes[node];
    if (lanes === undefined) {
      lanes = [];
      this.lanes[node] = lanes;
    }
    return lanes;
  }

  private sampleLatency(): number {
    const model = this.config.latency;
    switch (model.kind) {
      case 'constant':
        return model.ms;
      case 'uniform':
        return model.minMs + this.random() * (model.maxMs - model.minMs);
      case 'normal':
        return Math.max(model.minMs ?? 1, model.meanMs + model.sdMs * standardNormal(this.random));
    }
  }
}

function removeLane(lanes: Lane[] | undefined, peer: number): void {
  if (lanes === undefined) return;
  const k = lanes.findIndex((lane) => lane.peer === peer);
  if (k < 0) return;
  // Order does not matter: swap with the last and pop.
  lanes[k] = lanes[lanes.length - 1] as Lane;
  lanes.pop();
}

/** Throws a RangeError naming the bad field. */
export function validateNetwork(config: NetworkConfig): void {
  const bad = (field: string, why: string) => {
    throw new RangeError(`network.${field}: ${why}`);
  };
  const nonNegative = (field: string, value: number) => {
    if (!Number.isFinite(value) || value < 0) bad(field, `must be a finite number >= 0, got ${value}`);
  };
  const latency = config.latency;
  switch (latency.kind) {
    case 'constant':
      nonNegative('latency.ms', latency.ms);
      break;
    case 'uniform':
      nonNegative('latency.minMs', latency.minMs);
      nonNegative('latency.maxMs', latency.maxMs);
      if (latency.maxMs < latency.minMs) bad('latency.maxMs', 'must be >= minMs');
      break;
    case 'normal':
      nonNegative('latency.meanMs', latency.meanMs);
      nonNegative('latency.sdMs', latency.sdMs);
      if (latency.minMs !== undefined) nonNegative('latency.minMs', latency.minMs);
      break;
    default:
      bad('latency.kind', `unknown kind ${JSON.stringify((latency as { kind: unknown }).kind)}`);
  }
  nonNegative('jitterMs', config.jitterMs);
  if (!(config.loss >= 0 && config.loss <= 1)) bad('loss', `must be in [0, 1], got ${config.loss}`);
  if (config.bandwidthBytesPerMs !== null && !(config.bandwidthBytesPerMs > 0 && Number.isFinite(config.bandwidthBytesPerMs))) {
    bad('bandwidthBytesPerMs', `must be > 0 or null, got ${config.bandwidthBytesPerMs}`);
  }
}

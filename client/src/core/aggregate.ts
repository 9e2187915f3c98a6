import { pickOne } from './env.ts';
import { fnv1a } from './hash.ts';
import type { PeerId } from './ids.ts';
import type { NodeContext, ProtocolModule } from './protocol.ts';
import type { MessageOf } from './wire.ts';

/** One push-sum exchange: half of the sender's mass for the epoch's elected instance. */
export interface AggregateShare {
  epoch: number;
  /** The instance's initiator: the peer with the smallest hash for this epoch that gossip has found. */
  leader: PeerId;
  /** Push-sum pair for the network size: every peer brings value 1, only the leader brings weight 1. */
  count: [number, number];
  /** Push-sum pair for the average of the peers' values: every peer brings (value, 1). */
  sum: [number, number];
  min: number;
  max: number;
}

export interface AggregateEstimate {
  size: number;
  average: number;
  min: number;
  max: number;
  epoch: number;
}

/**
 * Network-wide aggregates with no coordinator: push-sum (Kempe et al.) restarted every epoch so
 * that departed peers stop counting. Counting needs exactly one peer holding weight; instead of
 * electing one, every peer starts an instance and all of them switch to the instance with the
 * smallest hash of (epoch, initiator) as soon as they hear of it. A peer enters an instance once,
 * with exactly its initial contribution, so each instance conserves mass and the smallest one wins.
 */
export class Aggregator {
  private epoch = -1;
  private leader: PeerId;
  private leaderRank = Infinity;
  private count: [number, number] = [0, 0];
  private sum: [number, number] = [0, 0];
  private min = Infinity;
  private max = -Infinity;
  private last: AggregateEstimate | null = null;

  constructor(
    private readonly self: PeerId,
    private value: number,
    private readonly epochMs: number,
  ) {
    this.leader = self;
  }

  setValue(value: number): void {
    // The running epoch keeps the old contribution (mass must be conserved); the next uses this.
    this.value = value;
  }

  /** Called every aggregation round; returns the share to send to one random neighbour. */
  share(now: number): AggregateShare {
    this.advance(Math.floor(now / this.epochMs));
    this.count = [this.count[0] / 2, this.count[1] / 2];
    this.sum = [this.sum[0] / 2, this.sum[1] / 2];
    return { epoch: this.epoch, leader: this.leader, count: [...this.count], sum: [...this.sum], min: this.min, max: this.max };
  }

  /** A share could not be delivered (no neighbour, or the link was gone): take the mass back. */
  unsent(share: AggregateShare): void {
    if (share.epoch !== this.epoch || share.leader !== this.leader) return;
    this.absorb(share);
  }

  receive(share: AggregateShare, now: number): void {
    const current = Math.floor(now / this.epochMs);
    // Shares from a past epoch, or from a future one our clock has not reached, carry no usable mass.
    if (share.epoch < this.epoch || share.epoch > current + 1) return;
    this.advance(share.epoch);
    this.min = Math.min(this.min, share.min);
    this.max = Math.max(this.max, share.max);
    const rank = instanceRank(share.epoch, share.leader);
    if (rank > this.leaderRank || (rank === this.leaderRank && share.leader !== this.leader)) return;
    if (share.leader !== this.leader) this.join(share.leader, rank);
    this.absorb(share);
  }

  /** The previous epoch's final values: stable while the current epoch converges. */
  estimate(): AggregateEstimate | null {
    return this.last;
  }

  /** The running epoch's values so far (they converge during the epoch). */
  current(): AggregateEstimate | null {
    if (this.epoch < 0 || this.count[1] <= 0 || this.sum[1] <= 0) return null;
    return { size: this.count[0] / this.count[1], average: this.sum[0] / this.sum[1], min: this.min, max: this.max, epoch: this.epoch };
  }

  private advance(epoch: number): void {
    if (epoch <= this.epoch) return;
    const finished = this.current();
    if (finished !== null && epoch === this.epoch + 1) this.last = finished;
    this.epoch = epoch;
    this.min = this.value;
    this.max = this.value;
    this.join(this.self, instanceRank(epoch, this.self));
  }

  private join(leader: PeerId, rank: number): void {
    this.leader = leader;
    this.leaderRank = rank;
    this.count = [1, leader === this.self ? 1 : 0];
    this.sum = [this.value, 1];
  }

  private absorb(share: AggregateShare): void {
    this.count = [this.count[0] + share.count[0], this.count[1] + share.count[1]];
    this.sum = [this.sum[0] + share.sum[0], this.sum[1] + share.sum[1]];
  }
}

/** FNV-1a of "epoch:peer": a fresh, agreed-upon pseudo-random order of peers every epoch. */
export function instanceRank(epoch: number, peer: PeerId): number {
  return fnv1a(`${epoch}:${peer}`);
}

/** Relative change of the running estimate under which a share counts as "no change". */
const SETTLED_CHANGE = 1e-2;
/** Shares in a row with no change before the share rate drops to one per node period. */
const SETTLED_SHARES = 3;

/**
 * The aggregation protocol: one push-sum share to a random neighbour every aggregatePeriodMs
 * (0 turns it off); a share that finds no neighbour is taken back, so mass is conserved. Once the
 * running epoch's estimate has settled (SETTLED_SHARES shares in a row changed it by less than
 * SETTLED_CHANGE), shares slow to one per node period, sent on the node's beat with its other
 * periodic work (node.ts); a new epoch, or a share that moves the estimate, speeds them up again.
 */
export class Aggregation implements ProtocolModule<'aggregate'> {
  readonly handles = ['aggregate'] as const;
  readonly aggregator: Aggregator;
  private nextRoundAt: number;
  private settledShares = 0;
  private lastSeen: AggregateEstimate | null = null;

  constructor(private readonly ctx: NodeContext) {
    this.aggregator = new Aggregator(ctx.self, 0, ctx.options.epochMs);
    const period = ctx.options.aggregatePeriodMs;
    this.nextRoundAt = period === 0 ? Infinity : ctx.env.now() + ctx.env.random() * period;
  }

  /** Settled: shares go on the node's beat instead of every aggregatePeriodMs. */
  get settled(): boolean {
    return this.settledShares >= SETTLED_SHARES;
  }

  receive(_from: PeerId, message: MessageOf<'aggregate'>, now: number): void {
    this.aggregator.receive(message, now);
    this.observe();
  }

  tick(now: number): void {
    if (now < this.nextRoundAt) return;
    this.nextRoundAt = Math.max(this.nextRoundAt + this.ctx.options.aggregatePeriodMs, now + 1);
    // A new epoch starts unsettled: its first shares must not wait for the beat.
    if (this.settled && Math.floor(now / this.ctx.options.epochMs) === this.lastSeen?.epoch) return;
    this.shareWith(pickOne(this.ctx.env.random, this.ctx.neighbors()), now);
  }

  /** The node's beat: the slow share, with the beat's partner. */
  beat(partner: PeerId | undefined, now: number): void {
    if (this.ctx.options.aggregatePeriodMs === 0 || !this.settled) return;
    this.shareWith(partner, now);
  }

  nextTickAt(): number {
    return this.nextRoundAt;
  }

  /** The last completed epoch's estimates (stable), or the running epoch's before one completed. */
  estimate(): AggregateEstimate | null {
    return this.aggregator.estimate() ?? this.aggregator.current();
  }

  private shareWith(target: PeerId | undefined, now: number): void {
    const share = this.aggregator.share(now);
    if (target === undefined) this.aggregator.unsent(share);
    else this.ctx.out.send(target, { t: 'aggregate', ...share });
    this.observe();
  }

  /** Counts shares in a row that left the running estimate where it was. */
  private observe(): void {
    const current = this.aggregator.current();
    const last = this.lastSeen;
    this.lastSeen = current;
    const still =
      current !== null &&
      last !== null &&
      current.epoch === last.epoch &&
      near(current.size, last.size) &&
      near(current.average, last.average) &&
      current.min === last.min &&
      current.max === last.max;
    this.settledShares = still ? this.settledShares + 1 : 0;
  }
}

function near(a: number, b: number): boolean {
  return Math.abs(a - b) <= SETTLED_CHANGE * Math.max(1, Math.abs(a), Math.abs(b));
}

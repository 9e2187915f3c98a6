import { pickOne } from './env.ts';
import { fnv1a } from './hash.ts';
import type { PeerId } from './ids.ts';
import type { NodeContext, ProtocolModule } from './protocol.ts';
import { MassLedger } from './aggregate-guard.ts';
import { leaderText } from './signed.ts';
import type { MessageOf } from './wire.ts';

/** One push-sum exchange: half of the sender's mass for one epoch's elected instance. */
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
  /** The leader's signature over (epoch, leader) (core/signed.ts leaderText): a leader id no key
   * stands behind cannot win the election. Absent on the trusted in-process path. */
  ticket?: string | undefined;
}

/** What one round sends: the share of the younger instance and, while it runs, the older one's. */
export interface AggregateRound extends AggregateShare {
  older?: AggregateShare | undefined;
}

export interface AggregateEstimate {
  size: number;
  average: number;
  min: number;
  max: number;
  /** The epoch of the instance these figures come from. */
  epoch: number;
  /** How old the figures are: time since that instance started. A peer that died since is counted
   * until a younger instance takes over (at most 2 epochs); 0..epochMs means still converging. */
  ageMs: number;
}

/** One running push-sum instance: a share's fields without its epoch (the map key), plus the leader's rank. */
interface Instance extends Omit<AggregateShare, 'epoch'> {
  leaderRank: number;
}

/**
 * Network-wide aggregates with no coordinator: push-sum (Kempe et al.) in instances that start
 * every epoch and run for two, so two overlap at any time and a departed peer stops counting as
 * soon as an instance started after its departure has run one epoch (at most two epochs after).
 * Overlap rather than longer epochs or restarts on churn: the shown figures always come from an
 * instance that has had a full epoch to converge (no jump back to a fresh, unconverged instance at
 * each epoch boundary), and nothing needs agreeing on when to restart.
 *
 * Counting needs exactly one peer holding weight; instead of electing one, every peer starts an
 * instance each epoch and all of them switch to the instance with the smallest hash of (epoch,
 * initiator) as soon as they hear of it. A peer enters an instance once, with exactly its initial
 * contribution, so each instance conserves mass and the smallest one wins.
 */
export class Aggregator {
  /** Running instances by epoch: the current epoch's and the previous one's. */
  private readonly instances = new Map<number, Instance>();
  private epoch = -1;

  constructor(
    private readonly self: PeerId,
    private value: number,
    private readonly epochMs: number,
    /** Signs this peer's ticket for an epoch it leads (none on the trusted path). */
    private readonly ticketFor: (epoch: number) => string | undefined = () => undefined,
  ) {}

  setValue(value: number): void {
    // Running instances keep the old contribution (mass must be conserved); the next one uses this.
    this.value = value;
  }

  /** Called every aggregation round; returns the shares to send to one random neighbour. */
  share(now: number): AggregateRound {
    this.advance(Math.floor(now / this.epochMs));
    const young = this.halve(this.epoch) as AggregateShare;
    const older = this.halve(this.epoch - 1);
    return older === undefined ? young : { ...young, older };
  }

  /** A round could not be delivered (no neighbour, or the link was gone): take the mass back. */
  unsent(round: AggregateRound): void {
    for (const share of parts(round)) {
      const instance = this.instances.get(share.epoch);
      if (instance !== undefined && share.leader === instance.leader) absorb(instance, share);
    }
  }

  receive(round: AggregateRound, now: number): void {
    const current = Math.floor(now / this.epochMs);
    for (const share of parts(round)) {
      // Shares from a finished instance, or from a future one our clock has not reached, carry no usable mass.
      if (share.epoch < current - 1 || share.epoch > current + 1) continue;
      this.advance(Math.max(share.epoch, current));
      const instance = this.instances.get(share.epoch) ?? this.enter(share.epoch);
      instance.min = Math.min(instance.min, share.min);
      instance.max = Math.max(instance.max, share.max);
      const rank = instanceRank(share.epoch, share.leader);
      if (rank > instance.leaderRank || (rank === instance.leaderRank && share.leader !== instance.leader)) continue;
      if (share.leader !== instance.leader) this.join(instance, share.leader, rank, share.ticket);
      absorb(instance, share);
    }
  }

  /** The older running instance's figures (it has run at least an epoch), or the younger's at first. */
  estimate(now: number): AggregateEstimate | null {
    return this.figures(this.epoch - 1, now) ?? this.figures(this.epoch, now);
  }

  /** The younger running instance's figures: the one still converging, whose settling sets the share rate. */
  converging(now: number): AggregateEstimate | null {
    return this.figures(this.epoch, now);
  }

  private figures(epoch: number, now: number): AggregateEstimate | null {
    const instance = this.instances.get(epoch);
    if (instance === undefined || instance.count[1] <= 0 || instance.sum[1] <= 0) return null;
    return {
      size: instance.count[0] / instance.count[1],
      average: instance.sum[0] / instance.sum[1],
      min: instance.min,
      max: instance.max,
      epoch,
      ageMs: Math.max(0, now - epoch * this.epochMs),
    };
  }

  private advance(epoch: number): void {
    if (epoch <= this.epoch) return;
    for (const old of this.instances.keys()) if (old < epoch - 1) this.instances.delete(old);
    this.epoch = epoch;
    if (!this.instances.has(epoch)) this.enter(epoch);
  }

  private enter(epoch: number): Instance {
    const instance: Instance = { leader: this.self, leaderRank: Infinity, count: [0, 0], sum: [0, 0], min: this.value, max: this.value };
    this.join(instance, this.self, instanceRank(epoch, this.self), this.ticketFor(epoch));
    this.instances.set(epoch, instance);
    return instance;
  }

  private join(instance: Instance, leader: PeerId, rank: number, ticket: string | undefined): void {
    instance.leader = leader;
    instance.ticket = ticket;
    instance.leaderRank = rank;
    instance.count = [1, leader === this.self ? 1 : 0];
    instance.sum = [this.value, 1];
  }

  private halve(epoch: number): AggregateShare | undefined {
    const instance = this.instances.get(epoch);
    if (instance === undefined) return undefined;
    instance.count = [instance.count[0] / 2, instance.count[1] / 2];
    instance.sum = [instance.sum[0] / 2, instance.sum[1] / 2];
    const share: AggregateShare = { epoch, leader: instance.leader, count: [...instance.count], sum: [...instance.sum], min: instance.min, max: instance.max };
    if (instance.ticket !== undefined) share.ticket = instance.ticket;
    return share;
  }
}

function parts(round: AggregateRound): AggregateShare[] {
  const { older, ...young } = round;
  return older === undefined ? [young] : [young, older];
}

function absorb(instance: Instance, share: AggregateShare): void {
  instance.count = [instance.count[0] + share.count[0], instance.count[1] + share.count[1]];
  instance.sum = [instance.sum[0] + share.sum[0], instance.sum[1] + share.sum[1]];
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
 * The aggregation protocol: one push-sum share every aggregatePeriodMs (0 turns it off); a share
 * that finds no neighbour is taken back, so mass is conserved. A due share rides with the next
 * control message the node sends to any neighbour (a beat, a pong, a reply: one batch, no message
 * of its own, node.ts); one that found none by the next period goes alone to a random neighbour, so
 * the rate stays one share per period. Once the converging epoch's estimate has settled (SETTLED_SHARES shares in a row changed
 * it by less than SETTLED_CHANGE), shares slow to one per node period, sent on the node's beat with
 * its other periodic work; a new epoch, or a share that moves the estimate, speeds them up again.
 */
export class Aggregation implements ProtocolModule<'aggregate'> {
  readonly handles = ['aggregate'] as const;
  readonly aggregator: Aggregator;
  private nextRoundAt: number;
  private settledShares = 0;
  private lastSeen: AggregateEstimate | null = null;
  /** A fast-rate share is due and not yet sent: it waits up to one period for a ride. */
  private due = false;

  /** Net mass per link and instance, so one link cannot inflate the estimate (aggregate-guard.ts). */
  readonly ledger = new MassLedger();

  constructor(private readonly ctx: NodeContext) {
    const signer = ctx.signer ?? null;
    this.aggregator = new Aggregator(ctx.self, 0, ctx.options.epochMs, (epoch) => signer?.sign(leaderText(epoch, ctx.self)));
    const period = ctx.options.aggregatePeriodMs;
    this.nextRoundAt = period === 0 ? Infinity : ctx.env.now() + ctx.env.random() * period;
  }

  /** Settled: shares go on the node's beat instead of every aggregatePeriodMs. */
  get settled(): boolean {
    return this.settledShares >= SETTLED_SHARES;
  }

  receive(from: PeerId, message: MessageOf<'aggregate'>, now: number): void {
    this.ledger.forgetBefore(Math.floor(now / this.ctx.options.epochMs) - 1);
    this.aggregator.receive(this.ledger.admit(from, message), now);
    this.observe();
  }

  /**
   * A round runs at its time, or earlier, up to one period, when the node is awake anyway (its
   * failure-detector round, a beat): the node then wakes once for both, not twice (shares were half
   * of an idle tab's wake-ups). The rounds stay on their grid, so the rate is one per period still.
   */
  tick(now: number): void {
    const period = this.ctx.options.aggregatePeriodMs;
    if (now < this.nextRoundAt - period) return;
    this.nextRoundAt = Math.max(this.nextRoundAt + period, now + 1);
    // A new epoch starts unsettled: its first shares must not wait for the beat.
    if (this.settled && Math.floor(now / this.ctx.options.epochMs) === this.lastSeen?.epoch) {
      this.due = false;
      return;
    }
    // The last period's share found no ride: it goes alone now, and this period's waits for one.
    if (this.due) this.shareWith(pickOne(this.ctx.env.random, this.ctx.neighbors()), now);
    this.due = true;
  }

  /** A share is due and would ride with control traffic (ride does nothing otherwise). */
  get wantsRide(): boolean {
    return this.due;
  }

  /** The node is sending control messages to these neighbours now: a due share goes with one of them. */
  ride(peers: readonly PeerId[], now: number): void {
    if (!this.due || peers.length === 0) return;
    this.shareWith(pickOne(this.ctx.env.random, peers), now);
  }

  /** The node's beat: the slow share, with the beat's partner. */
  beat(partner: PeerId | undefined, now: number): void {
    if (this.ctx.options.aggregatePeriodMs === 0 || !this.settled) return;
    this.shareWith(partner, now);
  }

  nextTickAt(): number {
    return this.nextRoundAt;
  }

  /** The older running instance's estimates (converged), or the younger one's before there is one. */
  estimate(): AggregateEstimate | null {
    return this.aggregator.estimate(this.ctx.env.now());
  }

  private shareWith(target: PeerId | undefined, now: number): void {
    this.due = false;
    const share = this.aggregator.share(now);
    if (target === undefined) this.aggregator.unsent(share);
    else {
      this.ledger.sent(target, share);
      this.ctx.out.send(target, { t: 'aggregate', ...share });
    }
    this.observe();
  }

  /**
   * Counts shares in a row that left the converging (younger) instance's estimate where it was. The
   * shown (older) instance has converged already; watching it instead would slow the shares while
   * the younger one, shown next epoch, still needs them.
   */
  private observe(): void {
    const current = this.aggregator.converging(this.ctx.env.now());
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

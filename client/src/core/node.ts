import { Aggregator, type AggregateEstimate } from './aggregate.ts';
import { pickOne, sample, type Env } from './env.ts';
import { Dissemination } from './dissemination.ts';
import { CoreError, rumorId, type PeerId, type RumorId } from './ids.ts';
import { createOptions, MODES, type Mode, type Options, type OptionsInput } from './options.ts';
import { Membership } from './membership.ts';
import { Outbox, type Action, type NodeEvent } from './outbox.ts';
import { SharedState } from './shared-state.ts';
import {
  MAX_PAYLOAD_BYTES,
  MAX_REGISTER_BYTES,
  isWellFormed,
  parse,
  utf8Length,
  type MessageOf,
  type RegisterValue,
  type RejectReason,
  type Rumor,
  type SignalData,
} from './wire.ts';

/** A peer that sends this many bad messages is cut off. */
const MAX_BAD_MESSAGES_PER_PEER = 10;

export interface NodeStats {
  messagesSent: number;
  messagesReceived: number;
  /** Rumor copies sent (the numerator of relative message redundancy). */
  payloadsSent: number;
  rumorsDelivered: number;
  duplicates: number;
  dropped: number;
  droppedByReason: Partial<Record<RejectReason | 'abuse' | 'expired' | 'unroutable', number>>;
}

/**
 * One gossip peer, pure: messages, link changes and clock ticks go in; actions (sends, link
 * requests) and typed events come out through `drain()`. It owns no timer and no socket, so the
 * same code runs in a tab, in the simulator and in Node, and a seeded Env replays a run exactly.
 */
export class GossipNode {
  readonly options: Options;
  private readonly out = new Outbox();
  private readonly membership: Membership;
  private readonly rumors: Dissemination;
  private readonly state: SharedState;
  private readonly aggregator: Aggregator;
  private readonly badMessages = new Map<PeerId, number>();
  private readonly stats_: Omit<NodeStats, 'messagesSent' | 'payloadsSent'> = {
    messagesReceived: 0,
    rumorsDelivered: 0,
    duplicates: 0,
    dropped: 0,
    droppedByReason: {},
  };
  private nextRoundAt: number;
  private nextAntiEntropyAt: number;
  private nextTopologyRefreshAt: number;
  private nextAggregateAt: number;
  private viewChanged = false;

  constructor(
    readonly id: PeerId,
    private readonly env: Env,
    options: OptionsInput = {},
  ) {
    this.options = createOptions(options);
    const now = env.now();
    // Random phases: nodes do not gossip in lockstep, as in any real network.
    this.nextRoundAt = now + env.random() * this.options.periodMs;
    this.nextAntiEntropyAt = now + env.random() * this.options.antiEntropyPeriodMs;
    this.nextTopologyRefreshAt = now;
    this.membership = new Membership(id, env, this.options, this.out, () => (this.viewChanged = true), {
      // Death notices travel in the topology (topology.ts): they need topology sharing on.
      reportedGone: (peer) => this.options.shareTopology && this.state.topology.isGone(peer),
      declaredGone: (peer, at) => this.state.announceGone(peer, at),
      degreeOf: (peer) => (this.options.shareTopology ? this.state.topology.degreeOf(peer) : undefined),
      vouched: (peer) => !this.options.shareTopology || this.state.topology.isVouched(peer),
    });
    this.rumors = new Dissemination(id, env, this.options, this.out, {
      neighbors: () => this.neighbors(),
      delivered: (rumor, from, at) => {
        this.stats_.rumorsDelivered++;
        this.out.emit({ type: 'rumor', rumor, from, receivedAt: at });
      },
      duplicate: () => this.stats_.duplicates++,
      expired: () => this.countDrop('expired'),
    });
    this.state = new SharedState(
      id,
      env,
      this.options,
      this.out,
      () => this.neighbors(),
      (except) => this.spreadTargets(except),
      () => this.membership.healthy(),
    );
    this.aggregator = new Aggregator(id, 0, this.options.epochMs);
    this.nextAggregateAt = this.options.aggregatePeriodMs === 0 ? Infinity : now + env.random() * this.options.aggregatePeriodMs;
  }

  // ---- inputs -------------------------------------------------------------------------------

  introduce(peers: readonly PeerId[]): void {
    this.membership.introduce(peers);
  }

  connected(peer: PeerId): void {
    this.membership.connected(peer, this.env.now());
    this.afterInput();
  }

  disconnected(peer: PeerId): void {
    this.membership.disconnected(peer, this.env.now());
    this.rumors.linkClosed(peer);
    this.afterInput();
  }

  /** Untrusted input from a link: parsed here, dropped and counted if bad; never throws. */
  receive(from: PeerId, raw: unknown): void {
    const parsed = parse(raw);
    if (!parsed.ok) {
      this.drop(from, parsed.reason, parsed.detail);
      const bad = (this.badMessages.get(from) ?? 0) + 1;
      this.badMessages.set(from, bad);
      if (bad === MAX_BAD_MESSAGES_PER_PEER) {
        this.drop(from, 'abuse', `${bad} bad messages; cutting the peer off`);
        this.membership.evict(from, this.env.now());
        this.afterInput(); // the view changed: report it now, not at the next input
      }
      return;
    }
    const now = this.env.now();
    this.stats_.messagesReceived++;
    this.membership.heard(from, now);
    const message = parsed.message;
    switch (message.t) {
      case 'ping':
      case 'pong':
      case 'leave':
      case 'shuffle':
      case 'shuffle-reply':
        // A leave also writes a death notice (membership -> declaredGone), so the whole mesh hears it.
        this.membership.handle(from, message, now);
        break;
      case 'push':
        this.rumors.onPush(from, message, now);
        break;
      case 'pull':
        this.rumors.onPull(from, message, now);
        break;
      case 'prune':
        this.rumors.onPrune(from);
        break;
      case 'graft':
        this.rumors.onGraft(from);
        break;
      case 'state':
        for (const peer of this.state.merge(from, message, now)) this.membership.forget(peer);
        break;
      case 'signal':
        this.onSignal(from, message);
        break;
      case 'aggregate':
        this.aggregator.receive(message, now);
        break;
    }
    this.afterInput();
  }

  /** Runs whatever is due; call it at `nextTickAt()` (calling more often is harmless). */
  tick(now: number): void {
    this.membership.tick(now);
    if (now >= this.nextRoundAt) {
      this.nextRoundAt = Math.max(this.nextRoundAt + this.options.periodMs, now + 1);
      this.rumors.round(now);
    }
    if (now >= this.nextAntiEntropyAt) {
      this.nextAntiEntropyAt = Math.max(this.nextAntiEntropyAt + this.options.antiEntropyPeriodMs, now + 1);
      this.antiEntropy();
      this.rumors.store.expire(now);
      this.state.topology.expire(now);
    }
    if (now >= this.nextAggregateAt) {
      this.nextAggregateAt = Math.max(this.nextAggregateAt + this.options.aggregatePeriodMs, now + 1);
      this.aggregateRound(now);
    }
    if (this.options.shareTopology && now >= this.nextTopologyRefreshAt) this.viewChanged = true;
    this.afterInput();
  }

  nextTickAt(): number {
    return Math.min(this.nextRoundAt, this.nextAntiEntropyAt, this.nextAggregateAt, this.env.now() + this.options.pingIntervalMs);
  }

  // ---- local operations -------------------------------------------------------------------

  publish(payload: string): Rumor {
    if (!isWellFormed(payload)) throw new CoreError('bad-argument', 'payload contains a lone UTF-16 surrogate');
    const bytes = utf8Length(payload);
    if (bytes > MAX_PAYLOAD_BYTES) throw new CoreError('payload-too-large', `${bytes} bytes > ${MAX_PAYLOAD_BYTES}`);
    return this.rumors.publish(payload, this.env.now());
  }

  add(delta: number): void {
    if (!Number.isSafeInteger(delta) || delta === 0) throw new CoreError('bad-argument', `delta must be a non-zero integer, got ${delta}`);
    this.state.add(delta);
  }

  setRegister(value: string): RegisterValue {
    if (!isWellFormed(value)) throw new CoreError('bad-argument', 'value contains a lone UTF-16 surrogate');
    const bytes = utf8Length(value);
    if (bytes > MAX_REGISTER_BYTES) throw new CoreError('payload-too-large', `${bytes} bytes > ${MAX_REGISTER_BYTES}`);
    return this.state.set(value, this.env.now());
  }

  /** This node's contribution to the network-wide average, minimum and maximum (from the next epoch). */
  setAggregateValue(value: number): void {
    if (!Number.isFinite(value)) throw new CoreError('bad-argument', `aggregate value must be finite, got ${value}`);
    this.aggregator.setValue(value);
  }

  /**
   * Relays WebRTC signaling through the mesh. False when no neighbour can carry it, or, with
   * `randomWalk` false, when the gossiped topology shows no path to `to` (the driver then tries the server).
   */
  sendSignal(to: PeerId, data: SignalData, { randomWalk = true }: { randomWalk?: boolean } = {}): boolean {
    const hop = this.routeTowards(to, undefined, randomWalk);
    if (hop === undefined) return false;
    this.out.send(hop, { v: 1, t: 'signal', from: this.id, to, hops: 0, data });
    return true;
  }

  /** Switches the dissemination mode at run time (benchmarks compare modes over the same links). */
  setMode(mode: Mode): void {
    if (!MODES.includes(mode)) throw new CoreError('bad-argument', `unknown mode ${String(mode)}`);
    this.rumors.mode = mode;
  }

  mode(): Mode {
    return this.rumors.mode;
  }

  /** Say goodbye so neighbours drop us at once instead of waiting for silence. */
  leave(): void {
    this.membership.leave();
  }

  drain(): { actions: Action[]; events: NodeEvent[] } {
    return this.out.drain();
  }

  // ---- queries ------------------------------------------------------------------------------

  neighbors(): PeerId[] {
    return this.membership.neighbors();
  }

  known(): PeerId[] {
    return this.membership.known();
  }

  counterValue(): number {
    return this.state.counter.value();
  }

  registerValue(): RegisterValue | null {
    return this.state.register.get();
  }

  hasRumor(id: RumorId): boolean {
    return this.rumors.store.has(id);
  }

  rumorList(): Rumor[] {
    return this.rumors.store.all();
  }

  /** The last completed epoch's estimates (stable), or the running epoch's before one completed. */
  aggregates(): AggregateEstimate | null {
    return this.aggregator.estimate() ?? this.aggregator.current();
  }

  meshGraph(): Map<PeerId, Set<PeerId>> {
    return this.state.topology.graph();
  }

  stats(): NodeStats {
    return {
      ...this.stats_,
      droppedByReason: { ...this.stats_.droppedByReason },
      messagesSent: this.out.messagesSent,
      payloadsSent: this.out.payloadsSent,
    };
  }

  // ---- protocol -----------------------------------------------------------------------------

  /** Full state exchange with one random neighbour; in push mode the rumor digest rides along. */
  private antiEntropy(): void {
    const target = pickOne(this.env.random, this.neighbors());
    if (target === undefined) return;
    this.out.send(target, this.state.full(true));
    this.rumors.antiEntropy(target);
  }

  private aggregateRound(now: number): void {
    const share = this.aggregator.share(now);
    const target = pickOne(this.env.random, this.neighbors());
    if (target === undefined) this.aggregator.unsent(share);
    else this.out.send(target, { v: 1, t: 'aggregate', ...share });
  }

  /** Where a counter or register change goes at once: the tree's eager links, or `fanout` random neighbours. */
  private spreadTargets(except: PeerId | null): PeerId[] {
    const neighbors = this.neighbors();
    if (this.rumors.mode === 'tree') return this.rumors.tree.eagerAmong(neighbors, except);
    if (this.rumors.mode === 'flood') return neighbors.filter((p) => p !== except);
    return sample(this.env.random, neighbors.filter((p) => p !== except), this.options.fanout);
  }

  private onSignal(from: PeerId, message: MessageOf<'signal'>): void {
    if (message.to === this.id) {
      this.out.emit({ type: 'signal', from: message.from, data: message.data });
      return;
    }
    const hop = message.hops + 1 < this.options.maxSignalHops ? this.routeTowards(message.to, from) : undefined;
    if (hop === undefined) {
      this.countDrop('unroutable');
      return;
    }
    this.out.send(hop, { ...message, hops: message.hops + 1 });
  }

  /**
   * Shortest known path by the gossiped topology; a random neighbour when the target is unheard of.
   * Through a neighbour with no ping outstanding if there is one, else one not yet suspected: a
   * neighbour that stopped answering is likely dead, and a signal sent into it is lost.
   */
  private routeTowards(target: PeerId, cameFrom: PeerId | undefined, randomWalk = true): PeerId | undefined {
    const usable = (peers: PeerId[]): boolean => peers.some((p) => p !== cameFrom);
    const responsive = this.membership.responsive();
    const healthy = this.membership.healthy();
    const neighbors = new Set(usable(responsive) ? responsive : usable(healthy) ? healthy : this.neighbors());
    const routed = this.state.topology.nextHop(target, neighbors, cameFrom);
    if (routed !== undefined || !randomWalk) return routed;
    return pickOne(this.env.random, [...neighbors].filter((p) => p !== cameFrom));
  }

  /** View changes become one event and, with topology sharing, a fresh own entry for neighbours. */
  private afterInput(): void {
    if (!this.viewChanged) return;
    this.viewChanged = false;
    const now = this.env.now();
    this.out.emit({ type: 'view', active: this.neighbors(), passive: this.known() });
    if (!this.options.shareTopology) return;
    this.nextTopologyRefreshAt = now + this.options.topologyTtlMs / 3;
    this.state.announceTopology(now);
  }

  private drop(from: PeerId, reason: RejectReason | 'abuse', detail: string): void {
    this.countDrop(reason);
    this.out.emit({ type: 'dropped', from, reason, detail });
  }

  private countDrop(reason: keyof NodeStats['droppedByReason']): void {
    this.stats_.dropped++;
    this.stats_.droppedByReason[reason] = (this.stats_.droppedByReason[reason] ?? 0) + 1;
  }
}

export { rumorId };
export type { AggregateEstimate, Action, NodeEvent, Options, OptionsInput, PeerId, RumorId, Rumor, RegisterValue, SignalData };

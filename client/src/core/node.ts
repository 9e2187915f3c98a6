import { Aggregation, type AggregateEstimate } from './aggregate.ts';
import { Admission, type Admitted, type BudgetOptions, type DropReason, type Verifier } from './admission.ts';
import type { Env } from './env.ts';
import { Dissemination } from './dissemination.ts';
import { CoreError, rumorId, type PeerId, type RumorId } from './ids.ts';
import { createOptions, MODES, type Mode, type Options, type OptionsInput } from './options.ts';
import { Membership } from './membership.ts';
import { Outbox, type Action, type NodeEvent } from './outbox.ts';
import type { NodeContext, ProtocolModule } from './protocol.ts';
import { SignalRelay } from './signal-relay.ts';
import type { Signer } from './signed.ts';
import { StateSync } from './state-sync.ts';
import { HybridClock } from './time.ts';
import { TopologyGossip } from './topology.ts';
import {
  MAX_PAYLOAD_BYTES,
  MAX_REGISTER_BYTES,
  MESSAGE_TYPES,
  isWellFormed,
  utf8Length,
  type Message,
  type MessageOf,
  type MessageType,
  type RegisterValue,
  type RoutedType,
  type Rumor,
  type SignalData,
} from './wire.ts';

export interface NodeStats {
  /** Messages past admission. */
  messagesReceived: number;
  rumorsDelivered: number;
  duplicates: number;
  dropped: number;
  droppedByReason: Partial<Record<DropReason, number>>;
}

/** What a node may be given besides its options: the identity port's signer and verifier, a link budget. */
export interface NodeExtras {
  signer?: Signer;
  verifier?: Verifier;
  budget?: BudgetOptions;
}

type RouteTable = { [T in RoutedType]: ProtocolModule<T> };

/**
 * One gossip peer, pure: messages, link changes and clock ticks go in; actions (sends, link
 * requests) and typed events come out through `drain()`. It owns no timer and no socket, so the
 * same code runs in a tab, in the simulator and in Node (runtime/ feeds it), and a seeded Env
 * replays a run exactly.
 *
 * Every message passes admission (decode, verify, budget; admission.ts) and then goes to the one
 * protocol module that owns its type: membership, dissemination (one behaviour per mode),
 * state (counter, register), topology (with death notices), aggregation, signal relay.
 */
export class GossipNode {
  readonly options: Options;
  private readonly out = new Outbox();
  private readonly clock: HybridClock;
  private readonly admission: Admission;
  private readonly membership: Membership;
  private readonly rumors: Dissemination;
  private readonly state: StateSync;
  private readonly topology: TopologyGossip;
  private readonly aggregation: Aggregation;
  private readonly signals: SignalRelay;
  private readonly modules: readonly ProtocolModule[];
  private readonly routes: RouteTable;
  private readonly stats_: NodeStats = { messagesReceived: 0, rumorsDelivered: 0, duplicates: 0, dropped: 0, droppedByReason: {} };
  /** The node's period: one beat runs every periodic task with one partner (see beat). */
  private nextBeatAt: number;
  private beatsToAntiEntropy: number;
  private viewChanged = false;

  constructor(
    readonly id: PeerId,
    private readonly env: Env,
    options: OptionsInput = {},
    extras: NodeExtras = {},
  ) {
    this.options = createOptions(options);
    this.clock = new HybridClock(env.now);
    this.admission = new Admission(extras.budget, extras.verifier ?? null);
    const ctx: NodeContext = { self: id, env, options: this.options, out: this.out, signer: extras.signer ?? null, neighbors: () => this.neighbors() };
    const penalize = (reason: DropReason) => (from: PeerId, detail: string) => this.refused(from, this.admission.penalize(from, reason, detail, env.now()));
    this.topology = new TopologyGossip(ctx, this.clock, {
      ownLinks: () => this.membership.healthy(),
      // A death notice is evidence, not an eviction: a neighbour is probed at once and stays if it answers.
      declaredGone: (peers) => {
        const neighbors = this.membership.neighbors();
        for (const peer of peers) {
          if (neighbors.includes(peer)) this.membership.noticedGone(peer, env.now());
          else this.membership.forget(peer);
        }
      },
      penalize: penalize('future'),
    });
    this.membership = new Membership(id, env, this.options, this.out, () => (this.viewChanged = true), {
      reportedGone: (peer) => this.topology.isGone(peer),
      declaredGone: (peer, at) => this.topology.announceGone(peer, at),
      degreeOf: (peer) => this.topology.degreeOf(peer),
      vouched: (peer) => this.topology.isVouched(peer),
      linkedTo: (helper, target) => this.topology.table.graph().get(helper)?.has(target) ?? false,
    });
    this.rumors = new Dissemination(ctx, {
      delivered: (rumor, from, at) => {
        this.stats_.rumorsDelivered++;
        this.out.emit({ type: 'rumor', rumor, from, receivedAt: at });
      },
      duplicate: () => this.stats_.duplicates++,
      expired: () => this.count('expired'),
    });
    this.state = new StateSync(ctx, this.clock, { spreadTargets: (except, origin) => this.rumors.stateTargets(except, origin), penalize: penalize('future') });
    this.aggregation = new Aggregation(ctx);
    this.signals = new SignalRelay(ctx, this.clock, {
      topology: () => this.topology.table,
      responsive: () => this.membership.responsive(),
      healthy: () => this.membership.healthy(),
      unroutable: () => this.count('unroutable'),
      stale: () => this.count('expired'),
    });
    this.modules = [this.membership, this.rumors, this.state, this.topology, this.aggregation, this.signals];
    this.routes = routeTable(this.modules);
    // Random phases: nodes do not gossip in lockstep, as in any real network.
    this.nextBeatAt = env.now() + env.random() * this.options.periodMs;
    this.beatsToAntiEntropy = Math.floor(env.random() * this.beatsPerAntiEntropy) + 1;
  }

  // ---- inputs -------------------------------------------------------------------------------

  introduce(peers: readonly PeerId[]): void {
    this.membership.introduce(peers);
  }

  connected(peer: PeerId): void {
    if (this.admission.keptOut(peer, this.env.now())) {
      this.out.disconnect(peer); // cut off a short while ago: not let back in yet
      this.count('cut-off');
      return;
    }
    this.membership.connected(peer, this.env.now());
    this.afterInput();
  }

  disconnected(peer: PeerId): void {
    this.membership.disconnected(peer, this.env.now());
    this.rumors.linkClosed(peer);
    this.admission.linkClosed(peer);
    this.afterInput();
  }

  /** The transport saw the link to `peer` falter (ICE disconnected or failed, channel closing): probe it now. */
  linkDoubted(peer: PeerId): void {
    this.membership.doubt(peer);
  }

  /** `peer` signalled off the link (through the server) for the link's repair, which may take `graceMs`: it is alive, wait for the link. */
  peerAlive(peer: PeerId, graceMs: number): void {
    this.membership.repairing(peer, graceMs);
  }

  /** Untrusted input from a link (text, bytes or a decoded value): admitted or dropped and counted; never throws. */
  receive(from: PeerId, raw: unknown): void {
    this.dispatch(from, this.admission.admit(from, raw, this.env.now()));
  }

  /** An in-process link (simulator, tests): the message object as sent, no decode, no verify. */
  receiveTrusted(from: PeerId, message: Message): void {
    this.deliverAdmitted(from, message); // admitTrusted's answer is always ok: not built per message
  }

  /** Runs whatever is due; call it at `nextTickAt()` (calling more often is harmless). */
  tick(now: number): void {
    const mark = this.out.actions.length;
    for (const module of this.modules) module.tick?.(now);
    if (now >= this.nextBeatAt) {
      this.nextBeatAt = Math.max(this.nextBeatAt + this.options.periodMs, now + 1);
      this.beat(now);
    }
    this.rideAlong(mark, now);
    // What this tick made due for one link goes as one message.
    this.out.coalesce(mark);
    this.afterInput();
  }

  nextTickAt(): number {
    let at = this.nextBeatAt;
    for (const module of this.modules) at = Math.min(at, module.nextTickAt?.() ?? Infinity);
    return at;
  }

  // ---- local operations -------------------------------------------------------------------

  publish(payload: string): Rumor {
    checkText(payload, MAX_PAYLOAD_BYTES, 'payload');
    return this.rumors.publish(payload, this.env.now());
  }

  add(delta: number): void {
    if (!Number.isSafeInteger(delta) || delta === 0) throw new CoreError('bad-argument', `delta must be a non-zero integer, got ${delta}`);
    this.state.add(delta);
  }

  setRegister(value: string): RegisterValue {
    checkText(value, MAX_REGISTER_BYTES, 'value');
    return this.state.set(value);
  }

  /** This node's contribution to the network-wide average, minimum and maximum (from the next epoch). */
  setAggregateValue(value: number): void {
    if (!Number.isFinite(value)) throw new CoreError('bad-argument', `aggregate value must be finite, got ${value}`);
    this.aggregation.aggregator.setValue(value);
  }

  /**
   * Relays WebRTC signaling through the mesh. False when no neighbour can carry it, or, with
   * `randomWalk` false, when the gossiped topology shows no path to `to` (the driver then tries the server).
   */
  sendSignal(to: PeerId, data: SignalData, { randomWalk = true }: { randomWalk?: boolean } = {}): boolean {
    return this.signals.send(to, data, randomWalk);
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

  /** Whether drain() would return anything (cheaper than draining nothing). */
  hasOutput(): boolean {
    return this.out.pending;
  }

  // ---- queries ------------------------------------------------------------------------------

  neighbors(): PeerId[] {
    return this.membership.neighbors();
  }

  known(): PeerId[] {
    return this.membership.known();
  }

  /** Lifeguard's local health multiplier (0: our own rounds run on time), for diagnostics. */
  localHealth(): number {
    return this.membership.localHealth();
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

  aggregates(): AggregateEstimate | null {
    return this.aggregation.estimate();
  }

  meshGraph(): Map<PeerId, Set<PeerId>> {
    return this.topology.table.graph();
  }

  stats(): NodeStats {
    return { ...this.stats_, droppedByReason: { ...this.stats_.droppedByReason } };
  }

  // ---- internals ----------------------------------------------------------------------------

  private dispatch(from: PeerId, admitted: Admitted): void {
    if (admitted.ok) this.deliverAdmitted(from, admitted.message);
    else this.refused(from, admitted);
  }

  private deliverAdmitted(from: PeerId, message: Message): void {
    const now = this.env.now();
    this.stats_.messagesReceived++;
    const mark = this.out.actions.length;
    this.membership.heard(from, now);
    if (message.t === 'batch') for (const part of message.parts) deliver(this.routes, from, part, now);
    else deliver(this.routes, from, message, now);
    // The answers to one message (pong, shuffle reply, state and table replies) go back as one.
    this.out.coalesce(mark);
    this.afterInput();
  }

  private refused(from: PeerId, refusal: Admitted): void {
    if (refusal.ok) return;
    this.count(refusal.reason);
    this.out.emit({ type: 'dropped', from, reason: refusal.reason, detail: refusal.detail });
    if (!refusal.cutOff) return;
    this.count('cut-off');
    this.out.emit({ type: 'dropped', from, reason: 'cut-off', detail: `too many refused messages from ${from}; cutting the peer off` });
    this.membership.evict(from, this.env.now());
    this.afterInput(); // the view changed: report it now, not at the next input
  }

  private get beatsPerAntiEntropy(): number {
    return Math.max(1, Math.round(this.options.antiEntropyPeriodMs / this.options.periodMs));
  }

  /**
   * Every periodic task of the node at once, with one partner: the dissemination round (and tree
   * mode's lazy announcements), every few beats anti-entropy (state, rumor digest for modes without a
   * periodic pull, topology), and the aggregate share once its estimate has settled. With tick's
   * coalescing, an idle link carries at most one message per period from each end.
   */
  private beat(now: number): void {
    const partner = this.rumors.nextPartner();
    if (partner !== undefined) this.membership.beat(partner, now);
    this.rumors.round(partner, now);
    if (--this.beatsToAntiEntropy <= 0) {
      this.beatsToAntiEntropy = this.beatsPerAntiEntropy;
      this.antiEntropy(partner, now);
    }
    this.aggregation.beat(partner, now);
  }

  /** State, rumor digest (modes without a periodic pull) and topology with this beat's partner. */
  private antiEntropy(target: PeerId | undefined, now: number): void {
    if (target !== undefined) this.state.antiEntropy(target);
    this.rumors.antiEntropy(target, now);
    this.topology.antiEntropy(target, now);
  }

  /** A due aggregate share goes with control traffic queued since `mark` (to a neighbour), in its batch. */
  private rideAlong(mark: number, now: number): void {
    if (!this.aggregation.wantsRide) return; // nothing due: spare the target lists on every tick
    const neighbors = this.neighbors();
    this.aggregation.ride(this.out.controlTargets(mark, 'aggregate').filter((peer) => neighbors.includes(peer)), now);
  }

  /** View changes become one event and, with topology sharing, a fresh own entry for neighbours. */
  private afterInput(): void {
    if (!this.viewChanged) return;
    this.viewChanged = false;
    this.out.emit({ type: 'view', active: this.neighbors(), passive: this.known() });
    this.topology.announce(this.env.now());
  }

  private count(reason: DropReason): void {
    this.stats_.dropped++;
    this.stats_.droppedByReason[reason] = (this.stats_.droppedByReason[reason] ?? 0) + 1;
  }
}

/** Each message type has exactly one owner; a missing or doubled owner is a programming error. */
function routeTable(modules: readonly ProtocolModule[]): RouteTable {
  const table = new Map<MessageType, ProtocolModule>();
  for (const module of modules) {
    for (const type of module.handles) {
      if (table.has(type)) throw new CoreError('bad-argument', `two modules handle '${type}'`);
      table.set(type, module);
    }
  }
  const missing = MESSAGE_TYPES.filter((t) => t !== 'batch' && !table.has(t));
  if (missing.length > 0) throw new CoreError('bad-argument', `no module handles ${missing.join(', ')}`);
  return Object.fromEntries(table) as RouteTable;
}

function deliver<T extends RoutedType>(routes: RouteTable, from: PeerId, message: MessageOf<T>, now: number): void {
  // TypeScript cannot correlate routes[t] with the message of type t; routeTable guarantees it.
  const owner = routes[(message as { t: T }).t] as ProtocolModule<T>;
  owner.receive(from, message, now);
}

function checkText(text: string, maxBytes: number, what: string): void {
  if (!isWellFormed(text)) throw new CoreError('bad-argument', `${what} contains a lone UTF-16 surrogate`);
  const bytes = utf8Length(text);
  if (bytes > maxBytes) throw new CoreError('payload-too-large', `${what}: ${bytes} bytes > ${maxBytes}`);
}

export { rumorId };
export type { AggregateEstimate, Action, NodeEvent, Options, OptionsInput, PeerId, RumorId, Rumor, RegisterValue, SignalData };

import { seededEnv, seededRandom } from '../core/env.ts';
import { rumorId, type PeerId, type RumorId } from '../core/ids.ts';
import { GossipNode } from '../core/node.ts';
import type { OptionsInput } from '../core/options.ts';
import type { NodeEvent } from '../core/outbox.ts';
import type { Message, MessageType } from '../core/wire.ts';
import { MemoryTransport, type MemoryEncoding, type Packet } from '../transport/memory.ts';
import { EventQueue } from './event-queue.ts';
import { Network, type NetworkConfig } from './network.ts';
import { deriveSeed, distinctInts } from './random.ts';

export interface SimulationConfig {
  /** How many nodes join (ids n0..n{N-1}, joining in that order). */
  nodes: number;
  /** Everything random in the run derives from this. */
  seed: number;
  /** Core options for every node. The simulator defaults `shareTopology` to false. */
  node?: OptionsInput;
  network?: Partial<NetworkConfig>;
  /** Default `object` (cheapest); `json` carries JSON text like a data channel. */
  encoding?: MemoryEncoding;
  /** Peers the bootstrap service hands a joining (or lonely) node, at random among those present. Default 4. */
  introductions?: number;
  /** Nodes join at even intervals over this window, starting at time 0. Default 2 periods. */
  joinWindowMs?: number;
  /** Setting a link up takes this many one-way latencies of that link (offer, answer, ICE). Default 3. */
  connectLatencies?: number;
  /** A link request to a crashed or unreachable peer fails after this long. Default 5000 ms. */
  connectFailMs?: number;
  /**
   * Driver watchdog: a node that has had no link for this long asks the bootstrap service for
   * fresh introductions, as a tab's driver would. The core only says 'lonely' once its passive view
   * is empty, and a node whose few known peers all refuse it (full) never empties it. 0 = off.
   * Default 5000 ms.
   */
  reintroduceAfterMs?: number;
  /** Keep one line per processed event (small runs: determinism checks, debugging). */
  trace?: boolean;
}

export type SimDropReason = 'crashed' | 'partition' | 'loss' | 'no-link' | 'closed';

export interface SimCounters {
  /** Messages nodes handed to the transport (whether or not they arrived). */
  sent: number;
  /** Rumor copies inside those messages (the RMR numerator). */
  payloads: number;
  sentByType: Record<MessageType, number>;
  delivered: number;
  dropped: Record<SimDropReason, number>;
  bytes: number;
  events: number;
}

type SimEvent =
  | Packet
  | { readonly kind: 'tick'; readonly node: number }
  | { readonly kind: 'join'; readonly node: number }
  | { readonly kind: 'link-up'; readonly a: number; readonly b: number }
  | { readonly kind: 'link-fail'; readonly a: number; readonly b: number }
  | { readonly kind: 'link-down'; readonly node: number; readonly peer: number }
  | { readonly kind: 'call'; readonly fn: () => void };

const MESSAGE_TYPES: readonly MessageType[] = ['ping', 'pong', 'leave', 'shuffle', 'shuffle-reply', 'push', 'pull', 'state', 'signal'];

function zeroByType(): Record<MessageType, number> {
  const counts = {} as Record<MessageType, number>;
  for (const t of MESSAGE_TYPES) counts[t] = 0;
  return counts;
}

/**
 * A discrete-event network of GossipNodes on a virtual clock. Nodes join one by one and are
 * introduced to a few random nodes already present (like the signaling server); the core asks for
 * links, which open after a few link latencies; every message goes through the memory transport
 * and the network model (latency, loss, bandwidth, crash, partition); each node ticks when it says
 * it next needs to. Nothing reads the wall clock or Math.random: a seed gives one run, exactly.
 *
 * No Node-only APIs here: the playground runs this in the page.
 */
export class Simulation {
  readonly config: Readonly<SimulationConfig>;
  readonly size: number;
  readonly ids: readonly PeerId[];
  readonly network: Network;
  readonly transport: MemoryTransport;
  readonly periodMs: number;
  /** Virtual time, ms. */
  now = 0;
  readonly counters: SimCounters = {
    sent: 0,
    payloads: 0,
    sentByType: zeroByType(),
    delivered: 0,
    dropped: { crashed: 0, partition: 0, loss: 0, 'no-link': 0, closed: 0 },
    bytes: 0,
    events: 0,
  };
  /** One line per processed event when `trace` is on. */
  readonly trace: string[] = [];
  /** Called with every event a node emits (after the simulator's own handling). */
  onNodeEvent: ((node: number, event: NodeEvent) => void) | null = null;

  private readonly nodeList: Array<GossipNode | undefined>;
  private readonly index = new Map<PeerId, number>();
  private readonly crashed: Uint8Array;
  private readonly tickEvents: Array<{ readonly kind: 'tick'; readonly node: number }>;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly random: () => number;
  private readonly pendingLinks = new Set<number>();
  private readonly nodeOptions: OptionsInput;
  private readonly introductions: number;
  private readonly connectLatencies: number;
  private readonly connectFailMs: number;
  private readonly reintroduceAfterMs: number;
  /** Active view size of each node, from its 'view' events. */
  private readonly degrees: Uint16Array;
  /** Since when each node has had at least one link (NaN: none now). */
  private readonly linkedSince: Float64Array;
  /** Since which tick each node has been seen without a lasting link (NaN: it had one at its last tick). */
  private readonly aloneSince: Float64Array;
  /** Bootstrap introductions handed out after joining ('lonely' or the watchdog). */
  reintroductions = 0;
  private joinedCount = 0;
  private crashedCount = 0;
  private watched: RumorId | null = null;
  private informedAt: Float64Array;
  private informedLive = 0;
  private informedAll = 0;
  private lastInformedAt = NaN;

  constructor(config: SimulationConfig) {
    if (!Number.isSafeInteger(config.nodes) || config.nodes < 1) throw new RangeError(`nodes must be a positive integer, got ${config.nodes}`);
    if (!Number.isFinite(config.seed)) throw new RangeError(`seed must be a finite number, got ${config.seed}`);
    this.config = config;
    this.size = config.nodes;
    this.nodeOptions = { shareTopology: false, ...config.node };
    // Validates the node options once, with a clear message, before any node exists.
    const probe = new GossipNode('probe' as PeerId, seededEnv(0, () => 0), this.nodeOptions);
    this.periodMs = probe.options.periodMs;
    this.introductions = positiveInt('introductions', config.introductions ?? 4);
    this.connectLatencies = nonNegative('connectLatencies', config.connectLatencies ?? 3);
    this.connectFailMs = nonNegative('connectFailMs', config.connectFailMs ?? 5000);
    this.reintroduceAfterMs = nonNegative('reintroduceAfterMs', config.reintroduceAfterMs ?? 5000);
    const joinWindowMs = nonNegative('joinWindowMs', config.joinWindowMs ?? 2 * this.periodMs);

    this.network = new Network(config.network ?? {}, seededRandom(deriveSeed(config.seed, 'network')));
    this.transport = new MemoryTransport({
      encoding: config.encoding ?? 'object',
      measureBytes: this.network.config.bandwidthBytesPerMs !== null,
    });
    this.random = seededRandom(deriveSeed(config.seed, 'scenario'));

    const ids: PeerId[] = [];
    this.nodeList = new Array<GossipNode | undefined>(this.size);
    this.tickEvents = [];
    for (let i = 0; i < this.size; i++) {
      const id = `n${i}` as PeerId;
      ids.push(id);
      this.index.set(id, i);
      this.tickEvents.push({ kind: 'tick', node: i });
      this.queue.push(this.size > 1 ? (joinWindowMs * i) / (this.size - 1) : 0, { kind: 'join', node: i });
    }
    this.ids = ids;
    this.crashed = new Uint8Array(this.size);
    this.degrees = new Uint16Array(this.size);
    this.aloneSince = new Float64Array(this.size).fill(NaN);
    this.linkedSince = new Float64Array(this.size).fill(NaN);
    this.informedAt = new Float64Array(this.size).fill(NaN);
  }

  // ---- driving ------------------------------------------------------------------------------

  /** Processes every event due up to `untilMs` (inclusive), then sets the clock there. */
  run(untilMs: number): void {
    const queue = this.queue;
    for (;;) {
      const next = queue.peekTime();
      if (next === undefined || next > untilMs) break;
      const event = queue.pop() as SimEvent;
      this.now = queue.lastTime;
      this.counters.events++;
      this.dispatch(event);
    }
    if (untilMs > this.now) this.now = untilMs;
  }

  /** Runs `fn` at virtual time `timeMs` (in event order with everything else due then). */
  at(timeMs: number, fn: () => void): void {
    this.queue.push(Math.max(timeMs, this.now), { kind: 'call', fn });
  }

  get pendingEvents(): number {
    return this.queue.size;
  }

  // ---- nodes --------------------------------------------------------------------------------

  /** The node with this index (it must have joined). */
  node(i: number): GossipNode {
    const node = this.nodeList[i];
    if (node === undefined) throw new RangeError(`node ${i} has not joined (yet)`);
    return node;
  }

  indexOf(id: PeerId): number | undefined {
    return this.index.get(id);
  }

  hasJoined(i: number): boolean {
    return this.nodeList[i] !== undefined;
  }

  isAlive(i: number): boolean {
    return this.nodeList[i] !== undefined && this.crashed[i] === 0;
  }

  get joined(): number {
    return this.joinedCount;
  }

  /** Joined and not crashed. */
  get live(): number {
    return this.joinedCount - this.crashedCount;
  }

  liveIndices(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) if (this.isAlive(i)) out.push(i);
    return out;
  }

  /** Calls a local operation on a node (publish, add...) and carries out what it asks for. */
  act<T>(i: number, fn: (node: GossipNode) => T): T {
    if (!this.isAlive(i)) throw new RangeError(`node ${i} is not alive`);
    const result = fn(this.node(i));
    this.flush(i);
    return result;
  }

  /** The node stops dead: no more ticks, sends or receipts. Its neighbours find out by silence. */
  crash(i: number): void {
    if (this.crashed[i] === 1) return;
    this.crashed[i] = 1;
    if (this.nodeList[i] !== undefined) this.crashedCount++;
    this.network.crash(this.ids[i] as PeerId);
    if (this.watched !== null && !Number.isNaN(this.informedAt[i] as number)) this.informedLive--;
  }

  /** Crashes `round(fraction * live)` random live nodes (never those in `spare`); returns them. */
  crashFraction(fraction: number, spare: readonly number[] = []): number[] {
    if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`crash fraction must be in [0, 1], got ${fraction}`);
    const candidates = this.liveIndices().filter((i) => !spare.includes(i));
    const count = Math.min(candidates.length, Math.round(fraction * this.live));
    const picked = distinctInts(this.random, candidates.length, count).map((k) => candidates[k] as number);
    for (const i of picked) this.crash(i);
    return picked;
  }

  /** Messages between groups are dropped until `heal()`; nodes not listed form one more group. */
  partition(groups: ReadonlyArray<readonly number[]>): void {
    this.network.partition(groups.map((g) => g.map((i) => this.ids[i] as PeerId)));
  }

  heal(): void {
    this.network.heal();
  }

  /** A random live node, from the scenario's random stream. */
  randomLiveNode(): number {
    if (this.live === 0) throw new RangeError('no live node');
    for (;;) {
      const i = Math.floor(this.random() * this.size);
      if (this.isAlive(i)) return i;
    }
  }

  /** The scenario's random stream (for tests that pick nodes or amounts). */
  scenarioRandom(): number {
    return this.random();
  }

  /** Active view size of node i (as of its last 'view' event). */
  degree(i: number): number {
    return this.degrees[i] as number;
  }

  /** Mean number of open links (active view size) over live nodes. */
  meanDegree(): number {
    let sum = 0;
    let count = 0;
    for (let i = 0; i < this.size; i++) {
      if (!this.isAlive(i)) continue;
      sum += this.degrees[i] as number;
      count++;
    }
    return count === 0 ? 0 : sum / count;
  }

  /** Live nodes with no open link. */
  isolated(): number {
    let count = 0;
    for (let i = 0; i < this.size; i++) if (this.isAlive(i) && this.degrees[i] === 0) count++;
    return count;
  }

  // ---- rumor tracking -----------------------------------------------------------------------

  /** Publishes a rumor at node `i` and tracks who gets it (one tracked rumor at a time). */
  publish(i: number, payload: string): RumorId {
    if (!this.isAlive(i)) throw new RangeError(`node ${i} is not alive`);
    const node = this.node(i);
    this.informedAt.fill(NaN);
    this.informedLive = 0;
    this.informedAll = 0;
    this.lastInformedAt = NaN;
    const rumor = node.publish(payload);
    this.watched = rumorId(rumor.origin, rumor.seq);
    this.flush(i);
    return this.watched;
  }

  /** Live nodes that have the tracked rumor. */
  get informed(): number {
    return this.informedLive;
  }

  /** Nodes that got the tracked rumor, crashed ones included. */
  get informedTotal(): number {
    return this.informedAll;
  }

  /** When the tracked rumor first reached each node (NaN: not yet). */
  informedTimes(): Float64Array {
    return this.informedAt;
  }

  /** Time the tracked rumor reached its latest new node. */
  get lastInformedTime(): number {
    return this.lastInformedAt;
  }

  // ---- internals ----------------------------------------------------------------------------

  private dispatch(event: SimEvent): void {
    switch (event.kind) {
      case 'packet':
        this.deliver(event);
        return;
      case 'tick':
        this.tick(event.node);
        return;
      case 'join':
        this.join(event.node);
        return;
      case 'link-up':
        this.linkUp(event.a, event.b);
        return;
      case 'link-fail':
        this.linkFail(event.a, event.b);
        return;
      case 'link-down':
        this.linkDown(event.node, event.peer);
        return;
      case 'call':
        if (this.config.trace) this.trace.push(`${this.now} call`);
        event.fn();
        return;
    }
  }

  private join(i: number): void {
    const id = this.ids[i] as PeerId;
    const node = new GossipNode(id, seededEnv(deriveSeed(this.config.seed, 'node', i), () => this.now), this.nodeOptions);
    this.nodeList[i] = node;
    this.joinedCount++;
    if (this.crashed[i] === 1) {
      this.crashedCount++;
      return;
    }
    if (this.config.trace) this.trace.push(`${this.now} join ${i}`);
    node.introduce(this.pickIntroductions(i));
    node.tick(this.now);
    this.flush(i);
    this.queue.push(node.nextTickAt(), this.tickEvents[i] as SimEvent);
  }

  private tick(i: number): void {
    if (this.crashed[i] === 1) return;
    const node = this.nodeList[i] as GossipNode;
    if (this.config.trace) this.trace.push(`${this.now} tick ${i}`);
    node.tick(this.now);
    this.flush(i);
    if (this.reintroduceAfterMs > 0) {
      // Driver watchdog (see reintroduceAfterMs), checked at ticks. A link that a full peer opens and
      // refuses within a latency is not a link: the node counts as linked once it has kept at least
      // one link for a second.
      if (this.now - (this.linkedSince[i] as number) >= 1000) this.aloneSince[i] = NaN;
      else if (Number.isNaN(this.aloneSince[i] as number)) this.aloneSince[i] = this.now;
      else if (this.now - (this.aloneSince[i] as number) >= this.reintroduceAfterMs) {
        this.aloneSince[i] = this.now;
        this.reintroduce(i);
      }
    }
    this.queue.push(node.nextTickAt(), this.tickEvents[i] as SimEvent);
  }

  private reintroduce(i: number): void {
    this.reintroductions++;
    if (this.config.trace) this.trace.push(`${this.now} reintroduce ${i}`);
    (this.nodeList[i] as GossipNode).introduce(this.pickIntroductions(i));
  }

  private deliver(packet: Packet): void {
    const to = this.index.get(packet.to) as number;
    if (this.crashed[to] === 1) {
      this.counters.dropped.crashed++;
      return;
    }
    if (!this.transport.isOpen(packet.from, packet.to)) {
      this.counters.dropped.closed++;
      return;
    }
    if (this.config.trace) this.trace.push(`${this.now} ${packet.from}>${packet.to} ${packet.type}`);
    this.counters.delivered++;
    (this.nodeList[to] as GossipNode).receive(packet.from, packet.data);
    this.flush(to);
  }

  /** Carries out a node's actions and looks at its events. */
  private flush(i: number): void {
    const node = this.nodeList[i] as GossipNode;
    const { actions, events } = node.drain();
    for (const action of actions) {
      switch (action.type) {
        case 'send':
          this.send(i, action.to, action.message);
          break;
        case 'connect':
          this.requestLink(i, action.peer);
          break;
        case 'disconnect':
          this.closeLink(i, action.peer);
          break;
      }
    }
    for (const event of events) {
      if (event.type === 'rumor') this.onRumor(i, event.rumor.origin, event.rumor.seq);
      else if (event.type === 'view') {
        const degree = event.active.length;
        this.degrees[i] = degree;
        if (degree === 0) this.linkedSince[i] = NaN;
        else if (Number.isNaN(this.linkedSince[i] as number)) this.linkedSince[i] = this.now;
      }
      else if (event.type === 'lonely') this.reintroduce(i);
      if (this.onNodeEvent !== null) this.onNodeEvent(i, event);
    }
  }

  private send(i: number, to: PeerId, message: Message): void {
    const counters = this.counters;
    counters.sent++;
    counters.sentByType[message.t]++;
    if (message.t === 'push' || message.t === 'pull') counters.payloads += message.rumors.length;
    const from = this.ids[i] as PeerId;
    const packet = this.transport.send(from, to, message);
    if (packet === null) {
      counters.dropped['no-link']++;
      return;
    }
    counters.bytes += packet.bytes;
    const arrival = this.network.transmit(from, to, packet.bytes, this.now);
    if (typeof arrival === 'string') {
      counters.dropped[arrival]++;
      return;
    }
    this.queue.push(arrival, packet);
  }

  private requestLink(a: number, peer: PeerId): void {
    const b = this.index.get(peer);
    if (b === undefined || b === a) {
      // Not a node of this simulation: the link can never open.
      this.at(this.now + this.connectFailMs, () => {
        if (this.isAlive(a)) {
          this.node(a).disconnected(peer);
          this.flush(a);
        }
      });
      return;
    }
    const key = a * this.size + b;
    if (this.pendingLinks.has(key)) return;
    this.pendingLinks.add(key);
    const from = this.ids[a] as PeerId;
    if (this.isAlive(b) && this.network.reachable(from, peer)) {
      this.queue.push(this.now + this.connectLatencies * this.network.latencyOf(from, peer), { kind: 'link-up', a, b });
    } else {
      this.queue.push(this.now + this.connectFailMs, { kind: 'link-fail', a, b });
    }
  }

  private linkUp(a: number, b: number): void {
    const key = a * this.size + b;
    if (!this.pendingLinks.delete(key)) return; // the requester gave up meanwhile
    if (this.crashed[a] === 1) return;
    const idA = this.ids[a] as PeerId;
    const idB = this.ids[b] as PeerId;
    if (!this.isAlive(b) || !this.network.reachable(idA, idB)) {
      this.failLink(a, b);
      return;
    }
    if (this.config.trace) this.trace.push(`${this.now} link-up ${a} ${b}`);
    const nodeA = this.nodeList[a] as GossipNode;
    if (!this.transport.open(idA, idB)) {
      // Already linked (the other side asked too): the requester just hears it is up.
      nodeA.connected(idB);
      this.flush(a);
      return;
    }
    nodeA.connected(idB);
    (this.nodeList[b] as GossipNode).connected(idA);
    this.flush(a);
    this.flush(b);
  }

  private linkFail(a: number, b: number): void {
    if (!this.pendingLinks.delete(a * this.size + b)) return;
    if (this.crashed[a] === 1) return;
    this.failLink(a, b);
  }

  private failLink(a: number, b: number): void {
    if (this.config.trace) this.trace.push(`${this.now} link-fail ${a} ${b}`);
    (this.nodeList[a] as GossipNode).disconnected(this.ids[b] as PeerId);
    this.flush(a);
  }

  private closeLink(a: number, peer: PeerId): void {
    const b = this.index.get(peer);
    if (b === undefined) return;
    this.pendingLinks.delete(a * this.size + b);
    const idA = this.ids[a] as PeerId;
    if (!this.transport.close(idA, peer)) return;
    const latency = this.network.latencyOf(idA, peer);
    this.network.forget(idA, peer);
    // The other end notices the data channel closing one latency later.
    this.queue.push(this.now + latency, { kind: 'link-down', node: b, peer: a });
  }

  private linkDown(i: number, peer: number): void {
    if (this.crashed[i] === 1) return;
    const idPeer = this.ids[peer] as PeerId;
    // A newer link between the two opened meanwhile: this close is stale.
    if (this.transport.isOpen(this.ids[i] as PeerId, idPeer)) return;
    if (this.config.trace) this.trace.push(`${this.now} link-down ${i} ${peer}`);
    (this.nodeList[i] as GossipNode).disconnected(idPeer);
    this.flush(i);
  }

  /** Like the signaling server: a few random live members already present, never the full list. */
  private pickIntroductions(i: number): PeerId[] {
    const peers: PeerId[] = [];
    const present = this.joinedCount;
    const wanted = Math.min(this.introductions, this.live - (this.crashed[i] === 1 ? 0 : 1));
    if (wanted <= 0) return peers;
    if (present <= 4 * this.introductions) {
      // Few nodes: pick among the live ones exactly.
      const live: number[] = [];
      for (let j = 0; j < present; j++) if (j !== i && this.crashed[j] === 0 && this.nodeList[j] !== undefined) live.push(j);
      for (const k of distinctInts(this.random, live.length, wanted)) peers.push(this.ids[live[k] as number] as PeerId);
      return peers;
    }
    const picked: number[] = [];
    for (let tries = 0; picked.length < wanted && tries < 100 * wanted; tries++) {
      const j = Math.floor(this.random() * present);
      if (j === i || this.crashed[j] === 1 || this.nodeList[j] === undefined || picked.includes(j)) continue;
      picked.push(j);
    }
    for (const j of picked) peers.push(this.ids[j] as PeerId);
    return peers;
  }

  private onRumor(i: number, origin: PeerId, seq: number): void {
    if (this.watched === null || !Number.isNaN(this.informedAt[i] as number)) return;
    if (rumorId(origin, seq) !== this.watched) return;
    this.informedAt[i] = this.now;
    this.informedAll++;
    if (this.crashed[i] === 0) this.informedLive++;
    this.lastInformedAt = this.now;
  }
}

function positiveInt(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  return value;
}

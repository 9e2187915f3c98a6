import { seededEnv, seededRandom } from '../core/env.ts';
import { rumorId, type PeerId, type RumorId } from '../core/ids.ts';
import { GossipNode } from '../core/node.ts';
import type { OptionsInput } from '../core/options.ts';
import type { NodeEvent } from '../core/outbox.ts';
import type { Message } from '../core/wire.ts';
import { MemoryTransport, type Packet } from '../transport/memory.ts';
import { Bootstrap } from './bootstrap.ts';
import { createCounters, type SimCounters } from './counters.ts';
import { EventQueue } from './event-queue.ts';
import { Links, type LinkEvent, type LinkHost } from './links.ts';
import { Network } from './network.ts';
import { deriveSeed, distinctInts } from './random.ts';
import { RumorTracker } from './rumor-tracker.ts';
import { resolveSimulationConfig, type SimulationConfig } from './simulation-config.ts';

export type { SimCounters, SimDropReason } from './counters.ts';
export type { SimulationConfig } from './simulation-config.ts';

type SimEvent =
  | Packet
  | LinkEvent
  | { readonly kind: 'tick'; readonly node: number }
  | { readonly kind: 'join'; readonly node: number }
  | { readonly kind: 'call'; readonly fn: () => void };

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
  readonly counters: SimCounters = createCounters();
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
  private readonly nodeOptions: OptionsInput;
  private readonly links: Links;
  private readonly bootstrap: Bootstrap;
  private readonly tracker: RumorTracker;
  /** Active view size of each node, from its 'view' events. */
  private readonly degrees: Uint16Array;
  private joinedCount = 0;
  private crashedCount = 0;

  constructor(config: SimulationConfig) {
    const resolved = resolveSimulationConfig(config);
    this.config = config;
    this.size = config.nodes;
    this.nodeOptions = resolved.nodeOptions;
    this.periodMs = resolved.periodMs;
    const { introductions, connectLatencies, connectFailMs, reintroduceAfterMs, joinWindowMs } = resolved;

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
    this.tracker = new RumorTracker(this.size);
    this.bootstrap = new Bootstrap(this, { introductions, reintroduceAfterMs }, this.random);
    this.links = new Links(this.linkHost(), { connectLatencies, connectFailMs });
  }

  /** The simulation as the link model sees it (private parts included, without making them public). */
  private linkHost(): LinkHost {
    const now = () => this.now;
    return {
      get now() {
        return now();
      },
      ids: this.ids,
      network: this.network,
      transport: this.transport,
      trace: this.config.trace === true ? this.trace : null,
      indexOf: (id) => this.index.get(id),
      isAlive: (i) => this.isAlive(i),
      node: (i) => this.nodeList[i] as GossipNode,
      flush: (i) => this.flush(i),
      schedule: (timeMs, event) => this.queue.push(timeMs, event),
      at: (timeMs, fn) => this.at(timeMs, fn),
    };
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
    this.tracker.crashed(i);
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
    const rumor = this.node(i).publish(payload);
    const id = rumorId(rumor.origin, rumor.seq);
    this.tracker.watch(id);
    // The publisher's own 'rumor' event is still in its outbox: flushing it counts the publisher.
    this.flush(i);
    return id;
  }

  /** Live nodes that have the tracked rumor. */
  get informed(): number {
    return this.tracker.informed;
  }

  /** Nodes that got the tracked rumor, crashed ones included. */
  get informedTotal(): number {
    return this.tracker.informedTotal;
  }

  /** When the tracked rumor first reached each node (NaN: not yet). */
  informedTimes(): Float64Array {
    return this.tracker.times;
  }

  /** Time the tracked rumor reached its latest new node. */
  get lastInformedTime(): number {
    return this.tracker.lastInformedTime;
  }

  /** Bootstrap introductions handed out after joining ('lonely' or the watchdog). */
  get reintroductions(): number {
    return this.bootstrap.reintroductions;
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
      case 'link-fail':
      case 'link-down':
        this.links.handle(event);
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
    node.introduce(this.bootstrap.introductionsFor(i));
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
    if (this.bootstrap.watchdogDue(i, this.now)) this.reintroduce(i);
    this.queue.push(node.nextTickAt(), this.tickEvents[i] as SimEvent);
  }

  private reintroduce(i: number): void {
    if (this.config.trace) this.trace.push(`${this.now} reintroduce ${i}`);
    (this.nodeList[i] as GossipNode).introduce(this.bootstrap.reintroduce(i));
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
          this.links.request(i, action.peer);
          break;
        case 'disconnect':
          this.links.close(i, action.peer);
          break;
      }
    }
    for (const event of events) {
      if (event.type === 'rumor') this.tracker.delivered(i, event.rumor.origin, event.rumor.seq, this.now, this.crashed[i] === 0);
      else if (event.type === 'view') {
        this.degrees[i] = event.active.length;
        this.bootstrap.degreeChanged(i, event.active.length, this.now);
      } else if (event.type === 'lonely') this.reintroduce(i);
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
}

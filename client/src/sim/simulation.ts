import { seededRandom } from '../core/env.ts';
import { rumorId, type PeerId, type RumorId } from '../core/ids.ts';
import type { GossipNode } from '../core/node.ts';
import type { OptionsInput } from '../core/options.ts';
import type { NodeEvent } from '../core/outbox.ts';
import { MessageCounts } from '../runtime/counts.ts';
import type { Ports } from '../runtime/ports.ts';
import { Runtime } from '../runtime/runtime.ts';
import { MemoryTransport, type Packet } from '../transport/memory.ts';
import { Bootstrap } from './bootstrap.ts';
import { createCounters, type SimCounters } from './counters.ts';
import { Degrees } from './degrees.ts';
import { EventQueue } from './event-queue.ts';
import { Links, type LinkEvent, type LinkHost } from './links.ts';
import { Network } from './network.ts';
import { Packets } from './packets.ts';
import { deriveSeed, distinctInts } from './random.ts';
import { RumorTracker, type TrackedRumor } from './rumor-tracker.ts';
import { VirtualTimers, type TimerEvent } from './virtual-clock.ts';
import { resolveSimulationConfig, type SimulationConfig } from './simulation-config.ts';

export type { SimCounters, SimDropReason } from './counters.ts';
export type { SimulationConfig } from './simulation-config.ts';

type SimEvent = Packet | LinkEvent | TimerEvent | { readonly kind: 'join'; readonly node: number } | { readonly kind: 'call'; readonly fn: () => void };

/**
 * A discrete-event network of GossipNodes on a virtual clock, each in its own Runtime
 * (runtime/runtime.ts) whose ports are this simulation: the clock is the event queue, the links
 * are the memory transport and the network model (latency, loss, bandwidth, crash, partition),
 * the bootstrap service hands out a few random nodes already present (like the signaling server).
 * In-process messages take admission's trusted path (no decode, no verify) unless `encoding` is
 * 'json'. Nothing reads the wall clock or Math.random: a seed gives one run, exactly.
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
  /** The runtime's one message count, shared by every node. */
  readonly messages = new MessageCounts();
  readonly counters: SimCounters = createCounters(this.messages);
  /** One line per processed event when `trace` is on. */
  readonly trace: string[] = [];
  /** Called with every event a node emits (after the simulator's own handling). */
  onNodeEvent: ((node: number, event: NodeEvent) => void) | null = null;

  private readonly runtimes: Array<Runtime | undefined>;
  private readonly index = new Map<PeerId, number>();
  private readonly crashed: Uint8Array;
  /** Times each node was restarted after a crash (churn). */
  private readonly restarts: Uint16Array;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly timers: VirtualTimers<SimEvent>;
  private readonly random: () => number;
  private readonly nodeOptions: OptionsInput;
  private readonly links: Links;
  private readonly packets: Packets;
  private readonly bootstrap: Bootstrap;
  private readonly tracker: RumorTracker;
  /** Active view size of each node, from its 'view' events. */
  private readonly degrees: Degrees;
  private readonly clockNow = (): number => this.now;
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
    this.runtimes = new Array<Runtime | undefined>(this.size);
    for (let i = 0; i < this.size; i++) {
      const id = `n${i}` as PeerId;
      ids.push(id);
      this.index.set(id, i);
      this.queue.push(this.size > 1 ? (joinWindowMs * i) / (this.size - 1) : 0, { kind: 'join', node: i });
    }
    this.ids = ids;
    this.crashed = new Uint8Array(this.size);
    this.restarts = new Uint16Array(this.size);
    this.timers = new VirtualTimers(this.queue, this.size);
    this.degrees = new Degrees(this.size);
    this.tracker = new RumorTracker(this.size);
    this.bootstrap = new Bootstrap(this, { introductions, reintroduceAfterMs }, this.random);
    this.links = new Links(this.linkHost(), { connectLatencies, connectFailMs });
    this.packets = new Packets({
      ids: this.ids,
      index: this.index,
      network: this.network,
      transport: this.transport,
      counters: this.counters,
      crashed: this.crashed,
      runtimes: this.runtimes,
      trace: this.config.trace === true ? this.trace : null,
      now: this.clockNow,
      schedule: (timeMs, packet) => this.queue.push(timeMs, packet),
    });
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
      runtime: (i) => this.runtimes[i] as Runtime,
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
    return this.runtime(i).node;
  }

  runtime(i: number): Runtime {
    const runtime = this.runtimes[i];
    if (runtime === undefined) throw new RangeError(`node ${i} has not joined (yet)`);
    return runtime;
  }

  indexOf(id: PeerId): number | undefined {
    return this.index.get(id);
  }

  hasJoined(i: number): boolean {
    return this.runtimes[i] !== undefined;
  }

  isAlive(i: number): boolean {
    return this.runtimes[i] !== undefined && this.crashed[i] === 0;
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
    return this.runtime(i).act(fn);
  }

  /** The node stops dead: no more ticks, sends or receipts. Its neighbours find out by silence. */
  crash(i: number): void {
    if (this.crashed[i] === 1) return;
    this.crashed[i] = 1;
    const runtime = this.runtimes[i];
    if (runtime !== undefined) {
      this.crashedCount++;
      runtime.stop();
    }
    this.network.crash(i);
    this.tracker.crashed(i);
  }

  /**
   * A crashed node comes back as a fresh process (churn): same id, empty state, its old links gone
   * (each former neighbour hears the close one latency later), introduced by the bootstrap service.
   */
  restart(i: number): void {
    if (this.crashed[i] !== 1 || this.runtimes[i] === undefined) throw new RangeError(`node ${i} is not a crashed node that had joined`);
    for (const peer of this.transport.neighbors(i)) this.links.close(i, this.ids[peer] as PeerId);
    this.crashed[i] = 0;
    this.crashedCount--;
    this.network.restore(i);
    this.tracker.restarted(i);
    this.restarts[i] = (this.restarts[i] as number) + 1;
    const runtime = this.startRuntime(i);
    this.degrees.set(i, 0);
    if (this.config.trace) this.trace.push(`${this.now} restart ${i}`);
    runtime.introduce(this.bootstrap.introductionsFor(i));
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
    this.network.partition(groups);
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
    return this.degrees.get(i);
  }

  /** Mean number of open links (active view size) over live nodes. */
  meanDegree(): number {
    return this.degrees.mean((i) => this.isAlive(i));
  }

  /** Live nodes with no open link. */
  isolated(): number {
    return this.degrees.isolated((i) => this.isAlive(i));
  }

  // ---- rumor tracking -----------------------------------------------------------------------

  /** Publishes a rumor at node `i` and tracks who gets it (one tracked rumor at a time). */
  publish(i: number, payload: string): RumorId {
    if (!this.isAlive(i)) throw new RangeError(`node ${i} is not alive`);
    const runtime = this.runtime(i);
    // Watched before the runtime hands out the publisher's own 'rumor' event, so it counts.
    const rumor = runtime.node.publish(payload);
    const id = rumorId(rumor.origin, rumor.seq);
    this.tracker.watch(id);
    runtime.flush();
    return id;
  }

  /** Live nodes that have the tracked rumor. */
  get informed(): number {
    return this.tracker.informed;
  }

  /** The tracked rumor's spread: who got it when (crashed nodes included), its last delivery hop. */
  get tracked(): TrackedRumor {
    return this.tracker;
  }

  /** Bootstrap introductions handed out after joining ('lonely' or the watchdog). */
  get reintroductions(): number {
    return this.bootstrap.reintroductions;
  }

  // ---- internals ----------------------------------------------------------------------------

  private dispatch(event: SimEvent): void {
    switch (event.kind) {
      case 'packet':
        this.packets.deliver(event);
        return;
      case 'timer':
        if (this.crashed[event.node] === 1 || !this.timers.isCurrent(event)) return;
        if (this.config.trace) this.trace.push(`${this.now} tick ${event.node}`);
        this.timers.fire(event);
        if (this.isAlive(event.node) && this.bootstrap.watchdogDue(event.node, this.now)) this.reintroduce(event.node);
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
    const runtime = this.startRuntime(i);
    this.joinedCount++;
    if (this.crashed[i] === 1) {
      this.crashedCount++;
      runtime.stop();
      return;
    }
    if (this.config.trace) this.trace.push(`${this.now} join ${i}`);
    runtime.introduce(this.bootstrap.introductionsFor(i));
  }

  private startRuntime(i: number): Runtime {
    const runtime = new Runtime({ id: this.ids[i] as PeerId, node: this.nodeOptions, counts: this.messages }, this.portsFor(i));
    this.runtimes[i] = runtime;
    return runtime;
  }

  /** Node i's place: this simulation's clock, links, bootstrap service and measurements. */
  private portsFor(i: number): Ports {
    return {
      clock: this.timers.clock(i, this.clockNow),
      // A restarted node draws a fresh stream (the first life keeps the stream it always had).
      random: seededRandom(this.restarts[i] === 0 ? deriveSeed(this.config.seed, 'node', i) : deriveSeed(this.config.seed, 'node', i, this.restarts[i] as number)),
      links: {
        send: (to, message) => this.packets.send(i, to, message),
        connect: (peer) => this.links.request(i, peer),
        disconnect: (peer) => this.links.close(i, peer),
      },
      bootstrap: { introductions: () => this.bootstrap.reintroduce(i) },
      observer: { event: (event) => this.observe(i, event) },
    };
  }

  private reintroduce(i: number): void {
    if (this.config.trace) this.trace.push(`${this.now} reintroduce ${i}`);
    this.runtime(i).introduce(this.bootstrap.reintroduce(i));
  }

  private observe(i: number, event: NodeEvent): void {
    if (event.type === 'rumor') this.tracker.delivered(i, event.rumor.origin, event.rumor.seq, this.now, this.crashed[i] === 0, event.rumor.hops);
    else if (event.type === 'view') {
      this.degrees.set(i, event.active.length);
      this.bootstrap.degreeChanged(i, event.active.length, this.now);
    }
    if (this.onNodeEvent !== null) this.onNodeEvent(i, event);
  }
}

import { seededRandom } from '../core/env.ts';
import type { PeerId } from '../core/ids.ts';
import type { GossipNode } from '../core/node.ts';
import type { OptionsInput } from '../core/options.ts';
import type { Ports } from '../runtime/ports.ts';
import { Runtime } from '../runtime/runtime.ts';
import { encode, utf8Length, type Message, type MessageOf, type Rumor } from '../core/wire.ts';
import { EventQueue } from '../sim/event-queue.ts';
import { VirtualTimers, type TimerEvent } from '../sim/virtual-clock.ts';
import { deriveSeed } from '../sim/random.ts';
import type { GossipMode, PlaygroundConfig } from './config.ts';
import { linkLatencyMs, shuffled, type Overlay } from './topology.ts';
import { Uplinks } from './uplink.ts';

/** The node that publishes the rumor, in both runs. */
export const ORIGIN = 0;

/** naive: the origin sends the rumor straight to every other node; otherwise a core gossip mode. */
export type RunKind = 'naive' | GossipMode;

/** A message on the wire, for drawing: it leaves `from` at `departAt` and reaches `to` at `arriveAt`. */
export interface Flight {
  readonly from: number;
  readonly to: number;
  readonly departAt: number;
  readonly arriveAt: number;
  /** Carries the rumor (as opposed to digests, pings, state). */
  readonly payload: boolean;
  /** Lost on the way: it never arrives. */
  readonly lost: boolean;
}

export interface RunStats {
  /** Messages handed to an uplink (whether or not they arrived). */
  messages: number;
  /** Those that carried the rumor. */
  payloadMessages: number;
  bytes: number;
  lost: number;
  /** Still queued in the origin's uplink when it crashed (counted at the crash), or sent to the crashed origin. */
  droppedByCrash: number;
  delivered: number;
  events: number;
}

export interface RunOptions {
  /** Virtual time at which the origin crashes; null: never. */
  crashAtMs: number | null;
  /** The run stops here if it has not finished before. */
  horizonMs: number;
  /** Keep the messages in flight for drawing (small networks). */
  trackFlights: boolean;
}

type RunEvent =
  | TimerEvent
  | { readonly k: 'message'; readonly from: number; readonly to: number; readonly message: Message; readonly departAt: number; readonly payload: boolean }
  /** A link request is turned down (the overlay is fixed); `node` hears it failed. */
  | { readonly k: 'refused'; readonly node: number; readonly peer: number }
  /** `peer` closed its link to `node`. */
  | { readonly k: 'closed'; readonly node: number; readonly peer: number }
  | { readonly k: 'crash' };

const MAX_MS = 86_400_000;

/** Core options for the gossip nodes: the overlay is fixed, so the core keeps every link it is given. */
export function gossipOptions(config: PlaygroundConfig): OptionsInput {
  const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, Math.round(value)));
  return {
    mode: config.mode,
    periodMs: config.periodMs,
    fanout: clamp(config.fanout, 1, 64),
    // Never ask for links (only when left with none) and accept every link the overlay gives.
    activeViewSize: 1,
    maxActiveViewSize: 128,
    shufflePeriodMs: 3_600_000,
    shareTopology: false,
    aggregatePeriodMs: 0,
    // The core's default ratios to the period (3 s anti-entropy and 30 s hot at 1 s periods).
    antiEntropyPeriodMs: clamp(3 * config.periodMs, 10, 3_600_000),
    hotForMs: clamp(30 * config.periodMs, 10, MAX_MS),
    rumorRetentionMs: MAX_MS,
  };
}

/** The rumor's payload text, `payloadBytes` long. */
export function rumorPayload(payloadBytes: number): string {
  const head = 'rumor from n0 ';
  return payloadBytes <= head.length ? head.slice(0, payloadBytes) : head + '.'.repeat(payloadBytes - head.length);
}

/** The message naive broadcast sends to each node: the core's push, with the rumor. */
export function naiveMessage(rumor: Rumor): MessageOf<'push'> {
  return { t: 'push', rumors: [rumor], seen: [], wantFeedback: false };
}

export function messageBytes(message: Message): number {
  return utf8Length(encode(message));
}

/**
 * One run on the playground's network: N core GossipNodes, each in a Runtime whose ports are this
 * run (a virtual clock, uplinks and latencies, a fixed overlay), one rumor published
 * by node 0 at time 0. In a gossip run the nodes are linked as the overlay says and gossip as their
 * mode says; in the naive run they have no links and the origin sends N-1 copies itself, in a seeded
 * random order. Every message goes through the sender's uplink (throughput), a link latency and loss.
 * Pure and deterministic: a config gives one run, in Node and in the page alike.
 */
export class PlaygroundRun {
  readonly size: number;
  /** Virtual time, ms. */
  now = 0;
  /** When each node first had the rumor (NaN: not yet). */
  readonly informedAt: Float64Array;
  /** informedTimesMs[k]: when the (k+1)-th node got the rumor (ascending; the origin at 0). */
  readonly informedTimesMs: number[] = [];
  readonly stats: RunStats = { messages: 0, payloadMessages: 0, bytes: 0, lost: 0, droppedByCrash: 0, delivered: 0, events: 0 };
  /** Messages on the wire or queued in an uplink (only with `trackFlights`). */
  flights: Flight[] = [];
  crashedAtMs: number | null = null;
  /** When every live node had the rumor (null: not, or not yet). */
  completeAtMs: number | null = null;
  /** Bytes of one naive copy (the push message with the rumor). */
  readonly rumorMessageBytes: number;

  private readonly nodes: Runtime[] = [];
  private readonly ids: PeerId[] = [];
  private readonly queue = new EventQueue<RunEvent>();
  private readonly timers: VirtualTimers<RunEvent>;
  private readonly uplinks: Uplinks;
  private finished = false;
  /** Messages on their way that will arrive (lost ones and those dying in the crashed origin's queue excluded). */
  private inFlight = 0;
  private payloadInFlight = 0;
  /** The origin's messages in departure order (its uplink is FIFO): those still queued die with it. */
  private originSends: Array<{ readonly departAt: number; readonly payload: boolean; readonly bytes: number }> = [];
  private lastEncoded: Message | null = null;
  private lastBytes = 0;

  constructor(
    readonly kind: RunKind,
    readonly config: Readonly<PlaygroundConfig>,
    readonly overlay: Overlay,
    readonly options: Readonly<RunOptions>,
  ) {
    this.size = config.nodes;
    this.timers = new VirtualTimers(this.queue, this.size);
    this.informedAt = new Float64Array(this.size).fill(NaN);
    this.uplinks = new Uplinks(this.size, config.throughputBytesPerMs, config.loss, seededRandom(deriveSeed(config.seed, 'loss', kind)));
    const nodeOptions: OptionsInput = kind === 'naive' ? { mode: 'pull', shareTopology: false, aggregatePeriodMs: 0, rumorRetentionMs: MAX_MS } : gossipOptions(config);
    for (let i = 0; i < this.size; i++) {
      const id = `n${i}` as PeerId;
      this.ids.push(id);
      this.nodes.push(new Runtime({ id, node: nodeOptions }, this.portsFor(i)));
    }
    if (options.crashAtMs !== null) this.queue.push(options.crashAtMs, { k: 'crash' });

    if (kind === 'naive') {
      const rumor = this.act(ORIGIN, (node) => node.publish(rumorPayload(config.payloadBytes)));
      const message = naiveMessage(rumor);
      this.rumorMessageBytes = messageBytes(message);
      const order = shuffled(
        Array.from({ length: this.size - 1 }, (_, k) => k + 1),
        seededRandom(deriveSeed(config.seed, 'naive-order')),
      );
      for (const to of order) this.send(ORIGIN, to, message);
    } else {
      for (let a = 0; a < this.size; a++) {
        for (const b of overlay.adjacency[a] ?? []) if (b > a) this.link(a, b);
      }
      const rumor = this.act(ORIGIN, (node) => node.publish(rumorPayload(config.payloadBytes)));
      this.rumorMessageBytes = messageBytes(naiveMessage(rumor));
      for (const runtime of this.nodes) runtime.start();
    }
    this.checkDone();
  }

  /** Nodes that ever had the rumor (a crashed origin included). */
  get informed(): number {
    return this.informedTimesMs.length;
  }

  get live(): number {
    return this.crashedAtMs === null ? this.size : this.size - 1;
  }

  /** Live nodes that have the rumor. */
  get informedLive(): number {
    const originOut = this.crashedAtMs !== null && !Number.isNaN(this.informedAt[ORIGIN] as number);
    return this.informed - (originOut ? 1 : 0);
  }

  /** Finished: everyone live informed, nothing more can happen, or the horizon reached. */
  get done(): boolean {
    return this.finished;
  }

  /** How long node i's uplink stays busy with what is already queued (naive: the origin's copies). */
  backlogMs(i: number): number {
    return this.isCrashed(i) ? 0 : this.uplinks.backlogMs(i, this.now);
  }

  isCrashed(i: number): boolean {
    return i === ORIGIN && this.crashedAtMs !== null;
  }

  /** Processes every event due up to `untilMs` (or until the run finishes), then sets the clock. */
  advanceTo(untilMs: number): void {
    const until = Math.min(untilMs, this.options.horizonMs);
    const queue = this.queue;
    while (!this.finished) {
      const next = queue.peekTime();
      if (next === undefined || next > until) break;
      const event = queue.pop() as RunEvent;
      this.now = queue.lastTime;
      this.stats.events++;
      this.dispatch(event);
      this.checkDone();
    }
    if (!this.finished && until > this.now) this.now = until;
    this.checkDone();
    if (this.options.trackFlights) this.flights = this.flights.filter((f) => (f.lost ? f.departAt + (f.arriveAt - f.departAt) / 2 : f.arriveAt) > this.now);
  }

  /** Runs until done (bounded by the horizon). */
  runToEnd(): void {
    this.advanceTo(this.options.horizonMs);
  }

  private checkDone(): void {
    if (this.finished) return;
    const noRumorCanMove = this.informedLive === 0 && this.payloadInFlight === 0;
    if (
      this.informedLive === this.live ||
      noRumorCanMove ||
      this.now >= this.options.horizonMs ||
      (this.kind === 'naive' && this.inFlight === 0)
    ) {
      this.finished = true;
    }
  }

  private dispatch(event: RunEvent): void {
    if ('kind' in event) {
      if (!this.isCrashed(event.node)) this.timers.fire(event);
      return;
    }
    switch (event.k) {
      case 'message':
        this.deliver(event);
        return;
      case 'refused':
      case 'closed':
        if (this.isCrashed(event.node)) return;
        (this.nodes[event.node] as Runtime).linkDown(this.ids[event.peer] as PeerId);
        return;
      case 'crash':
        this.crashOrigin();
        return;
    }
  }

  private crashOrigin(): void {
    this.crashedAtMs = this.now;
    (this.nodes[ORIGIN] as Runtime).stop();
    // What had not left the origin's uplink never will: count it now, and skip it when it would arrive.
    const doomed = this.originSends.filter((s) => s.departAt > this.now);
    this.originSends = [];
    this.stats.droppedByCrash += doomed.length;
    this.inFlight -= doomed.length;
    // They were counted as sent when queued: they never were.
    this.stats.messages -= doomed.length;
    for (const s of doomed) {
      this.stats.bytes -= s.bytes;
      if (s.payload) {
        this.payloadInFlight--;
        this.stats.payloadMessages--;
      }
    }
    if (this.options.trackFlights) this.flights = this.flights.filter((f) => f.from !== ORIGIN || f.departAt <= this.now);
    if (this.completeAtMs === null && this.informedLive === this.live) this.completeAtMs = this.now;
  }

  private deliver(event: Extract<RunEvent, { k: 'message' }>): void {
    const crashedAt = this.crashedAtMs;
    // Still in the origin's uplink queue when it crashed: it never left (counted at the crash).
    if (event.from === ORIGIN && crashedAt !== null && crashedAt < event.departAt) return;
    this.inFlight--;
    if (event.payload) this.payloadInFlight--;
    if (this.isCrashed(event.to)) {
      this.stats.droppedByCrash++;
      return;
    }
    this.stats.delivered++;
    (this.nodes[event.to] as Runtime).receiveTrusted(this.ids[event.from] as PeerId, event.message);
  }

  private link(a: number, b: number): void {
    (this.nodes[a] as Runtime).linkUp(this.ids[b] as PeerId);
    (this.nodes[b] as Runtime).linkUp(this.ids[a] as PeerId);
  }

  private act<T>(i: number, fn: (node: GossipNode) => T): T {
    return (this.nodes[i] as Runtime).act(fn);
  }

  /** Node i's place: the run's clock, its uplink and the fixed overlay, and the informed count. */
  private portsFor(i: number): Ports {
    return {
      clock: this.timers.clock(i, () => this.now),
      random: seededRandom(deriveSeed(this.config.seed, 'node', i)),
      links: {
        send: (to, message) => {
          const peer = indexOf(to);
          if (peer === undefined || peer >= this.size) return false;
          this.send(i, peer, message);
          return true;
        },
        // The overlay is fixed: a request for a new link fails after a round trip.
        connect: (to) => {
          const peer = indexOf(to);
          if (peer !== undefined && peer < this.size) this.queue.push(this.now + 2 * this.latency(i, peer), { k: 'refused', node: i, peer });
        },
        disconnect: (to) => {
          const peer = indexOf(to);
          if (peer !== undefined && peer < this.size && !this.isCrashed(peer)) this.queue.push(this.now + this.latency(i, peer), { k: 'closed', node: peer, peer: i });
        },
      },
      observer: { event: (event) => event.type === 'rumor' && this.markInformed(i) },
    };
  }

  private send(from: number, to: number, message: Message): void {
    if (this.lastEncoded !== message) {
      this.lastEncoded = message;
      this.lastBytes = messageBytes(message);
    }
    const bytes = this.lastBytes;
    const payload = (message.t === 'push' || message.t === 'pull') && message.rumors.length > 0;
    const stats = this.stats;
    stats.messages++;
    stats.bytes += bytes;
    if (payload) stats.payloadMessages++;
    const departAt = this.uplinks.depart(from, bytes, this.now);
    const arriveAt = departAt + this.latency(from, to);
    const lost = this.uplinks.lost();
    if (this.options.trackFlights) this.flights.push({ from, to, departAt, arriveAt, payload, lost });
    if (lost) {
      stats.lost++;
      return;
    }
    this.inFlight++;
    if (payload) this.payloadInFlight++;
    if (from === ORIGIN) {
      if (this.originSends.length > 1024 && (this.originSends[0]?.departAt ?? Infinity) <= this.now) {
        this.originSends = this.originSends.filter((s) => s.departAt > this.now);
      }
      this.originSends.push({ departAt, payload, bytes });
    }
    this.queue.push(arriveAt, { k: 'message', from, to, message, departAt, payload });
  }

  private latency(a: number, b: number): number {
    return linkLatencyMs(this.config.seed, this.config.latencyMs, a, b);
  }

  private markInformed(i: number): void {
    if (!Number.isNaN(this.informedAt[i] as number)) return;
    this.informedAt[i] = this.now;
    this.informedTimesMs.push(this.now);
    if (this.completeAtMs === null && this.informedLive === this.live) this.completeAtMs = this.now;
  }
}

function indexOf(id: PeerId): number | undefined {
  const n = Number(id.slice(1));
  return id.charCodeAt(0) === 110 /* n */ && Number.isSafeInteger(n) ? n : undefined;
}

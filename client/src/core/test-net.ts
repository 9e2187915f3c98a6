/**
 * Test support only (imported by *.test.ts, never by the core): a tiny in-memory network of
 * nodes, each in its own Runtime (runtime/runtime.ts) whose ports are a hand-driven virtual clock
 * and FIFO in-memory links. `send` actions are delivered as the message object (admission's
 * trusted path), in order; `connect` links both sides; `disconnect` unlinks both sides. Every
 * node gets a seeded random stream.
 */
import { seededRandom } from './env.ts';
import { asPeerId, type PeerId } from './ids.ts';
import type { GossipNode } from './node.ts';
import type { OptionsInput } from './options.ts';
import type { NodeEvent } from './outbox.ts';
import type { Message } from './wire.ts';
import { Runtime } from '../runtime/runtime.ts';

export type EventOf<T extends NodeEvent['type']> = Extract<NodeEvent, { type: T }>;

export class TestNet {
  now = 0;
  readonly runtimes = new Map<PeerId, Runtime>();
  /** Every action of every node, in order, as `from action`, for determinism checks. */
  readonly log: string[] = [];
  /** Messages delivered so far, with sender and receiver. */
  readonly delivered: Array<{ from: PeerId; to: PeerId; message: Message }> = [];
  /** Nodes whose messages are lost (a hung tab: the link stays open, nothing arrives). */
  readonly muted = new Set<PeerId>();
  /** Losses the test asks for: the first message matching each filter is dropped, then the filter goes. */
  readonly lose: Array<(sent: { from: PeerId; to: PeerId; message: Message }) => boolean> = [];
  /** Frozen nodes (a frozen tab): no timer fires, and what reaches them waits, in order, until `thaw`. */
  private readonly frozen = new Map<PeerId, Array<() => void>>();
  /** Throttled nodes (a background tab): timers fire at most on whole multiples of `everyMs`; messages still arrive at once. */
  private readonly throttled = new Map<PeerId, number>();
  private readonly events = new Map<PeerId, NodeEvent[]>();
  private readonly timers = new Map<PeerId, { at: number; fn: () => void }>();
  /** Timer firings per node (each a wake-up of a tab's loop): what idle work costs beyond messages. */
  readonly wakes = new Map<PeerId, number>();
  private readonly links = new Set<string>();
  private readonly queue: Array<{ from: PeerId; to: PeerId; message: Message }> = [];

  constructor(
    private readonly seed = 1,
    private readonly defaults: OptionsInput = {},
  ) {}

  get nodes(): Map<PeerId, GossipNode> {
    return new Map([...this.runtimes].map(([id, runtime]) => [id, runtime.node]));
  }

  add(name: string, options: OptionsInput = {}): GossipNode {
    const id = asPeerId(name);
    const events: NodeEvent[] = [];
    this.events.set(id, events);
    const runtime = new Runtime(
      { id, node: { ...this.defaults, ...options } },
      {
        clock: {
          now: () => this.now,
          setTimer: (at, fn) => {
            const timer = { at, fn };
            this.timers.set(id, timer);
            return () => {
              if (this.timers.get(id) === timer) this.timers.delete(id);
            };
          },
        },
        random: seededRandom(this.seed * 1000 + this.runtimes.size),
        links: {
          send: (to, message) => {
            this.log.push(`${id} send ${to} ${JSON.stringify(message)}`);
            this.queue.push({ from: id, to, message });
            return true;
          },
          connect: (peer) => {
            this.log.push(`${id} connect ${peer}`);
            if (this.runtimes.has(peer) && !this.linked(id, peer)) this.open(id, peer);
          },
          disconnect: (peer) => {
            this.log.push(`${id} disconnect ${peer}`);
            this.close(id, peer);
          },
        },
        observer: { event: (event) => events.push(event) },
      },
    );
    this.runtimes.set(id, runtime);
    runtime.start();
    return runtime.node;
  }

  node(name: string): GossipNode {
    return this.runtime(name).node;
  }

  runtime(name: string): Runtime {
    const runtime = this.runtimes.get(asPeerId(name));
    if (runtime === undefined) throw new Error(`no node ${name}`);
    return runtime;
  }

  /** Opens a link between two nodes (both sides hear `connected`) and lets the network settle. */
  link(a: string, b: string): void {
    this.open(asPeerId(a), asPeerId(b));
    this.pump();
  }

  /** Links the names in a chain: a-b, b-c, ... */
  chain(...names: string[]): void {
    for (let i = 1; i < names.length; i++) this.link(names[i - 1] as string, names[i] as string);
  }

  /** Closes a link (both sides hear `disconnected`) and lets the network settle. */
  unlink(a: string, b: string): void {
    this.close(asPeerId(a), asPeerId(b));
    this.pump();
  }

  /**
   * The node vanishes without a word (a crashed tab): it stops acting and receiving; its open
   * links stay open on the other side but carry nothing; new links to it never open.
   */
  kill(name: string): void {
    const peer = asPeerId(name);
    this.runtimes.get(peer)?.stop();
    this.runtimes.delete(peer);
    this.events.delete(peer);
    this.timers.delete(peer);
  }

  freeze(name: string): void {
    this.frozen.set(asPeerId(name), []);
  }

  /** Wakes a frozen node: its overdue timer fires first (the worst order for it), then what waited. */
  thaw(name: string): void {
    const peer = asPeerId(name);
    const held = this.frozen.get(peer) ?? [];
    this.frozen.delete(peer);
    const timer = this.timers.get(peer);
    if (timer !== undefined && timer.at <= this.now) {
      this.timers.delete(peer);
      timer.fn();
    }
    for (const input of held) input();
    this.pump();
  }

  /** Timers of `name` fire only at multiples of `everyMs` from now on (0: no throttling). */
  throttle(name: string, everyMs: number): void {
    if (everyMs > 0) this.throttled.set(asPeerId(name), everyMs);
    else this.throttled.delete(asPeerId(name));
  }

  linked(a: PeerId, b: PeerId): boolean {
    return this.links.has(key(a, b));
  }

  /** Advances the clock in steps, firing the nodes' due timers and settling the network after each step. */
  run(durationMs: number, stepMs = 50): void {
    const end = this.now + durationMs;
    while (this.now < end) {
      this.now = Math.min(end, this.now + stepMs);
      for (const [id, timer] of [...this.timers]) {
        if (timer.at > this.now || this.timers.get(id) !== timer || this.frozen.has(id)) continue;
        const every = this.throttled.get(id);
        if (every !== undefined && this.now % every >= stepMs) continue;
        this.timers.delete(id);
        this.wakes.set(id, (this.wakes.get(id) ?? 0) + 1);
        timer.fn();
      }
      this.pump();
    }
  }

  /** Carries out what the nodes queued (after direct calls on them) and delivers everything until nothing moves. */
  pump(): void {
    for (const runtime of this.runtimes.values()) runtime.flush();
    for (let step = 0; step < 1_000_000; step++) {
      const next = this.queue.shift();
      if (next === undefined) return;
      if (!this.linked(next.from, next.to) || this.muted.has(next.from)) continue;
      const loss = this.lose.findIndex((matches) => matches(next));
      if (loss >= 0) {
        this.lose.splice(loss, 1);
        continue;
      }
      const to = this.runtimes.get(next.to);
      if (to === undefined) continue;
      this.delivered.push(next);
      this.input(next.to, () => to.receiveTrusted(next.from, next.message));
    }
    throw new Error('network did not settle');
  }

  eventsOf<T extends NodeEvent['type']>(name: string, type: T): Array<EventOf<T>> {
    const all = this.events.get(asPeerId(name)) ?? [];
    return all.filter((e): e is EventOf<T> => e.type === type);
  }

  private open(a: PeerId, b: PeerId): void {
    this.links.add(key(a, b));
    this.input(a, () => this.runtimes.get(a)?.linkUp(b));
    this.input(b, () => this.runtimes.get(b)?.linkUp(a));
  }

  private close(a: PeerId, b: PeerId): void {
    if (!this.links.delete(key(a, b))) return;
    this.input(a, () => this.runtimes.get(a)?.linkDown(b));
    this.input(b, () => this.runtimes.get(b)?.linkDown(a));
  }

  /** Hands an input to a node now, or holds it while the node is frozen. */
  private input(peer: PeerId, apply: () => void): void {
    const held = this.frozen.get(peer);
    if (held === undefined) apply();
    else held.push(apply);
  }
}

function key(a: PeerId, b: PeerId): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

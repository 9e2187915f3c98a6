/**
 * Test support only (imported by *.test.ts, never by the core): a tiny in-memory network of
 * GossipNodes with a hand-driven virtual clock. `send` actions are delivered by calling `receive`
 * with the message object, in FIFO order; `connect` links both sides with `connected`;
 * `disconnect` unlinks both sides with `disconnected`. Every node gets a seeded Env.
 */
import { seededEnv } from './env.ts';
import { asPeerId, type PeerId } from './ids.ts';
import { GossipNode } from './node.ts';
import type { OptionsInput } from './options.ts';
import type { Action, NodeEvent } from './outbox.ts';
import type { Message } from './wire.ts';

export type EventOf<T extends NodeEvent['type']> = Extract<NodeEvent, { type: T }>;

export class TestNet {
  now = 0;
  readonly nodes = new Map<PeerId, GossipNode>();
  /** Every action of every node, in order, as `from action`, for determinism checks. */
  readonly log: string[] = [];
  /** Messages delivered so far, with sender and receiver. */
  readonly delivered: Array<{ from: PeerId; to: PeerId; message: Message }> = [];
  /** Nodes whose messages are lost (a hung tab: the link stays open, nothing arrives). */
  readonly muted = new Set<PeerId>();
  private readonly events = new Map<PeerId, NodeEvent[]>();
  private readonly links = new Set<string>();
  private readonly queue: Array<{ from: PeerId; to: PeerId; message: Message }> = [];

  constructor(
    private readonly seed = 1,
    private readonly defaults: OptionsInput = {},
  ) {}

  add(name: string, options: OptionsInput = {}): GossipNode {
    const id = asPeerId(name);
    const node = new GossipNode(id, seededEnv(this.seed * 1000 + this.nodes.size, () => this.now), { ...this.defaults, ...options });
    this.nodes.set(id, node);
    this.events.set(id, []);
    return node;
  }

  node(name: string): GossipNode {
    const node = this.nodes.get(asPeerId(name));
    if (node === undefined) throw new Error(`no node ${name}`);
    return node;
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
    this.apply(asPeerId(a), { type: 'disconnect', peer: asPeerId(b) });
    this.pump();
  }

  /**
   * The node vanishes without a word (a crashed tab): it stops acting and receiving; its open
   * links stay open on the other side but carry nothing; new links to it never open.
   */
  kill(name: string): void {
    const peer = asPeerId(name);
    this.nodes.delete(peer);
    this.events.delete(peer);
  }

  linked(a: PeerId, b: PeerId): boolean {
    return this.links.has(key(a, b));
  }

  /** Advances the clock in steps, ticking every node and settling the network after each step. */
  run(durationMs: number, stepMs = 50): void {
    const end = this.now + durationMs;
    while (this.now < end) {
      this.now = Math.min(end, this.now + stepMs);
      for (const node of this.nodes.values()) node.tick(this.now);
      this.pump();
    }
  }

  /** Drains all nodes and delivers everything until nothing moves. */
  pump(): void {
    for (let round = 0; round < 100_000; round++) {
      let moved = false;
      for (const [id, node] of this.nodes) {
        const { actions, events } = node.drain();
        (this.events.get(id) as NodeEvent[]).push(...events);
        for (const action of actions) {
          moved = true;
          this.log.push(`${id} ${JSON.stringify(action)}`);
          this.apply(id, action);
        }
      }
      const next = this.queue.shift();
      if (next !== undefined) {
        moved = true;
        if (this.linked(next.from, next.to) && !this.muted.has(next.from)) {
          this.delivered.push(next);
          this.nodes.get(next.to)?.receive(next.from, next.message);
        }
      }
      if (!moved) return;
    }
    throw new Error('network did not settle');
  }

  eventsOf<T extends NodeEvent['type']>(name: string, type: T): Array<EventOf<T>> {
    const all = this.events.get(asPeerId(name)) ?? [];
    return all.filter((e): e is EventOf<T> => e.type === type);
  }

  private apply(from: PeerId, action: Action): void {
    switch (action.type) {
      case 'send':
        this.queue.push({ from, to: action.to, message: action.message });
        return;
      case 'connect':
        if (this.nodes.has(action.peer) && !this.linked(from, action.peer)) this.open(from, action.peer);
        return;
      case 'disconnect':
        if (!this.links.delete(key(from, action.peer))) return;
        this.nodes.get(from)?.disconnected(action.peer);
        this.nodes.get(action.peer)?.disconnected(from);
        return;
    }
  }

  private open(a: PeerId, b: PeerId): void {
    this.links.add(key(a, b));
    this.nodes.get(a)?.connected(b);
    this.nodes.get(b)?.connected(a);
  }
}

function key(a: PeerId, b: PeerId): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

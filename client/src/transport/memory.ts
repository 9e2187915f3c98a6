import { seededEnv } from '../core/env.ts';
import type { PeerId } from '../core/ids.ts';
import { GossipNode } from '../core/node.ts';
import type { OptionsInput } from '../core/options.ts';
import type { NodeEvent } from '../core/outbox.ts';
import { encode, utf8Length, type Message, type MessageType } from '../core/wire.ts';

/**
 * In-process links between node ids, for unit tests and the simulator. No timing of its own:
 * `MemoryTransport` knows which links are open and turns a message into a packet (a plain object,
 * or its JSON text like a data channel would carry); whoever owns the clock decides when the
 * packet arrives (`MemoryHub` below: in order, at once; the simulator: through its network model).
 */

/**
 * - `object`: the message object itself is handed over (the core's `parse` accepts objects and
 *   copies what it keeps), the cheapest choice for large simulations.
 * - `json`: the JSON text, as a WebRTC data channel carries it; bytes are then exact.
 */
export type MemoryEncoding = 'object' | 'json';

export interface MemoryTransportOptions {
  /** Default `object`. */
  encoding?: MemoryEncoding;
  /** Count bytes with `object` too (one JSON.stringify per message). Always on with `json`. Default false. */
  measureBytes?: boolean;
}

/** One message on its way. `bytes` is 0 when not measured. */
export interface Packet {
  readonly kind: 'packet';
  readonly from: PeerId;
  readonly to: PeerId;
  readonly type: MessageType;
  /** What the receiver's `receive(from, data)` gets. */
  readonly data: unknown;
  readonly bytes: number;
}

export interface TransportStats {
  packets: number;
  bytes: number;
  /** Sends refused because no link was open between the two. */
  noLink: number;
}

export class MemoryTransport {
  readonly encoding: MemoryEncoding;
  readonly measureBytes: boolean;
  readonly stats: TransportStats = { packets: 0, bytes: 0, noLink: 0 };
  private readonly links = new Map<PeerId, Set<PeerId>>();
  private links_ = 0;

  constructor(options: MemoryTransportOptions = {}) {
    this.encoding = options.encoding ?? 'object';
    this.measureBytes = this.encoding === 'json' || options.measureBytes === true;
  }

  /** Opens the (bidirectional) link; false if it was already open. */
  open(a: PeerId, b: PeerId): boolean {
    if (a === b) throw new RangeError(`cannot link ${a} to itself`);
    const fromA = this.ends(a);
    if (fromA.has(b)) return false;
    fromA.add(b);
    this.ends(b).add(a);
    this.links_++;
    return true;
  }

  /** Closes the link; false if it was not open. */
  close(a: PeerId, b: PeerId): boolean {
    const fromA = this.links.get(a);
    if (fromA === undefined || !fromA.delete(b)) return false;
    this.links.get(b)?.delete(a);
    if (fromA.size === 0) this.links.delete(a);
    if (this.links.get(b)?.size === 0) this.links.delete(b);
    this.links_--;
    return true;
  }

  /** Closes every link of a node; returns the peers it was linked to. */
  closeAll(a: PeerId): PeerId[] {
    const peers = [...(this.links.get(a) ?? [])];
    for (const peer of peers) this.close(a, peer);
    return peers;
  }

  isOpen(a: PeerId, b: PeerId): boolean {
    return this.links.get(a)?.has(b) ?? false;
  }

  neighbors(a: PeerId): PeerId[] {
    return [...(this.links.get(a) ?? [])];
  }

  degree(a: PeerId): number {
    return this.links.get(a)?.size ?? 0;
  }

  get linkCount(): number {
    return this.links_;
  }

  /** Puts a message on the link: the packet to deliver, or null when no link is open. */
  send(from: PeerId, to: PeerId, message: Message): Packet | null {
    if (!this.isOpen(from, to)) {
      this.stats.noLink++;
      return null;
    }
    let data: unknown = message;
    let bytes = 0;
    if (this.encoding === 'json') {
      const text = encode(message);
      data = text;
      bytes = utf8Length(text);
    } else if (this.measureBytes) bytes = utf8Length(encode(message));
    this.stats.packets++;
    this.stats.bytes += bytes;
    return { kind: 'packet', from, to, type: message.t, data, bytes };
  }

  private ends(a: PeerId): Set<PeerId> {
    let set = this.links.get(a);
    if (set === undefined) {
      set = new Set();
      this.links.set(a, set);
    }
    return set;
  }
}

/**
 * A zero-latency driver for unit tests: GossipNodes on a shared manual clock, links that open
 * at once when asked, packets delivered in send order by `flush()`. For timing, loss and scale,
 * use the simulator (client/src/sim).
 */
export class MemoryHub {
  readonly transport: MemoryTransport;
  /** The shared clock every node created by `createNode` reads. */
  now = 0;
  private readonly nodes = new Map<PeerId, GossipNode>();
  private readonly queue: Packet[] = [];
  private head = 0;
  /** Every event each node emitted, in order. */
  readonly events = new Map<PeerId, NodeEvent[]>();

  constructor(options: MemoryTransportOptions = {}) {
    this.transport = new MemoryTransport(options);
  }

  createNode(id: PeerId, seed: number, options: OptionsInput = {}): GossipNode {
    const node = new GossipNode(id, seededEnv(seed, () => this.now), options);
    this.add(node);
    return node;
  }

  add(node: GossipNode): void {
    if (this.nodes.has(node.id)) throw new RangeError(`node ${node.id} already added`);
    this.nodes.set(node.id, node);
    this.events.set(node.id, []);
  }

  node(id: PeerId): GossipNode {
    const node = this.nodes.get(id);
    if (node === undefined) throw new RangeError(`no node ${id}`);
    return node;
  }

  /** Opens a link as if both sides had asked for it. */
  link(a: PeerId, b: PeerId): void {
    if (!this.transport.open(a, b)) return;
    this.node(a).connected(b);
    this.node(b).connected(a);
    this.pump();
  }

  /** Cuts a link (both sides are told). */
  unlink(a: PeerId, b: PeerId): void {
    if (!this.transport.close(a, b)) return;
    this.nodes.get(a)?.disconnected(b);
    this.nodes.get(b)?.disconnected(a);
    this.pump();
  }

  /** Moves the clock and ticks every node. */
  tick(now: number): void {
    this.now = now;
    for (const node of this.nodes.values()) node.tick(now);
    this.pump();
  }

  /** Packets waiting for `flush`. */
  get pending(): number {
    return this.queue.length - this.head;
  }

  /** Delivers queued packets (and what they cause) in order until quiet; returns how many. */
  flush(maxPackets = 1_000_000): number {
    let delivered = 0;
    this.pump();
    while (this.head < this.queue.length && delivered < maxPackets) {
      const packet = this.queue[this.head++] as Packet;
      const node = this.nodes.get(packet.to);
      if (node === undefined || !this.transport.isOpen(packet.from, packet.to)) continue;
      node.receive(packet.from, packet.data);
      delivered++;
      this.pump();
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
    return delivered;
  }

  /** Carries out every node's pending actions. */
  pump(): void {
    let busy = true;
    while (busy) {
      busy = false;
      for (const node of this.nodes.values()) {
        const { actions, events } = node.drain();
        if (actions.length > 0 || events.length > 0) busy = true;
        this.events.get(node.id)?.push(...events);
        for (const action of actions) {
          switch (action.type) {
            case 'send': {
              const packet = this.transport.send(node.id, action.to, action.message);
              if (packet !== null) this.queue.push(packet);
              break;
            }
            case 'connect': {
              const peer = this.nodes.get(action.peer);
              if (peer === undefined) node.disconnected(action.peer);
              else if (this.transport.open(node.id, action.peer)) {
                node.connected(action.peer);
                peer.connected(node.id);
              } else node.connected(action.peer);
              break;
            }
            case 'disconnect':
              if (this.transport.close(node.id, action.peer)) this.nodes.get(action.peer)?.disconnected(node.id);
              break;
          }
        }
      }
    }
  }
}

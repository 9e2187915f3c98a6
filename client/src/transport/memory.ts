import type { PeerId } from '../core/ids.ts';
import { encode, utf8Length, type Message, type MessageType } from '../core/wire.ts';

/**
 * In-process links between node ids, for unit tests and the simulator. No timing of its own:
 * `MemoryTransport` knows which links are open and turns a message into a packet (a plain object,
 * or its JSON text like a data channel would carry); the simulator decides when the packet arrives
 * (through its network model).
 */

/**
 * - `object`: the message object itself is handed over and takes admission's trusted path (no
 *   decode, no verify), the cheapest choice for large simulations.
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
  /** The message itself (trusted in-process path) or its JSON text (parsed like a data channel's). */
  readonly data: Message | string;
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
    let data: Message | string = message;
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

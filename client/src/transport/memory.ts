import { encode, utf8Length, type Message, type MessageType } from '../core/wire.ts';

/**
 * In-process links between nodes numbered 0, 1, ... (the simulator's indices), for unit tests and
 * the simulator. No timing of its own:
 * `MemoryTransport` knows which links are open and turns a message into a packet (a plain object,
 * or its JSON text like a data channel would carry); the simulator decides when the packet arrives
 * (through its network model). Each node's open links are a short array of peer indices, so the
 * two lookups every message makes (send, then deliver) are a scan of a handful of small integers.
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
  readonly from: number;
  readonly to: number;
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
  /** Peers each node is linked to (undefined: none yet). */
  private readonly links: Array<number[] | undefined> = [];
  private links_ = 0;

  constructor(options: MemoryTransportOptions = {}) {
    this.encoding = options.encoding ?? 'object';
    this.measureBytes = this.encoding === 'json' || options.measureBytes === true;
  }

  /** Opens the (bidirectional) link; false if it was already open. */
  open(a: number, b: number): boolean {
    if (a === b) throw new RangeError(`cannot link ${a} to itself`);
    const fromA = this.ends(a);
    if (fromA.includes(b)) return false;
    fromA.push(b);
    this.ends(b).push(a);
    this.links_++;
    return true;
  }

  /** Closes the link; false if it was not open. */
  close(a: number, b: number): boolean {
    if (!remove(this.links[a], b)) return false;
    remove(this.links[b], a);
    this.links_--;
    return true;
  }

  /** Closes every link of a node; returns the peers it was linked to. */
  closeAll(a: number): number[] {
    const peers = this.neighbors(a);
    for (const peer of peers) this.close(a, peer);
    return peers;
  }

  isOpen(a: number, b: number): boolean {
    const peers = this.links[a];
    return peers !== undefined && peers.includes(b);
  }

  neighbors(a: number): number[] {
    return [...(this.links[a] ?? [])];
  }

  degree(a: number): number {
    return this.links[a]?.length ?? 0;
  }

  get linkCount(): number {
    return this.links_;
  }

  /** Puts a message on the link: the packet to deliver, or null when no link is open. */
  send(from: number, to: number, message: Message): Packet | null {
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

  private ends(a: number): number[] {
    // Grown densely (never a hole far past the end), so the array keeps fast elements.
    while (this.links.length <= a) this.links.push(undefined);
    let peers = this.links[a];
    if (peers === undefined) {
      peers = [];
      this.links[a] = peers;
    }
    return peers;
  }
}

/** Removes `peer` from the list (order does not matter: swapped with the last); false if absent. */
function remove(peers: number[] | undefined, peer: number): boolean {
  if (peers === undefined) return false;
  const k = peers.indexOf(peer);
  if (k < 0) return false;
  peers[k] = peers[peers.length - 1] as number;
  peers.pop();
  return true;
}

import type { PeerId } from '../core/ids.ts';
import type { Message } from '../core/wire.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { MemoryTransport, Packet } from '../transport/memory.ts';
import type { SimCounters } from './counters.ts';
import type { Network } from './network.ts';

/** What the packet path needs of the simulation: its nodes' state, shared (not copied). */
export interface PacketHost {
  readonly ids: readonly PeerId[];
  readonly index: ReadonlyMap<PeerId, number>;
  readonly network: Network;
  readonly transport: MemoryTransport;
  readonly counters: SimCounters;
  /** 1 for a crashed node; the simulation's own array. */
  readonly crashed: Uint8Array;
  /** Each node's runtime once it joined; the simulation's own array. */
  readonly runtimes: ReadonlyArray<Runtime | undefined>;
  /** One line per delivery when tracing, else null. */
  readonly trace: string[] | null;
  /** Virtual time, ms. */
  now(): number;
  /** Puts a packet on the agenda for its arrival time. */
  schedule(timeMs: number, packet: Packet): void;
}

/**
 * A message's way from one node's runtime to another's: the memory transport turns it into a packet
 * on an open link, the network model says when (or whether) it arrives, and at arrival it is handed
 * to the receiver's runtime, on admission's trusted path unless it travelled as JSON text. Every
 * message that does not make it is counted by reason. The simulator's hot path: no allocation here
 * beyond the transport's packet.
 */
export class Packets {
  constructor(private readonly host: PacketHost) {}

  /** Hands a message to the network model; false when it will not arrive (counted by reason). */
  send(i: number, peer: PeerId, message: Message): boolean {
    const host = this.host;
    const counters = host.counters;
    const to = indexOf(peer, host);
    const packet = to === undefined ? null : host.transport.send(i, to, message);
    if (packet === null) {
      counters.dropped['no-link']++;
      return false;
    }
    counters.bytes += packet.bytes;
    const arrival = host.network.transmit(i, packet.to, packet.bytes, host.now());
    if (typeof arrival === 'string') {
      counters.dropped[arrival]++;
      return false;
    }
    host.schedule(arrival, packet);
    return true;
  }

  /** A packet's arrival time came: the receiver gets it if it is alive and the link still open. */
  deliver(packet: Packet): void {
    const host = this.host;
    const to = packet.to;
    if (host.crashed[to] === 1) {
      host.counters.dropped.crashed++;
      return;
    }
    if (!host.transport.isOpen(packet.from, packet.to)) {
      host.counters.dropped.closed++;
      return;
    }
    const from = host.ids[packet.from] as PeerId;
    if (host.trace !== null) host.trace.push(`${host.now()} ${from}>${host.ids[to]} ${packet.type}`);
    host.counters.delivered++;
    const runtime = host.runtimes[to] as Runtime;
    if (typeof packet.data === 'string') runtime.receive(from, packet.data);
    else runtime.receiveTrusted(from, packet.data);
  }
}

/**
 * The index of a simulator id `n<i>`, read off its digits and checked against the id list; any
 * other id through the map. A map lookup per send missed the cache at 10^4 nodes and more.
 */
function indexOf(id: PeerId, host: PacketHost): number | undefined {
  const length = id.length;
  if (length < 2 || length > 10 || id.charCodeAt(0) !== 110 /* n */) return host.index.get(id);
  let i = 0;
  for (let k = 1; k < length; k++) {
    const digit = id.charCodeAt(k) - 48;
    if (digit < 0 || digit > 9) return host.index.get(id);
    i = i * 10 + digit;
  }
  return host.ids[i] === id ? i : host.index.get(id);
}

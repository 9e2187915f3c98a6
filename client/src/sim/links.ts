import type { PeerId } from '../core/ids.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { MemoryTransport } from '../transport/memory.ts';
import type { Network } from './network.ts';

/** Events of the link model, scheduled on the simulation's agenda and handed back to `Links`. */
export type LinkEvent =
  | { readonly kind: 'link-up'; readonly a: number; readonly b: number }
  | { readonly kind: 'link-fail'; readonly a: number; readonly b: number }
  | { readonly kind: 'link-down'; readonly node: number; readonly peer: number };

export interface LinkTiming {
  /** Setting a link up takes this many one-way latencies of that link (offer, answer, ICE). */
  connectLatencies: number;
  /** A link request to a crashed or unreachable peer fails after this long. */
  connectFailMs: number;
}

/** What the link model needs of the simulation. */
export interface LinkHost {
  readonly now: number;
  readonly ids: readonly PeerId[];
  readonly network: Network;
  readonly transport: MemoryTransport;
  /** One line per link event when tracing, else null. */
  readonly trace: string[] | null;
  indexOf(id: PeerId): number | undefined;
  isAlive(i: number): boolean;
  /** Node i's runtime (it must have joined). */
  runtime(i: number): Runtime;
  schedule(timeMs: number, event: LinkEvent): void;
  at(timeMs: number, fn: () => void): void;
}

/**
 * How links come and go, as a tab's driver and WebRTC would have it: a node asks for a link
 * (`connect` action); it opens after a few latencies if the peer is alive and reachable, or fails
 * after a timeout; either end may close it, and the other end notices one latency later. Each end
 * hears `connected` / `disconnected`; a full node refuses by closing at once (the core decides).
 */
export class Links {
  /** Requests in flight, keyed a * size + b (a asked for b). */
  private readonly pending = new Set<number>();
  private readonly size: number;

  constructor(
    private readonly host: LinkHost,
    private readonly timing: LinkTiming,
  ) {
    this.size = host.ids.length;
  }

  /** Node a asked its driver for a link to `peer`. */
  request(a: number, peer: PeerId): void {
    const host = this.host;
    const b = host.indexOf(peer);
    if (b === undefined || b === a) {
      // Not a node of this simulation: the link can never open.
      host.at(host.now + this.timing.connectFailMs, () => {
        if (host.isAlive(a)) host.runtime(a).linkDown(peer);
      });
      return;
    }
    const key = a * this.size + b;
    if (this.pending.has(key)) return;
    this.pending.add(key);
    if (host.isAlive(b) && host.network.reachable(a, b)) {
      host.schedule(host.now + this.timing.connectLatencies * host.network.latencyOf(a, b), { kind: 'link-up', a, b });
    } else {
      host.schedule(host.now + this.timing.connectFailMs, { kind: 'link-fail', a, b });
    }
  }

  /** Node a closed its link to `peer` (or refused it). */
  close(a: number, peer: PeerId): void {
    const host = this.host;
    const b = host.indexOf(peer);
    if (b === undefined) return;
    this.pending.delete(a * this.size + b);
    if (!host.transport.close(a, b)) return;
    const latency = host.network.latencyOf(a, b);
    host.network.forget(a, b);
    // The other end notices the data channel closing one latency later.
    host.schedule(host.now + latency, { kind: 'link-down', node: b, peer: a });
  }

  handle(event: LinkEvent): void {
    switch (event.kind) {
      case 'link-up':
        this.up(event.a, event.b);
        return;
      case 'link-fail':
        if (!this.pending.delete(event.a * this.size + event.b)) return;
        if (!this.host.isAlive(event.a)) return;
        this.fail(event.a, event.b);
        return;
      case 'link-down':
        this.down(event.node, event.peer);
        return;
    }
  }

  private up(a: number, b: number): void {
    const host = this.host;
    if (!this.pending.delete(a * this.size + b)) return; // the requester gave up meanwhile
    if (!host.isAlive(a)) return;
    const idA = host.ids[a] as PeerId;
    const idB = host.ids[b] as PeerId;
    if (!host.isAlive(b) || !host.network.reachable(a, b)) {
      this.fail(a, b);
      return;
    }
    host.trace?.push(`${host.now} link-up ${a} ${b}`);
    const runtimeA = host.runtime(a);
    if (!host.transport.open(a, b)) {
      // Already linked (the other side asked too): the requester just hears it is up.
      runtimeA.linkUp(idB);
      return;
    }
    runtimeA.linkUp(idB);
    host.runtime(b).linkUp(idA);
  }

  private fail(a: number, b: number): void {
    const host = this.host;
    host.trace?.push(`${host.now} link-fail ${a} ${b}`);
    host.runtime(a).linkDown(host.ids[b] as PeerId);
  }

  private down(i: number, peer: number): void {
    const host = this.host;
    if (!host.isAlive(i)) return;
    const idPeer = host.ids[peer] as PeerId;
    // A newer link between the two opened meanwhile: this close is stale.
    if (host.transport.isOpen(i, peer)) return;
    host.trace?.push(`${host.now} link-down ${i} ${peer}`);
    host.runtime(i).linkDown(idPeer);
  }
}

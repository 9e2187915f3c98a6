import { pickOne } from './env.ts';
import type { PeerId } from './ids.ts';
import type { NodeContext, ProtocolModule } from './protocol.ts';
import { signalText } from './signed.ts';
import { MAX_CLOCK_SKEW_MS, type HybridClock } from './time.ts';
import type { Topology } from './topology.ts';
import type { MessageOf, SignalData } from './wire.ts';

export interface SignalRelayHooks {
  /** The gossiped topology, for shortest paths (empty when topology sharing is off). */
  topology(): Topology;
  /** Neighbours with no ping outstanding, and those not yet suspected (membership.ts). */
  responsive(): PeerId[];
  healthy(): PeerId[];
  unroutable(): void;
  /** A signal for us that is a replay (seen already, or older than SIGNAL_MAX_AGE_MS), or stamped too far ahead. */
  stale?(): void;
}

/** A relayed signal older than this is refused: link setup takes well under a second; the sender's clock may lag by the skew. */
export const SIGNAL_MAX_AGE_MS = MAX_CLOCK_SKEW_MS + 30_000;
/** Stamps of recent signals for us, to refuse an exact replay younger than SIGNAL_MAX_AGE_MS. */
const MAX_REMEMBERED_SIGNALS = 4096;

/**
 * WebRTC signaling relayed hop by hop through the mesh, so that new links form with no server:
 * along the shortest path the gossiped topology knows, or a random walk when the target is
 * unheard of, through a neighbour that still answers if there is one (a signal sent into a dead
 * neighbour is lost).
 */
export class SignalRelay implements ProtocolModule<'signal'> {
  readonly handles = ['signal'] as const;
  private readonly recent = new Set<string>();

  constructor(
    private readonly ctx: NodeContext,
    private readonly clock: HybridClock,
    private readonly hooks: SignalRelayHooks,
  ) {}

  /** False when no neighbour can carry it, or, with `randomWalk` false, when no path is known. */
  send(to: PeerId, data: SignalData, randomWalk: boolean): boolean {
    const hop = this.routeTowards(to, undefined, randomWalk);
    if (hop === undefined) return false;
    const signer = this.ctx.signer ?? null;
    if (signer === null) {
      this.ctx.out.send(hop, { t: 'signal', from: this.ctx.self, to, hops: 0, data });
      return true;
    }
    // Signed end to end, SDP and so its DTLS fingerprint included: a relay cannot stand in the middle.
    const stamp = this.clock.now();
    this.ctx.out.send(hop, { t: 'signal', from: this.ctx.self, to, hops: 0, data, stamp, proof: signer.sign(signalText(this.ctx.self, to, stamp, data)) });
    return true;
  }

  receive(from: PeerId, message: MessageOf<'signal'>): void {
    if (message.to === this.ctx.self) {
      if (message.stamp !== undefined && !this.fresh(message.from, message.stamp)) {
        this.hooks.stale?.();
        return;
      }
      this.ctx.out.emit({ type: 'signal', from: message.from, data: message.data });
      return;
    }
    const hop = message.hops + 1 < this.ctx.options.maxSignalHops ? this.routeTowards(message.to, from, true) : undefined;
    if (hop === undefined) {
      this.hooks.unroutable();
      return;
    }
    this.ctx.out.send(hop, { ...message, hops: message.hops + 1 });
  }

  /** Younger than SIGNAL_MAX_AGE_MS, within the clock skew, and not seen before. */
  private fresh(from: PeerId, stamp: number): boolean {
    const now = this.ctx.env.now();
    if (stamp < now - SIGNAL_MAX_AGE_MS || !this.clock.acceptable(stamp)) return false;
    const key = `${from}@${stamp}`;
    if (this.recent.has(key)) return false;
    this.recent.add(key);
    if (this.recent.size > MAX_REMEMBERED_SIGNALS) this.recent.delete(this.recent.values().next().value as string);
    return true;
  }

  private routeTowards(target: PeerId, cameFrom: PeerId | undefined, randomWalk: boolean): PeerId | undefined {
    const usable = (peers: PeerId[]): boolean => peers.some((p) => p !== cameFrom);
    const responsive = this.hooks.responsive();
    const healthy = this.hooks.healthy();
    const neighbors = new Set(usable(responsive) ? responsive : usable(healthy) ? healthy : this.ctx.neighbors());
    const routed = this.hooks.topology().nextHop(target, neighbors, cameFrom);
    if (routed !== undefined || !randomWalk) return routed;
    return pickOne(this.ctx.env.random, [...neighbors].filter((p) => p !== cameFrom));
  }
}

import { pickOne } from './env.ts';
import type { PeerId } from './ids.ts';
import type { NodeContext, ProtocolModule } from './protocol.ts';
import type { Topology } from './topology.ts';
import type { MessageOf, SignalData } from './wire.ts';

export interface SignalRelayHooks {
  /** The gossiped topology, for shortest paths (empty when topology sharing is off). */
  topology(): Topology;
  /** Neighbours with no ping outstanding, and those not yet suspected (membership.ts). */
  responsive(): PeerId[];
  healthy(): PeerId[];
  unroutable(): void;
}

/**
 * WebRTC signaling relayed hop by hop through the mesh, so that new links form with no server:
 * along the shortest path the gossiped topology knows, or a random walk when the target is
 * unheard of, through a neighbour that still answers if there is one (a signal sent into a dead
 * neighbour is lost).
 */
export class SignalRelay implements ProtocolModule<'signal'> {
  readonly handles = ['signal'] as const;

  constructor(
    private readonly ctx: NodeContext,
    private readonly hooks: SignalRelayHooks,
  ) {}

  /** False when no neighbour can carry it, or, with `randomWalk` false, when no path is known. */
  send(to: PeerId, data: SignalData, randomWalk: boolean): boolean {
    const hop = this.routeTowards(to, undefined, randomWalk);
    if (hop === undefined) return false;
    this.ctx.out.send(hop, { t: 'signal', from: this.ctx.self, to, hops: 0, data });
    return true;
  }

  receive(from: PeerId, message: MessageOf<'signal'>): void {
    if (message.to === this.ctx.self) {
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

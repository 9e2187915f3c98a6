import type { PeerId } from './ids.ts';
import type { DropReason } from './admission.ts';
import type { Message, RegisterValue, Rumor, SignalData } from './wire.ts';

/** What the node asks its driver to do. The node never touches a socket itself. */
export type Action =
  | { type: 'send'; to: PeerId; message: Message }
  /** Open a link to this peer; the driver answers later with `connected` or `disconnected`. */
  | { type: 'connect'; peer: PeerId }
  | { type: 'disconnect'; peer: PeerId };

/** What happened, for the page, the test hook and the simulator's measurements. */
export type NodeEvent =
  | { type: 'rumor'; rumor: Rumor; from: PeerId | null; receivedAt: number }
  | { type: 'counter'; value: number }
  | { type: 'register'; value: RegisterValue }
  | { type: 'view'; active: PeerId[]; passive: PeerId[] }
  | { type: 'topology' }
  /** A signal relayed through the mesh arrived for this node. */
  | { type: 'signal'; from: PeerId; data: SignalData }
  /** Fewer links than the target and nobody left to ask: the driver should get introductions (signaling server). */
  | { type: 'lonely' }
  | { type: 'peer-gone'; peer: PeerId; reason: 'left' | 'silent' | 'link-failed' }
  | { type: 'dropped'; from: PeerId; reason: DropReason; detail: string };

/**
 * Collects actions and events between two drains; one per node, shared by its parts. Messages are
 * counted where they leave, in the runtime (runtime/counts.ts), not here.
 */
export class Outbox {
  actions: Action[] = [];
  events: NodeEvent[] = [];

  send(to: PeerId, message: Message): void {
    this.actions.push({ type: 'send', to, message });
  }

  connect(peer: PeerId): void {
    this.actions.push({ type: 'connect', peer });
  }

  disconnect(peer: PeerId): void {
    this.actions.push({ type: 'disconnect', peer });
  }

  emit(event: NodeEvent): void {
    this.events.push(event);
  }

  drain(): { actions: Action[]; events: NodeEvent[] } {
    const drained = { actions: this.actions, events: this.events };
    this.actions = [];
    this.events = [];
    return drained;
  }
}

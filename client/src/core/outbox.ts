import type { PeerId } from './ids.ts';
import type { DropReason } from './admission.ts';
import {
  CONTROL_TYPES,
  MAX_BATCH_PARTS,
  MAX_MESSAGE_BYTES,
  utf8Length,
  type ControlMessage,
  type Message,
  type MessageType,
  type RegisterValue,
  type Rumor,
  type SignalData,
} from './wire.ts';
import { fitToWire, jsonBytesBound, mayNeedSplitting } from './wire-fit.ts';

/** Room left in a batch for the envelope and the parts' commas. */
const BATCH_OVERHEAD_BYTES = 64;

function isControl(message: Message): message is ControlMessage {
  return CONTROL_TYPES.has(message.t);
}

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
  /** A neighbour stopped answering probes: the driver may repair the link (an ICE restart) before the verdict. */
  | { type: 'peer-suspected'; peer: PeerId }
  | { type: 'dropped'; from: PeerId; reason: DropReason; detail: string };

/**
 * Collects actions and events between two drains; one per node, shared by its parts. Messages are
 * counted where they leave, in the runtime (runtime/counts.ts), not here.
 */
export class Outbox {
  actions: Action[] = [];
  events: NodeEvent[] = [];

  /** A message too large for one wire message goes as several (wire-fit.ts): the receiver would drop it whole. */
  send(to: PeerId, message: Message): void {
    // Most messages (ping, pong, shuffle...) cannot be too large: no parts array for them.
    if (!mayNeedSplitting(message)) this.actions.push({ type: 'send', to, message });
    else for (const part of fitToWire(message)) this.actions.push({ type: 'send', to, message: part });
  }

  /** Anything queued since the last drain (the runtime asks before draining: a drain allocates). */
  get pending(): boolean {
    return this.actions.length > 0 || this.events.length > 0;
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

  /** The peers that control messages (but `except`) queued since `from` go to: what a part can ride with, in one batch. */
  controlTargets(from: number, except: MessageType): PeerId[] {
    const peers = new Set<PeerId>();
    for (let i = from; i < this.actions.length; i++) {
      const action = this.actions[i] as Action;
      if (action.type === 'send' && isControl(action.message) && action.message.t !== except) peers.add(action.to);
    }
    return [...peers];
  }

  /**
   * Merges the control messages queued since `from` for one peer into `batch` messages (in order,
   * each under the data channel limit), so periodic work due at once costs one message per link.
   * Payloads (push, signal) and everything else keep their place.
   */
  coalesce(from: number): void {
    // Nearly every tick and receipt queues at most one control message per peer: nothing to merge,
    // found without building the per-peer lists below (they ran per message and per tick).
    if (!this.repeatsControlPeer(from)) return;
    const tail = this.actions.slice(from);
    const byPeer = new Map<PeerId, ControlMessage[]>();
    for (const action of tail) {
      if (action.type !== 'send' || !isControl(action.message)) continue;
      const list = byPeer.get(action.to);
      if (list === undefined) byPeer.set(action.to, [action.message]);
      else list.push(action.message);
    }
    if (![...byPeer.values()].some((list) => list.length > 1)) return;
    const kept: Action[] = tail.filter((a) => a.type !== 'send' || !isControl(a.message) || byPeer.get(a.to)?.length === 1);
    for (const [to, parts] of byPeer) {
      if (parts.length === 1) continue;
      for (const message of packBatches(parts)) kept.push({ type: 'send', to, message });
    }
    this.actions.splice(from, tail.length, ...kept);
  }

  /** Whether two control messages queued since `from` go to the same peer (a short scan: the tail is a few actions). */
  private repeatsControlPeer(from: number): boolean {
    const actions = this.actions;
    const n = actions.length;
    if (n - from > 64) return true; // a long tail (rare): let the per-peer lists decide
    for (let i = from; i < n - 1; i++) {
      const a = actions[i] as Action;
      if (a.type !== 'send' || !isControl(a.message)) continue;
      for (let j = i + 1; j < n; j++) {
        const b = actions[j] as Action;
        if (b.type === 'send' && b.to === a.to && isControl(b.message)) return true;
      }
    }
    return false;
  }

  drain(): { actions: Action[]; events: NodeEvent[] } {
    const drained = { actions: this.actions, events: this.events };
    this.actions = [];
    this.events = [];
    return drained;
  }
}

/** Consecutive parts into batches of at most MAX_BATCH_PARTS and MAX_MESSAGE_BYTES; a lone part goes bare. */
function packBatches(parts: readonly ControlMessage[]): Message[] {
  // Nearly always a few small parts (ping, pong, a digest): an upper bound shows they fit in one
  // batch, the answer the exact loop below gives then, without serialising every part to measure it.
  if (parts.length <= MAX_BATCH_PARTS) {
    let bound = BATCH_OVERHEAD_BYTES;
    for (const part of parts) bound += jsonBytesBound(part) + 1;
    if (bound <= MAX_MESSAGE_BYTES) return parts.length === 1 ? [parts[0] as ControlMessage] : [{ t: 'batch', parts: parts.slice() }];
  }
  const messages: Message[] = [];
  let batch: ControlMessage[] = [];
  let bytes = BATCH_OVERHEAD_BYTES;
  const close = () => {
    if (batch.length === 1) messages.push(batch[0] as ControlMessage);
    else if (batch.length > 1) messages.push({ t: 'batch', parts: batch });
    batch = [];
    bytes = BATCH_OVERHEAD_BYTES;
  };
  for (const part of parts) {
    const size = utf8Length(JSON.stringify(part)) + 1;
    if (batch.length >= MAX_BATCH_PARTS || bytes + size > MAX_MESSAGE_BYTES) close();
    batch.push(part);
    bytes += size;
  }
  close();
  return messages;
}

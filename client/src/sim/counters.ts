import { MESSAGE_TYPES, type MessageType } from '../core/wire.ts';
import type { MessageCounts } from '../runtime/counts.ts';

/** Why the simulator dropped a message: the network's reasons, plus a link that was not (or no longer) open. */
export type SimDropReason = 'crashed' | 'partition' | 'loss' | 'no-link' | 'closed';

/**
 * Running totals of one simulation, from time 0. Take differences to measure a phase. Message
 * figures are the runtime's one count (runtime/counts.ts), shared by every node; the rest is the
 * network model's.
 */
export interface SimCounters {
  /** Messages nodes handed to the links (whether or not they arrived). */
  readonly sent: number;
  /** Rumor copies inside those messages (the RMR numerator). */
  readonly payloads: number;
  readonly sentByType: Readonly<Record<MessageType, number>>;
  delivered: number;
  dropped: Record<SimDropReason, number>;
  bytes: number;
  events: number;
}

/** One zero per message type of the wire format (all of them, so none counts as NaN). */
export function zeroByType(): Record<MessageType, number> {
  const counts = {} as Record<MessageType, number>;
  for (const t of MESSAGE_TYPES) counts[t] = 0;
  return counts;
}

export function createCounters(messages: MessageCounts): SimCounters {
  return {
    get sent() {
      return messages.sent;
    },
    get payloads() {
      return messages.payloads;
    },
    get sentByType() {
      return messages.byType;
    },
    delivered: 0,
    dropped: { crashed: 0, partition: 0, loss: 0, 'no-link': 0, closed: 0 },
    bytes: 0,
    events: 0,
  };
}

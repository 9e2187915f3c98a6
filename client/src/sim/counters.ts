import { MESSAGE_TYPES, type MessageType } from '../core/wire.ts';

/** Why the simulator dropped a message: the network's reasons, plus a link that was not (or no longer) open. */
export type SimDropReason = 'crashed' | 'partition' | 'loss' | 'no-link' | 'closed';

/** Running totals of one simulation, from time 0. Take differences to measure a phase. */
export interface SimCounters {
  /** Messages nodes handed to the transport (whether or not they arrived). */
  sent: number;
  /** Rumor copies inside those messages (the RMR numerator). */
  payloads: number;
  sentByType: Record<MessageType, number>;
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

export function createCounters(): SimCounters {
  return {
    sent: 0,
    payloads: 0,
    sentByType: zeroByType(),
    delivered: 0,
    dropped: { crashed: 0, partition: 0, loss: 0, 'no-link': 0, closed: 0 },
    bytes: 0,
    events: 0,
  };
}

import { rumorId } from '../core/ids.ts';
import type { NodeEvent } from '../core/outbox.ts';
import type { DeliveredRumor } from './contract.ts';

/** A node's rumor event as the contract's plain record. */
export function deliveredRumor(event: Extract<NodeEvent, { type: 'rumor' }>): DeliveredRumor {
  const { rumor } = event;
  return {
    id: rumorId(rumor.origin, rumor.seq),
    origin: rumor.origin,
    text: rumor.payload,
    hops: rumor.hops,
    sentAt: rumor.sentAt,
    receivedAt: event.receivedAt,
  };
}

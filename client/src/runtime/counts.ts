import { MESSAGE_TYPES, type Message, type MessageType } from '../core/wire.ts';

/**
 * The one definition of a message count: every message the runtime hands to a Links port is
 * counted here, once, by type; rumor copies (the numerator of relative message redundancy) are the
 * rumors carried by push and pull messages. The simulator shares one instance among all its nodes.
 */
export class MessageCounts {
  sent = 0;
  /** Sends the Links port refused (no open link, congested channel). */
  refused = 0;
  payloads = 0;
  readonly byType: Record<MessageType, number> = Object.fromEntries(MESSAGE_TYPES.map((t) => [t, 0])) as Record<MessageType, number>;

  count(message: Message, delivered: boolean): void {
    this.sent++;
    this.byType[message.t]++;
    if (message.t === 'push' || message.t === 'pull') this.payloads += message.rumors.length;
    if (!delivered) this.refused++;
  }
}

import { rumorId } from '../core/ids.ts';
import type { NodeEvent } from '../core/outbox.ts';
import type { Message } from '../core/wire.ts';

/**
 * Where one update's time goes in this peer, for the latest rumors (diagnostics): when the
 * data-channel message that first brought it was handed to us, when its signatures were checked
 * and it entered the loop, when the core delivered it, and when each copy was handed to a
 * channel. All times are epoch ms (performance.timeOrigin + now()), comparable across the tabs
 * of one machine, so a copy's wire time is the receiver's `frameAt` minus the sender's send to it.
 */
export interface HopRecord {
  id: string;
  /** The neighbour it came from first; null: published here. */
  from: string | null;
  hops: number;
  frameAt: number | null;
  verifiedAt: number | null;
  deliveredAt: number | null;
  /** [to, at] of the first copy to each neighbour, at most MAX_SENDS. */
  sends: Array<[string, number]>;
}

const MAX_RECORDS = 64;
const MAX_SENDS = 16;

export class HopTrace {
  private readonly records = new Map<string, HopRecord>();
  /** The message now being run by the loop (set around a synchronous receive). */
  private arrival: { frameAt: number; verifiedAt: number } | null = null;

  constructor(private readonly now: () => number) {}

  /** Runs `receive` (synchronous: the core forwards within it) with the message's arrival times. */
  around(frameAt: number, receive: () => void): void {
    this.arrival = { frameAt, verifiedAt: this.now() };
    try {
      receive();
    } finally {
      this.arrival = null;
    }
  }

  /** A message handed to a link (`result`: what the link said, passed through): pushes are recorded per rumor, first copy per neighbour. */
  sent(to: string, message: Message, result: boolean): boolean {
    if (message.t !== 'push' || message.rumors.length === 0) return result;
    const at = this.now();
    for (const rumor of message.rumors) {
      const record = this.record(rumorId(rumor.origin, rumor.seq));
      if (record.sends.length < MAX_SENDS && !record.sends.some(([peer]) => peer === to)) record.sends.push([to, at]);
    }
    return result;
  }

  /** The node's events: a delivered rumor gets its arrival times. */
  event(event: NodeEvent): void {
    if (event.type !== 'rumor') return;
    const record = this.record(rumorId(event.rumor.origin, event.rumor.seq));
    record.from = event.from;
    record.hops = event.rumor.hops;
    record.deliveredAt = event.receivedAt;
    if (event.from !== null && this.arrival !== null) {
      record.frameAt = this.arrival.frameAt;
      record.verifiedAt = this.arrival.verifiedAt;
    }
  }

  list(): HopRecord[] {
    return [...this.records.values()].map((r) => ({ ...r, sends: r.sends.map(([to, at]): [string, number] => [to, at]) }));
  }

  private record(id: string): HopRecord {
    let record = this.records.get(id);
    if (record === undefined) {
      record = { id, from: null, hops: 0, frameAt: null, verifiedAt: null, deliveredAt: null, sends: [] };
      this.records.set(id, record);
      if (this.records.size > MAX_RECORDS) this.records.delete(this.records.keys().next().value as string);
    }
    return record;
  }
}

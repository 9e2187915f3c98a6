import type { MessageType } from '../core/wire.ts';
import type { Frame } from './frames.ts';

/**
 * One link's send queue in front of its data channel. The channel's own buffer is kept at or
 * under `highWaterBytes` (bufferedAmount); what does not fit waits here, bounded by
 * `maxQueuedBytes`, and goes when the channel reports 'bufferedamountlow'. Nothing is dropped
 * below the bound, so a burst of rumors closes no channel and loses nothing; above it the whole
 * message is refused (counted by the caller).
 *
 * Two lanes: control messages (pings, probes, membership, signals) go before bulk ones (rumor
 * pushes and pulls, state, topology), frame by frame, so a liveness probe does not wait behind a
 * long burst. Within a lane the order is kept.
 */

export type Lane = 'control' | 'bulk';

/** Message types that carry payloads or large state: they may wait behind control traffic. */
const BULK: ReadonlySet<MessageType> = new Set<MessageType>(['push', 'pull', 'state', 'topology', 'ihave']);

export function laneOf(type: MessageType): Lane {
  return BULK.has(type) ? 'bulk' : 'control';
}

export interface SendQueueOptions {
  maxQueuedBytes: number;
  highWaterBytes: number;
  /** The channel's bufferedAmount now. */
  buffered: () => number;
  /** Writes one frame to the channel (may throw when the channel is closing). */
  write: (frame: Frame) => void;
  /** The last frame of a message was written. */
  onMessageWritten: (bytes: number) => void;
}

interface Queued {
  frames: Frame[];
  next: number;
  bytes: number;
}

export class SendQueue {
  private readonly lanes: Record<Lane, Queued[]> = { control: [], bulk: [] };
  private queued = 0;
  /** Most bytes waiting at once. */
  peakBytes = 0;
  /** Messages that had to wait (the channel was full when they came). */
  waited = 0;

  constructor(private readonly options: SendQueueOptions) {}

  get queuedBytes(): number {
    return this.queued;
  }

  get queuedMessages(): number {
    return this.lanes.control.length + this.lanes.bulk.length;
  }

  /** Queues one message's frames and writes what the channel takes; false (nothing queued) over the bound. */
  push(frames: Frame[], lane: Lane): boolean {
    let bytes = 0;
    for (const f of frames) bytes += f.bytes;
    if (this.queued + bytes > this.options.maxQueuedBytes) return false;
    if (this.queued > 0 || this.options.buffered() >= this.options.highWaterBytes) this.waited++;
    this.lanes[lane].push({ frames, next: 0, bytes });
    this.queued += bytes;
    if (this.queued > this.peakBytes) this.peakBytes = this.queued;
    this.flush();
    return true;
  }

  /** Writes frames while the channel is under its high-water mark; true when some still wait. */
  flush(): boolean {
    while (this.options.buffered() < this.options.highWaterBytes) {
      const lane = this.lanes.control.length > 0 ? this.lanes.control : this.lanes.bulk;
      const head = lane[0];
      if (head === undefined) return false;
      const frame = head.frames[head.next];
      if (frame === undefined) {
        lane.shift();
        continue;
      }
      this.options.write(frame);
      head.next++;
      this.queued -= frame.bytes;
      if (head.next === head.frames.length) {
        lane.shift();
        this.options.onMessageWritten(head.bytes);
      }
    }
    return this.queuedMessages > 0;
  }

  /** Forgets everything waiting; returns how many messages were lost. */
  clear(): number {
    const lost = this.queuedMessages;
    this.lanes.control = [];
    this.lanes.bulk = [];
    this.queued = 0;
    return lost;
  }
}

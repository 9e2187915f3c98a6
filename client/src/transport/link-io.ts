import type SimplePeer from 'simple-peer';
import { utf8Length } from '../core/wire.ts';
import { isChunk, Reassembly, toFrames, type Frame } from './frames.ts';
import { SendQueue, type Lane } from './send-queue.ts';
import type { TransportCounters } from './webrtc-contract.ts';

/**
 * The bytes of one open link, both ways: sends go through a bounded two-lane queue that honours
 * the data channel's bufferedAmount (send-queue.ts) and are chunked when over one frame
 * (frames.ts); what arrives is size-checked before anyone parses it and chunks are put back
 * together, bounded. A peer that breaks the framing rules is reported (`onViolation`) to be cut.
 */

export interface DataLimits {
  /** Largest message sent or accepted, whole (bytes, UTF-8). */
  maxMessageBytes: number;
  /** Largest frame written to the channel; larger messages are chunked (bytes). */
  maxFrameBytes: number;
  /** Bytes that may wait in a link's queue before sends are refused. */
  maxQueuedBytes: number;
  /** The channel's own buffer is filled up to this, no further (bytes). */
  highWaterBytes: number;
  /** 'bufferedamountlow' fires when the channel's buffer drains to this (bytes). */
  lowWaterBytes: number;
}

/** The part of RTCDataChannel the queue needs (the browser's, or @roamhq/wrtc's in Node). */
interface BufferedChannel {
  readonly bufferedAmount: number;
  bufferedAmountLowThreshold?: number;
  onmessage?: unknown;
  addEventListener(type: 'bufferedamountlow', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'bufferedamountlow', listener: () => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

function isBufferedChannel(value: unknown): value is BufferedChannel {
  return (
    typeof value === 'object' &&
    value !== null &&
    'bufferedAmount' in value &&
    typeof value.bufferedAmount === 'number' &&
    'addEventListener' in value &&
    typeof value.addEventListener === 'function' &&
    'removeEventListener' in value &&
    typeof value.removeEventListener === 'function'
  );
}

/**
 * simple-peer keeps its RTCDataChannel in `_channel` (undocumented, untyped): reached by an `in`
 * check and a structural guard, so a version without it falls back to bufferSize and polling.
 */
export function channelOf(instance: SimplePeer.Instance): BufferedChannel | null {
  const channel: unknown = '_channel' in instance ? instance._channel : null;
  return isBufferedChannel(channel) ? channel : null;
}

/** Without the 'bufferedamountlow' event (e.g. @roamhq/wrtc), a waiting queue looks again this often. */
const POLL_MS = 20;

export class LinkIo {
  private readonly queue: SendQueue;
  private readonly reassembly: Reassembly;
  private readonly channel: BufferedChannel | null;
  private readonly eventDriven: boolean;
  private seq = 0;
  private poll: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private readonly onLow = (): void => this.drain();
  private readonly onMessage = (event: { data: unknown }): void => this.onFrame?.(event.data);

  constructor(
    private readonly instance: SimplePeer.Instance,
    private readonly limits: DataLimits,
    private readonly counters: TransportCounters,
    private readonly onViolation: (why: string) => void,
    private readonly onWriteError: (error: unknown) => void,
    /**
     * Given: frames are taken off the channel's 'message' event here, and simple-peer's handler
     * is unset. Its readable stream costs two macrotasks per message in a tab (readable-stream's
     * process.nextTick is the polyfill's setTimeout), work every tab does for every message.
     */
    private readonly onFrame?: (chunk: unknown) => void,
  ) {
    this.channel = channelOf(instance);
    if (this.channel !== null && onFrame !== undefined && 'onmessage' in this.channel) {
      this.channel.onmessage = null;
      this.channel.addEventListener('message', this.onMessage);
    }
    this.eventDriven = this.channel !== null && typeof this.channel.bufferedAmountLowThreshold === 'number';
    if (this.channel !== null && this.eventDriven) {
      this.channel.bufferedAmountLowThreshold = limits.lowWaterBytes;
      this.channel.addEventListener('bufferedamountlow', this.onLow);
    }
    this.reassembly = new Reassembly({ maxMessageBytes: limits.maxMessageBytes, maxPendingMessages: 4 });
    this.queue = new SendQueue({
      maxQueuedBytes: limits.maxQueuedBytes,
      highWaterBytes: limits.highWaterBytes,
      buffered: () => this.channel?.bufferedAmount ?? this.instance.bufferSize,
      write: (frame) => {
        this.instance.send(frame.data);
        this.counters.framesSent++;
      },
      onMessageWritten: (bytes) => {
        this.counters.messagesSent++;
        this.counters.bytesSent += bytes;
      },
    });
  }

  get queuedBytes(): number {
    return this.queue.queuedBytes;
  }

  get queuedMessages(): number {
    return this.queue.queuedMessages;
  }

  get peakQueuedBytes(): number {
    return this.queue.peakBytes;
  }

  /** Queues one message; false (counted) when it is too large or the queue is full. */
  send(text: string, lane: Lane): boolean {
    if (this.closed) return false;
    const bytes = utf8Length(text);
    if (bytes > this.limits.maxMessageBytes) {
      this.counters.sendsDropped++;
      this.counters.sendsTooLarge++;
      return false;
    }
    const frames: Frame[] = toFrames(text, bytes, this.limits.maxFrameBytes, this.seq++);
    if (frames.length > 1) this.counters.messagesChunked++;
    const waitedBefore = this.queue.waited;
    let queued: boolean;
    try {
      queued = this.queue.push(frames, lane);
    } catch (error: unknown) {
      // The channel can be closing before simple-peer notices; the close event follows.
      this.counters.sendsDropped += this.queue.clear();
      this.onWriteError(error);
      return false;
    }
    if (!queued) {
      this.counters.sendsDropped++;
      this.counters.sendsDroppedBackpressure++;
      return false;
    }
    if (this.queue.waited > waitedBefore) this.counters.sendsQueued++;
    this.counters.queuePeakBytes = Math.max(this.counters.queuePeakBytes, this.queue.peakBytes);
    if (this.queue.queuedMessages > 0) this.waitForRoom();
    return true;
  }

  /**
   * One frame off the channel: the whole message to hand on, or null (a chunk kept, or something
   * dropped and counted; a framing violation also cuts the peer through onViolation).
   */
  receive(chunk: unknown): string | Uint8Array | null {
    let frame: string | Uint8Array;
    let bytes: number;
    if (typeof chunk === 'string') {
      frame = chunk;
      // UTF-16 length bounds the UTF-8 size from below: an oversized string is not even measured.
      bytes = chunk.length > this.limits.maxMessageBytes ? chunk.length : utf8Length(chunk);
    } else if (chunk instanceof Uint8Array) {
      frame = chunk;
      bytes = chunk.byteLength;
    } else if (chunk instanceof ArrayBuffer) {
      frame = new Uint8Array(chunk);
      bytes = chunk.byteLength;
    } else {
      this.counters.framesRejected++;
      return null;
    }
    this.counters.bytesReceived += bytes;
    this.counters.framesReceived++;
    if (typeof frame !== 'string' && isChunk(frame)) {
      const result = this.reassembly.accept(frame);
      if (result.kind === 'partial') return null;
      if (result.kind === 'violation') {
        this.counters.framesRejected++;
        this.onViolation(result.why);
        return null;
      }
      this.counters.messagesReceived++;
      this.counters.messagesReassembled++;
      return result.text;
    }
    // Checked before any parsing: a whole message larger than allowed is never decoded.
    if (bytes > this.limits.maxMessageBytes) {
      this.counters.framesRejected++;
      this.counters.messagesTooLarge++;
      return null;
    }
    this.counters.messagesReceived++;
    return frame;
  }

  /** The link is gone: what still waits is lost (counted). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.poll);
    this.channel?.removeEventListener('bufferedamountlow', this.onLow);
    this.channel?.removeEventListener('message', this.onMessage);
    this.counters.sendsDropped += this.queue.clear();
    this.reassembly.clear();
  }

  private drain(): void {
    if (this.closed) return;
    this.counters.queueWakeups++;
    try {
      if (this.queue.flush()) this.waitForRoom();
    } catch (error: unknown) {
      this.counters.sendsDropped += this.queue.clear();
      this.onWriteError(error);
    }
  }

  private waitForRoom(): void {
    if (this.eventDriven || this.poll !== undefined || this.closed) return;
    this.poll = setTimeout(() => {
      this.poll = undefined;
      this.drain();
    }, POLL_MS);
  }
}

/**
 * Data-channel framing: a message small enough for one frame goes as its JSON text, unchanged; a
 * larger one goes as binary chunk frames that the receiver puts back together. Chunk frames start
 * with a 0x00 byte, which no JSON text (and no other binary frame we accept) starts with:
 *
 *   [0x00][u32 message seq][u16 index][u16 count][payload bytes...]   (big-endian)
 *
 * The channel is ordered and reliable, so one message's chunks arrive in order; chunks of two
 * messages may interleave (the control lane can overtake a bulk message between frames), which
 * is why each carries its message's seq. Reassembly is bounded in messages and bytes.
 */

export const CHUNK_MARK = 0x00;
export const CHUNK_HEADER_BYTES = 9;
const MAX_CHUNKS = 0xffff;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** One frame as it goes on the channel, with its size in bytes (UTF-8 for text). */
export interface Frame {
  data: string | Uint8Array;
  bytes: number;
}

/**
 * The frames of one message of `bytes` UTF-8 bytes: itself when it fits `frameBytes`, else chunks
 * of at most `frameBytes` each (header included), tagged with `seq`.
 */
export function toFrames(text: string, bytes: number, frameBytes: number, seq: number): Frame[] {
  if (bytes <= frameBytes) return [{ data: text, bytes }];
  const body = encoder.encode(text);
  const per = frameBytes - CHUNK_HEADER_BYTES;
  const count = Math.ceil(body.byteLength / per);
  if (per < 1 || count > MAX_CHUNKS) throw new RangeError(`cannot chunk ${body.byteLength} bytes into ${frameBytes}-byte frames`);
  const frames: Frame[] = [];
  for (let index = 0; index < count; index++) {
    const part = body.subarray(index * per, Math.min(body.byteLength, (index + 1) * per));
    const frame = new Uint8Array(CHUNK_HEADER_BYTES + part.byteLength);
    const view = new DataView(frame.buffer);
    view.setUint8(0, CHUNK_MARK);
    view.setUint32(1, seq >>> 0);
    view.setUint16(5, index);
    view.setUint16(7, count);
    frame.set(part, CHUNK_HEADER_BYTES);
    frames.push({ data: frame, bytes: frame.byteLength });
  }
  return frames;
}

export function isChunk(data: Uint8Array): boolean {
  return data.byteLength > 0 && data[0] === CHUNK_MARK;
}

export interface ReassemblyLimits {
  /** A reassembled message may not exceed this (bytes). */
  maxMessageBytes: number;
  /** Messages in reassembly at once (two lanes interleave: 2 are enough for an honest sender). */
  maxPendingMessages: number;
}

/** What one chunk frame did: completed a message, was kept, or broke the rules (the sender is cut). */
export type ChunkResult = { kind: 'message'; text: string } | { kind: 'partial' } | { kind: 'violation'; why: string };

interface Pending {
  count: number;
  next: number;
  bytes: number;
  parts: Uint8Array[];
}

/** One link's chunks in progress. Holds at most maxPendingMessages × maxMessageBytes. */
export class Reassembly {
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly limits: ReassemblyLimits) {}

  /** Bytes held now (for the stats). */
  get heldBytes(): number {
    let total = 0;
    for (const p of this.pending.values()) total += p.bytes;
    return total;
  }

  accept(frame: Uint8Array): ChunkResult {
    if (frame.byteLength <= CHUNK_HEADER_BYTES) return { kind: 'violation', why: `chunk frame of ${frame.byteLength} bytes` };
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    const seq = view.getUint32(1);
    const index = view.getUint16(5);
    const count = view.getUint16(7);
    const part = frame.subarray(CHUNK_HEADER_BYTES);
    let entry = this.pending.get(seq);
    if (entry === undefined) {
      if (index !== 0) return { kind: 'violation', why: `chunk ${index} of message ${seq} without its start` };
      if (count < 2) return { kind: 'violation', why: `message ${seq} in ${count} chunk(s)` };
      if (this.pending.size >= this.limits.maxPendingMessages) {
        return { kind: 'violation', why: `more than ${this.limits.maxPendingMessages} chunked messages at once` };
      }
      entry = { count, next: 0, bytes: 0, parts: [] };
      this.pending.set(seq, entry);
    }
    if (index !== entry.next || count !== entry.count) {
      this.pending.delete(seq);
      return { kind: 'violation', why: `chunk ${index}/${count} of message ${seq}, expected ${entry.next}/${entry.count}` };
    }
    entry.bytes += part.byteLength;
    if (entry.bytes > this.limits.maxMessageBytes) {
      this.pending.delete(seq);
      return { kind: 'violation', why: `chunked message ${seq} over ${this.limits.maxMessageBytes} bytes` };
    }
    // Copied: the frame's buffer belongs to the channel's event.
    entry.parts.push(part.slice());
    entry.next++;
    if (entry.next < entry.count) return { kind: 'partial' };
    this.pending.delete(seq);
    const whole = new Uint8Array(entry.bytes);
    let at = 0;
    for (const p of entry.parts) {
      whole.set(p, at);
      at += p.byteLength;
    }
    try {
      return { kind: 'message', text: decoder.decode(whole) };
    } catch (error: unknown) {
      return { kind: 'violation', why: `chunked message ${seq} is not UTF-8: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  clear(): void {
    this.pending.clear();
  }
}

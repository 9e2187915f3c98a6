import { describe, expect, it } from 'vitest';
import { utf8Length } from '../core/wire.ts';
import { CHUNK_HEADER_BYTES, isChunk, Reassembly, toFrames, type Frame } from './frames.ts';

const limits = { maxMessageBytes: 16 * 1024, maxPendingMessages: 2 };

function chunks(text: string, frameBytes: number, seq: number): Uint8Array[] {
  return toFrames(text, utf8Length(text), frameBytes, seq).map((f: Frame) => {
    if (typeof f.data === 'string') throw new Error('expected chunks');
    return f.data;
  });
}

describe('frames', () => {
  it('sends a message that fits one frame as its own text', () => {
    expect(toFrames('{"t":"ping","n":1}', 18, 64, 0)).toEqual([{ data: '{"t":"ping","n":1}', bytes: 18 }]);
  });

  it('chunks a larger message within the frame size and puts it back together, multi-byte characters split across frames', () => {
    const text = JSON.stringify({ t: 'push', payload: 'é😀ü'.repeat(900) });
    const frames = chunks(text, 1000, 7);
    expect(frames.length).toBeGreaterThan(5);
    for (const frame of frames) {
      expect(frame.byteLength).toBeLessThanOrEqual(1000);
      expect(isChunk(frame)).toBe(true);
    }
    const reassembly = new Reassembly(limits);
    const results = frames.map((f) => reassembly.accept(f));
    expect(results.slice(0, -1).every((r) => r.kind === 'partial')).toBe(true);
    expect(results.at(-1)).toEqual({ kind: 'message', text });
    expect(reassembly.heldBytes).toBe(0);
  });

  it('takes two interleaved messages (two lanes) apart by their seq', () => {
    const a = 'a'.repeat(3000);
    const b = 'b'.repeat(2500);
    const fa = chunks(a, 1000, 1);
    const fb = chunks(b, 1000, 2);
    const reassembly = new Reassembly(limits);
    const out: string[] = [];
    for (let i = 0; i < Math.max(fa.length, fb.length); i++) {
      for (const f of [fa[i], fb[i]]) {
        if (f === undefined) continue;
        const r = reassembly.accept(f);
        if (r.kind === 'message') out.push(r.text);
        expect(r.kind).not.toBe('violation');
      }
    }
    expect(out).toEqual([b, a]);
  });

  it('refuses a message growing past maxMessageBytes, a chunk out of order, a missing start, and too many at once', () => {
    const big = chunks('x'.repeat(20_000), 4096, 1);
    const r1 = new Reassembly(limits);
    const results = big.map((f) => r1.accept(f));
    expect(results.find((r) => r.kind === 'violation')).toMatchObject({ why: expect.stringContaining('over 16384 bytes') });
    expect(r1.heldBytes).toBe(0);

    const msg = chunks('y'.repeat(5000), 1000, 3);
    const r2 = new Reassembly(limits);
    r2.accept(msg[0] as Uint8Array);
    expect(r2.accept(msg[2] as Uint8Array)).toMatchObject({ kind: 'violation', why: expect.stringContaining('expected 1/') });
    expect(new Reassembly(limits).accept(msg[1] as Uint8Array)).toMatchObject({ kind: 'violation', why: expect.stringContaining('without its start') });

    const r3 = new Reassembly(limits);
    for (const seq of [10, 11]) expect(r3.accept(chunks('z'.repeat(3000), 1000, seq)[0] as Uint8Array).kind).toBe('partial');
    expect(r3.accept(chunks('z'.repeat(3000), 1000, 12)[0] as Uint8Array)).toMatchObject({ kind: 'violation', why: expect.stringContaining('more than 2') });
    expect(r3.heldBytes).toBe(2 * (1000 - CHUNK_HEADER_BYTES));
  });

  it('refuses a chunked message that is not UTF-8', () => {
    const frames = chunks('w'.repeat(2000), 1000, 5);
    const last = frames.at(-1) as Uint8Array;
    last[last.byteLength - 1] = 0xff;
    const reassembly = new Reassembly(limits);
    const results = frames.map((f) => reassembly.accept(f));
    expect(results.at(-1)).toMatchObject({ kind: 'violation', why: expect.stringContaining('not UTF-8') });
  });
});

import { describe, expect, it } from 'vitest';
import type { PeerId } from '../core/ids.ts';
import { encode, parse, utf8Length, type Message } from '../core/wire.ts';
import { MemoryTransport } from './memory.ts';

const [a, b, c] = [0, 1, 2];
const ping: Message = { t: 'ping', n: 7 };

describe('MemoryTransport', () => {
  it('opens, reports and closes bidirectional links', () => {
    const transport = new MemoryTransport();
    expect(transport.open(a, b)).toBe(true);
    expect(transport.open(b, a)).toBe(false);
    expect(transport.isOpen(a, b)).toBe(true);
    expect(transport.isOpen(b, a)).toBe(true);
    expect(transport.isOpen(a, c)).toBe(false);
    transport.open(a, c);
    expect(transport.neighbors(a).sort()).toEqual([b, c]);
    expect(transport.degree(a)).toBe(2);
    expect(transport.linkCount).toBe(2);
    expect(transport.close(b, a)).toBe(true);
    expect(transport.close(a, b)).toBe(false);
    expect(transport.isOpen(a, b)).toBe(false);
    expect(transport.neighbors(b)).toEqual([]);
    expect(transport.closeAll(a)).toEqual([c]);
    expect(transport.linkCount).toBe(0);
    expect(() => transport.open(a, a)).toThrow(RangeError);
  });

  it('object encoding hands the message over as is (the trusted path: nothing to parse)', () => {
    const transport = new MemoryTransport();
    transport.open(a, b);
    const packet = transport.send(a, b, ping);
    expect(packet).toMatchObject({ kind: 'packet', from: a, to: b, type: 'ping', bytes: 0 });
    expect(packet?.data).toBe(ping);
    expect(transport.stats).toEqual({ packets: 1, bytes: 0, noLink: 0 });
  });

  it('json encoding carries the text and counts its bytes', () => {
    const transport = new MemoryTransport({ encoding: 'json' });
    transport.open(a, b);
    const message: Message = { t: 'push', rumors: [{ origin: 'a' as PeerId, seq: 1, sentAt: 0, hops: 0, payload: 'héllo ✓' }], seen: [], wantFeedback: true };
    const packet = transport.send(a, b, message);
    expect(typeof packet?.data).toBe('string');
    expect(packet?.bytes).toBe(utf8Length(encode(message)));
    expect(packet?.bytes).toBeGreaterThan((packet?.data as string).length); // multi-byte characters
    expect(parse(packet?.data)).toEqual({ ok: true, message });
    expect(transport.stats.bytes).toBe(packet?.bytes);
  });

  it('object encoding can measure bytes too', () => {
    const transport = new MemoryTransport({ measureBytes: true });
    transport.open(a, b);
    expect(transport.send(a, b, ping)?.bytes).toBe(encode(ping).length);
  });

  it('refuses to send without an open link', () => {
    const transport = new MemoryTransport();
    expect(transport.send(a, b, ping)).toBeNull();
    transport.open(a, b);
    transport.close(a, b);
    expect(transport.send(a, b, ping)).toBeNull();
    expect(transport.stats.noLink).toBe(2);
  });
});

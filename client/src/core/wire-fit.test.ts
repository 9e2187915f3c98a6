import { describe, expect, it } from 'vitest';
import { asPeerId, type RumorId } from './ids.ts';
import { Outbox } from './outbox.ts';
import { fitToWire, jsonBytesBound } from './wire-fit.ts';
import { MAX_PAYLOAD_BYTES, MAX_MESSAGE_BYTES, encode, parse, utf8Length, type Message, type Rumor } from './wire.ts';

const origin = asPeerId('prycpqreubxtqcra');
const proof = 'A'.repeat(128);

/** The largest rumors the wire allows, with proofs, one escaped character each (a quote). */
function rumors(count: number): Rumor[] {
  return Array.from({ length: count }, (_, i) => ({
    origin,
    seq: i + 1,
    sentAt: 1_796_304_603_586.7002 + i,
    hops: 1,
    payload: `"${String(i).padStart(6, '0')}${'x'.repeat(MAX_PAYLOAD_BYTES - 7)}`,
    proof,
  }));
}

function ids(count: number): RumorId[] {
  return Array.from({ length: count }, (_, i) => `${origin}:${i + 1}` as RumorId);
}

/** Each part crosses the wire as the receiver sees it: within the byte limit and accepted by parse. */
function expectEachAccepted(parts: readonly Message[]): void {
  for (const part of parts) {
    const text = encode(part);
    expect(utf8Length(text)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    const parsed = parse(text);
    expect(parsed.ok, parsed.ok ? '' : `${parsed.reason}: ${parsed.detail}`).toBe(true);
  }
}

const rumorsIn = (parts: readonly Message[]) => parts.flatMap((m) => (m.t === 'push' || m.t === 'pull' ? m.rumors : []));

describe('fitToWire', () => {
  it('leaves a message that fits as it is (the same object)', () => {
    const push: Message = { t: 'push', rumors: rumors(3), seen: ids(5), wantFeedback: true };
    expect(fitToWire(push)).toEqual([push]);
    expect(fitToWire(push)[0]).toBe(push);
  });

  it('splits a push of a 2500-rumor burst into messages the receiver accepts, every rumor once, in order', () => {
    const burst = rumors(2500);
    const parts = fitToWire({ t: 'push', rumors: burst, seen: ids(600), wantFeedback: true });
    expect(parts.length).toBeGreaterThan(2500 / 32);
    expectEachAccepted(parts);
    expect(rumorsIn(parts)).toEqual(burst);
    expect(parts.flatMap((m) => (m.t === 'push' ? m.seen : []))).toEqual(ids(600));
    for (const m of parts) if (m.t === 'push' && m.rumors.length > 0) expect(m.wantFeedback).toBe(true);
  });

  it('keeps a pull\'s digest in the pull and sends the rumors beside it as pushes that ask for feedback', () => {
    const hot = rumors(40);
    const digest: Extract<Message, { t: 'pull' }>['digest'] = [[origin, [[1, 40]]]];
    const parts = fitToWire({ t: 'pull', digest, rumors: hot, hash: 'abc' });
    expect(parts[0]).toEqual({ t: 'pull', digest, rumors: [], hash: 'abc' });
    expect(parts.slice(1).every((m) => m.t === 'push' && m.wantFeedback)).toBe(true);
    expectEachAccepted(parts);
    expect(rumorsIn(parts)).toEqual(hot);
  });

  it('splits long ihave and graft id lists', () => {
    const announced = ids(1000).map((id) => [id, 3] as [RumorId, number]);
    const ihaves = fitToWire({ t: 'ihave', rumors: announced });
    expectEachAccepted(ihaves);
    expect(ihaves.flatMap((m) => (m.t === 'ihave' ? m.rumors : []))).toEqual(announced);

    const root = asPeerId('root');
    const grafts = fitToWire({ t: 'graft', root, ids: ids(600) });
    expectEachAccepted(grafts);
    expect(grafts.every((m) => m.t === 'graft' && m.root === root)).toBe(true);
    expect(grafts.flatMap((m) => (m.t === 'graft' ? (m.ids ?? []) : []))).toEqual(ids(600));
  });

  it('is applied to everything the outbox sends', () => {
    const out = new Outbox();
    out.send(asPeerId('b'), { t: 'push', rumors: rumors(100), seen: [], wantFeedback: false });
    const sent = out.drain().actions.flatMap((a) => (a.type === 'send' ? [a.message] : []));
    expect(sent.length).toBeGreaterThan(1);
    expectEachAccepted(sent);
    expect(rumorsIn(sent)).toHaveLength(100);
  });

  it('bounds a message\'s JSON size from above without serialising it', () => {
    const values: unknown[] = [
      { t: 'ping', n: 0 },
      { t: 'pong', n: Number.MAX_SAFE_INTEGER, lag: 60_000 },
      { t: 'probe-ack', n: 7, target: 'a'.repeat(64), ok: false },
      { t: 'shuffle', sample: ['a', 'b-c_d'] },
      { t: 'register', text: '\u0000\u001f"\\\ud800 é 🎉', at: -0.0000012345678901234567, none: undefined, list: [undefined, null, true] },
      [-1.7976931348623157e308, -5e-324, NaN, Infinity, -0, 1e21],
      { nested: { deeper: [{ x: 'y'.repeat(1000) }] } },
    ];
    for (const value of values) expect(jsonBytesBound(value)).toBeGreaterThanOrEqual(utf8Length(JSON.stringify(value)));
  });
});

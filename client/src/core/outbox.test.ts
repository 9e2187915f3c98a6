import { describe, expect, it } from 'vitest';
import { asPeerId } from './ids.ts';
import { Outbox } from './outbox.ts';
import { MAX_BATCH_PARTS, MAX_MESSAGE_BYTES, encode, utf8Length, type Message } from './wire.ts';

const a = asPeerId('a');
const b = asPeerId('b');
const sends = (out: Outbox) => out.drain().actions.flatMap((x) => (x.type === 'send' ? [[x.to, x.message] as const] : []));

describe('Outbox.coalesce', () => {
  it('merges the control messages due for one peer into one batch, in order; payloads and lone messages stay as they are', () => {
    const out = new Outbox();
    out.send(a, { t: 'ping', n: 1 });
    const mark = out.actions.length;
    const push: Message = { t: 'push', rumors: [], seen: [], wantFeedback: false };
    out.send(a, { t: 'ping', n: 2 });
    out.send(b, { t: 'prune' });
    out.send(a, push);
    out.send(a, { t: 'pull', digest: [], rumors: [], hash: 'abc' });
    out.coalesce(mark);
    expect(sends(out)).toEqual([
      [a, { t: 'ping', n: 1 }], // before the mark: untouched
      [b, { t: 'prune' }],
      [a, push],
      [a, { t: 'batch', parts: [{ t: 'ping', n: 2 }, { t: 'pull', digest: [], rumors: [], hash: 'abc' }] }],
    ]);
  });

  it('splits what does not fit: at most MAX_BATCH_PARTS parts and MAX_MESSAGE_BYTES per batch', () => {
    const out = new Outbox();
    for (let n = 0; n < MAX_BATCH_PARTS + 3; n++) out.send(a, { t: 'ping', n });
    const big: Message = { t: 'shuffle', sample: Array.from({ length: 64 }, (_, i) => asPeerId(`${'x'.repeat(60)}${i}`)) };
    for (let i = 0; i < 6; i++) out.send(b, big);
    out.coalesce(0);
    const sent = sends(out);
    const toA = sent.filter(([to]) => to === a).map(([, m]) => m);
    expect(toA.map((m) => (m.t === 'batch' ? m.parts.length : 1))).toEqual([MAX_BATCH_PARTS, 3]);
    const toB = sent.filter(([to]) => to === b).map(([, m]) => m);
    expect(toB.length).toBeGreaterThan(1);
    for (const [, message] of sent) expect(utf8Length(encode(message))).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(toB.reduce((sum, m) => sum + (m.t === 'batch' ? m.parts.length : 1), 0)).toBe(6);
  });

  it('measures exactly when the cheap size bound says no: parts that fit only by their exact size still go as one batch', () => {
    const out = new Outbox();
    // About 4 KB each on the wire (ASCII ids), but bounded at 6 bytes per character: 3 fit, 4 do not.
    const big: Message = { t: 'shuffle', sample: Array.from({ length: 64 }, (_, i) => asPeerId(`${'x'.repeat(60)}${i}`)) };
    for (let i = 0; i < 3; i++) out.send(b, big);
    out.coalesce(0);
    const sent = sends(out);
    expect(sent.map(([, m]) => (m.t === 'batch' ? m.parts.length : 1))).toEqual([3]);
    expect(utf8Length(encode(sent[0]?.[1] as Message))).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
  });
});

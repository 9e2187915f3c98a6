import { describe, expect, it } from 'vitest';
import { seededRandom } from './env.ts';
import {
  MAX_COUNTER_ENTRIES_PER_MESSAGE,
  MAX_DIGEST_ORIGINS,
  MAX_IDS_PER_MESSAGE,
  MAX_MESSAGE_BYTES,
  MAX_PAYLOAD_BYTES,
  MAX_RANGES_PER_ORIGIN,
  MAX_REGISTER_BYTES,
  MAX_RUMORS_PER_MESSAGE,
  MAX_TOPOLOGY_ENTRIES_PER_MESSAGE,
  MESSAGE_TYPES,
  WIRE_VERSION,
  MAX_BATCH_PARTS,
  encode,
  parse,
  utf8Length,
  type Message,
  type MessageType,
  type RejectReason,
  type Rumor,
} from './wire.ts';
import { asPeerId, type RumorId } from './ids.ts';

const A = asPeerId('alice');
const B = asPeerId('bob_2');
const rumor = (seq: number, payload = 'hi'): Rumor => ({ origin: A, seq, sentAt: 1000, hops: 2, payload });

/** One valid instance of every message type (the `Record` makes the compiler insist on all). */
const samples: Record<MessageType, Message> = {
  ping: { t: 'ping', n: 7 },
  pong: { t: 'pong', n: 0, lag: 750 },
  'probe-req': { t: 'probe-req', n: 4, target: B },
  'probe-ack': { t: 'probe-ack', n: 4, target: B, ok: false },
  leave: { t: 'leave' },
  shuffle: { t: 'shuffle', sample: [A, B] },
  'shuffle-reply': { t: 'shuffle-reply', sample: [] },
  push: { t: 'push', rumors: [rumor(1, 'héllo 😀')], seen: ['bob_2:3' as RumorId], wantFeedback: true },
  prune: { t: 'prune', root: A },
  graft: { t: 'graft', root: A, ids: ['alice:4' as RumorId] },
  ihave: { t: 'ihave', rumors: [['alice:4' as RumorId, 3]] },
  pull: { t: 'pull', digest: [[A, [[1, 3], [5, 5]]]], rumors: [rumor(4)] },
  state: { t: 'state', counter: [[A, 5, 2]], register: { value: 'x', timestamp: 12, origin: B }, reply: true },
  topology: { t: 'topology', entries: [{ peer: A, neighbors: [B], version: 3 }], reply: false },
  signal: { t: 'signal', from: A, to: B, hops: 1, data: { type: 'offer', sdp: 'v=0' } },
  aggregate: { t: 'aggregate', epoch: 3, leader: B, count: [0.5, 0.25], sum: [-12.5, 0.5], min: -3, max: 40 },
  batch: { t: 'batch', parts: [{ t: 'ping', n: 1 }, { t: 'pull', digest: [], rumors: [], hash: 'k3x9' }, { t: 'prune' }] },
};

const signalData: unknown[] = [
  { type: 'knock' },
  { type: 'answer', sdp: 'v=0' },
  { type: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 1.2.3.4 5 typ host', sdpMLineIndex: 0, sdpMid: null } },
  { type: 'renegotiate', renegotiate: true },
];

function expectReject(input: unknown, reason: RejectReason): string {
  const result = parse(input);
  if (result.ok) throw new Error(`expected ${reason}, got ok: ${JSON.stringify(result.message)}`);
  expect(result.reason).toBe(reason);
  return result.detail;
}

/** A valid message of the given type in its envelope, with fields replaced. */
const withFields = (type: MessageType, fields: Record<string, unknown>): Record<string, unknown> => ({ v: WIRE_VERSION, ...samples[type], ...fields });
const enveloped = (message: Message): Record<string, unknown> => ({ v: WIRE_VERSION, ...message });

describe('parse: valid messages', () => {
  it('covers every message type', () => {
    expect(Object.keys(samples).sort()).toEqual([...MESSAGE_TYPES].sort());
  });

  for (const type of MESSAGE_TYPES) {
    it(`accepts a ${type} as JSON text, UTF-8 bytes, ArrayBuffer and plain object`, () => {
      const message = samples[type];
      const text = encode(message);
      const bytes = new TextEncoder().encode(text);
      const inputs: unknown[] = [text, bytes, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), JSON.parse(text)];
      for (const input of inputs) {
        const result = parse(input);
        expect(result).toEqual({ ok: true, message });
      }
    });
  }

  it('accepts every kind of signal data', () => {
    for (const data of signalData) expect(parse(withFields('signal', { data })).ok).toBe(true);
  });

  it('round-trips encode/parse, dropping unknown extra keys', () => {
    for (const message of Object.values(samples)) {
      const again = parse(encode(message));
      expect(again.ok && encode(again.message)).toBe(encode(message));
    }
    const extra = parse(withFields('ping', { evil: 'x' }));
    expect(extra.ok && 'evil' in extra.message).toBe(false);
  });
});

describe('parse: rejections', () => {
  it('rejects oversized strings by UTF-8 length, even when the char count is small', () => {
    const filler = '€'.repeat(6000); // 6000 chars, 18000 bytes
    expect(filler.length).toBeLessThan(MAX_MESSAGE_BYTES);
    const text = JSON.stringify(withFields('ping', { filler }));
    expect(expectReject(text, 'oversized')).toContain(String(MAX_MESSAGE_BYTES));
    // Just at the limit passes the size check (and then parses).
    const pad = 'a'.repeat(MAX_MESSAGE_BYTES - encode(samples.ping).length - ',"p":""'.length);
    const exact = JSON.stringify(withFields('ping', { p: pad }));
    expect(utf8Length(exact)).toBe(MAX_MESSAGE_BYTES);
    expect(parse(exact).ok).toBe(true);
    expectReject(exact + ' ', 'oversized');
  });

  it('rejects oversized bytes and buffers', () => {
    const bytes = new Uint8Array(MAX_MESSAGE_BYTES + 1).fill(0x20);
    expectReject(bytes, 'oversized');
    expectReject(bytes.buffer, 'oversized');
  });

  it('rejects malformed input', () => {
    expectReject('{"v":1,', 'malformed');
    expectReject('', 'malformed');
    expectReject(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 'malformed'); // not UTF-8
    expectReject(new Uint8Array([0xc3]), 'malformed'); // truncated sequence
    for (const value of [null, undefined, 42, true, 'null', '[]', '"ping"', '17', [enveloped(samples.ping)], () => 1]) {
      expectReject(value, 'malformed');
    }
  });

  it('rejects unknown versions and unknown types', () => {
    expectReject({ t: 'ping', n: 1 }, 'unknown-version');
    expectReject(withFields('ping', { v: WIRE_VERSION + 1 }), 'unknown-version');
    expectReject(withFields('ping', { v: String(WIRE_VERSION) }), 'unknown-version');
    expectReject({ v: WIRE_VERSION, t: 'gossip' }, 'unknown-type');
    expectReject({ v: WIRE_VERSION }, 'unknown-type');
    expectReject({ v: WIRE_VERSION, t: 'toString' }, 'unknown-type');
  });

  const tooMany = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));
  const invalid: Array<[string, Record<string, unknown>]> = [
    ['negative ping n', withFields('ping', { n: -1 })],
    ['a payload inside a batch', withFields('batch', { parts: [samples.push] })],
    ['a batch inside a batch', withFields('batch', { parts: [samples.batch] })],
    ['an empty batch', withFields('batch', { parts: [] })],
    ['too many batch parts', withFields('batch', { parts: tooMany(MAX_BATCH_PARTS + 1, () => samples.ping) })],
    ['an invalid batch part', withFields('batch', { parts: [{ t: 'ping', n: -1 }] })],
    ['a digest hash that is not base 36', withFields('pull', { digest: [], rumors: [], hash: 'NOT hex!' })],
    ['ihave hops out of range', withFields('ihave', { rumors: [['alice:1', 256]] })],
    ['lone surrogate in a payload', withFields('push', { rumors: [{ ...rumor(1), payload: 'a\uD800b' }] })],
    ['lone surrogate in a register value', withFields('state', { register: { value: '\uDC00', timestamp: 1, origin: B } })],
    ['negative aggregate weight', withFields('aggregate', { count: [1, -0.5] })],
    ['aggregate epoch not an integer', withFields('aggregate', { epoch: 1.5 })],
    ['aggregate min not a number', withFields('aggregate', { min: 'low' })],
    ['fractional ping n', withFields('ping', { n: 1.5 })],
    ['string pong n', withFields('pong', { n: '1' })],
    ['zero pong lag', withFields('pong', { lag: 0 })],
    ['fractional ping lag', withFields('ping', { lag: 750.5 })],
    ['pong lag over an hour', withFields('pong', { lag: 3_600_001 })],
    ['bad peer id in sample', withFields('shuffle', { sample: ['has space'] })],
    ['empty peer id', withFields('shuffle-reply', { sample: [''] })],
    ['too long peer id', withFields('shuffle', { sample: ['x'.repeat(65)] })],
    ['sample too big', withFields('shuffle', { sample: tooMany(65, (i) => `p${i}`) })],
    ['rumor seq 0', withFields('push', { rumors: [{ ...rumor(1), seq: 0 }] })],
    ['negative rumor seq', withFields('push', { rumors: [{ ...rumor(1), seq: -3 }] })],
    ['negative sentAt', withFields('push', { rumors: [{ ...rumor(1), sentAt: -1 }] })],
    ['hops > 255', withFields('push', { rumors: [{ ...rumor(1), hops: 256 }] })],
    ['bad rumor origin', withFields('push', { rumors: [{ ...rumor(1), origin: 'a/b' }] })],
    ['payload over limit in bytes', withFields('push', { rumors: [rumor(1, 'é'.repeat(MAX_PAYLOAD_BYTES / 2 + 1))] })],
    ['payload not a string', withFields('push', { rumors: [{ ...rumor(1), payload: 5 }] })],
    ['too many rumors', withFields('push', { rumors: tooMany(MAX_RUMORS_PER_MESSAGE + 1, (i) => rumor(i + 1)) })],
    ['too many pull rumors', withFields('pull', { rumors: tooMany(MAX_RUMORS_PER_MESSAGE + 1, (i) => rumor(i + 1)) })],
    ['bad seen id', withFields('push', { seen: ['alice:0'] })],
    ['too many seen ids', withFields('push', { seen: tooMany(MAX_IDS_PER_MESSAGE + 1, (i) => `a:${i + 1}`) })],
    ['wantFeedback not boolean', withFields('push', { wantFeedback: 'yes' })],
    ['digest range from > to', withFields('pull', { digest: [[A, [[5, 3]]]] })],
    ['digest range with 0', withFields('pull', { digest: [[A, [[0, 3]]]] })],
    ['digest tuple too short', withFields('pull', { digest: [[A]] })],
    ['too many ranges', withFields('pull', { digest: [[A, tooMany(MAX_RANGES_PER_ORIGIN + 1, (i) => [2 * i + 1, 2 * i + 1])]] })],
    ['too many digest origins', withFields('pull', { digest: tooMany(MAX_DIGEST_ORIGINS + 1, (i) => [`o${i}`, []]) })],
    ['negative counter', withFields('state', { counter: [[A, -1, 0]] })],
    ['too many counter entries', withFields('state', { counter: tooMany(MAX_COUNTER_ENTRIES_PER_MESSAGE + 1, (i) => [`c${i}`, 1, 0]) })],
    ['register too long', withFields('state', { register: { value: 'x'.repeat(MAX_REGISTER_BYTES + 1), timestamp: 1, origin: A } })],
    ['register missing origin', withFields('state', { register: { value: 'x', timestamp: 1 } })],
    ['register timestamp not a number', withFields('state', { register: { value: 'x', timestamp: 'now', origin: A } })],
    ['too many topology entries', withFields('topology', { entries: tooMany(MAX_TOPOLOGY_ENTRIES_PER_MESSAGE + 1, (i) => ({ peer: `t${i}`, neighbors: [], version: 1 })) })],
    ['too many neighbours', withFields('topology', { entries: [{ peer: A, neighbors: tooMany(129, (i) => `n${i}`), version: 1 }] })],
    ['reply missing', { v: WIRE_VERSION, t: 'state', counter: [], register: null }],
    ['signal to bad id', withFields('signal', { to: 'no!' })],
    ['signal hops > 64', withFields('signal', { hops: 65 })],
    ['signal unknown data type', withFields('signal', { data: { type: 'hello' } })],
    ['knock with extra key', withFields('signal', { data: { type: 'knock', x: 1 } })],
    ['sdp too long', withFields('signal', { data: { type: 'offer', sdp: 'x'.repeat(12_001) } })],
  ];
  for (const [name, input] of invalid) {
    it(`rejects as invalid: ${name}`, () => {
      expectReject(input, 'invalid');
      expectReject(JSON.stringify(input), 'invalid');
    });
  }

  it('accepts a payload of exactly MAX_PAYLOAD_BYTES bytes of multibyte text', () => {
    const payload = 'é'.repeat(MAX_PAYLOAD_BYTES / 2);
    expect(parse(withFields('push', { rumors: [rumor(1, payload)] })).ok).toBe(true);
  });
});

describe('utf8Length', () => {
  const encoder = new TextEncoder();
  it('matches TextEncoder on fixed strings', () => {
    for (const s of ['', 'abc', 'é', '€uro', '日本語', '😀', 'a😀b🎉c', '\u{10FFFF}', '\u07FF\u0800', '\uD800', '\uDC00x', '\uD800\u4E00', 'x\uDBFF']) {
      expect(utf8Length(s), JSON.stringify(s)).toBe(encoder.encode(s).length);
    }
  });

  it('matches TextEncoder on random strings of mixed code units', () => {
    const random = seededRandom(99);
    const units = [0x41, 0x7f, 0x80, 0x7ff, 0x800, 0xffff, 0xd83d, 0xde00, 0xd800, 0xdfff, 0xe000];
    for (let round = 0; round < 300; round++) {
      let s = '';
      const length = Math.floor(random() * 12);
      for (let i = 0; i < length; i++) s += String.fromCharCode(units[Math.floor(random() * units.length)] ?? 0x41);
      expect(utf8Length(s), JSON.stringify(s)).toBe(encoder.encode(s).length);
    }
  });
});

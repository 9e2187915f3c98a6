import { z } from 'zod';
import { isPeerId, type PeerId, type RumorId } from './ids.ts';
import { PROOF_PATTERN } from './signed.ts';

/**
 * Every message between peers is one member of this union, sent in an envelope that carries the
 * wire version: `{ v: WIRE_VERSION, t, ... }`. The version stands here only: messages are built
 * without it and `encode` adds it. `parse` is the only way in: whatever arrives from a link is
 * untrusted until it passes here, and nothing past here re-checks.
 */
export const WIRE_VERSION = 2;
/** Data channel messages above 16 KiB are not portable between browsers. */
export const MAX_MESSAGE_BYTES = 16 * 1024;
export const MAX_PAYLOAD_BYTES = 2048;
export const MAX_REGISTER_BYTES = 1024;
export const MAX_RUMORS_PER_MESSAGE = 32;
export const MAX_DIGEST_ORIGINS = 128;
export const MAX_RANGES_PER_ORIGIN = 16;
export const MAX_IDS_PER_MESSAGE = 256;
export const MAX_COUNTER_ENTRIES_PER_MESSAGE = 256;
export const MAX_TOPOLOGY_ENTRIES_PER_MESSAGE = 128;
export const MAX_SIGNAL_SDP_CHARS = 12_000;
/** Control messages one `batch` may carry (the sender also keeps the batch under MAX_MESSAGE_BYTES). */
export const MAX_BATCH_PARTS = 16;

const peerId = z.custom<PeerId>(isPeerId, 'expected a peer id ([A-Za-z0-9_-]{1,64})');
const rumorIdSchema = z.custom<RumorId>(
  (v) => typeof v === 'string' && /^[A-Za-z0-9_-]{1,64}:[1-9][0-9]{0,15}$/.test(v),
  'expected a rumor id (origin:seq)',
);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const seq = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
/** Times are epoch milliseconds that `Date` can represent (a larger one threw RangeError in the page). */
const timestamp = z.number().finite().min(0).max(8.64e15);
/** An origin's signature over the item (core/signed.ts); absent on the trusted in-process path. */
const proof = z.string().regex(PROOF_PATTERN, 'expected a proof (128 base64url characters)');
/** Lone surrogates are refused: JSON escapes them to 6 bytes, which would defeat the byte limits. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}
const boundedText = (maxBytes: number) =>
  z
    .string()
    .refine(isWellFormed, 'contains a lone UTF-16 surrogate')
    .refine((s) => utf8Length(s) <= maxBytes, `longer than ${maxBytes} bytes`);

export const rumorSchema = z.object({
  origin: peerId,
  seq,
  /** Origin's clock when published (epoch ms); for latency and expiry. */
  sentAt: timestamp,
  /** Links crossed so far. */
  hops: z.number().int().min(0).max(255),
  payload: boundedText(MAX_PAYLOAD_BYTES),
  proof: proof.optional(),
});
export type Rumor = z.output<typeof rumorSchema>;

/** What a node has seen from one origin, as inclusive [from, to] ranges of sequence numbers. */
const digestEntry = z.tuple([
  peerId,
  z.array(z.tuple([seq, seq]).refine(([a, b]) => a <= b, 'range from > to')).max(MAX_RANGES_PER_ORIGIN),
]);
export type DigestEntry = z.output<typeof digestEntry>;

/** PN-counter entry: [origin, total added, total subtracted, origin's proof?]; both totals only grow. */
const counterEntry = z.union([z.tuple([peerId, count, count]), z.tuple([peerId, count, count, proof])]);
export type CounterEntry = z.output<typeof counterEntry>;

export const registerSchema = z.object({
  value: boundedText(MAX_REGISTER_BYTES),
  timestamp,
  origin: peerId,
  proof: proof.optional(),
});
export type RegisterValue = z.output<typeof registerSchema>;

const topologyEntry = z.object({
  peer: peerId,
  neighbors: z.array(peerId).max(128),
  /** Owner's clock at its last change or refresh; newer wins. */
  version: timestamp,
  /** A death notice: a neighbour of `peer` saw it leave or go silent and wrote this entry one version
   * past the last one it had heard; `neighbors` is then empty. The owner, if alive, refutes it with
   * a newer version of its own entry (see topology.ts). */
  gone: z.literal(true).optional(),
  /** Who wrote a death notice (it signs it); an own entry is signed by `peer`. */
  by: peerId.optional(),
  proof: proof.optional(),
});
export type TopologyEntry = z.output<typeof topologyEntry>;

/** WebRTC signaling as simple-peer produces it, plus `knock` (asks the lower id to initiate). */
export const signalDataSchema = z.union([
  z.object({ type: z.literal('knock') }).strict(),
  z.object({
    type: z.enum(['offer', 'answer', 'pranswer', 'rollback']),
    sdp: z.string().max(MAX_SIGNAL_SDP_CHARS),
    /** Through the server or a tab of this browser: the sender's stamp and proof (identity/signed-signals.ts). */
    stamp: timestamp.optional(),
    proof: proof.optional(),
  }),
  z.object({
    type: z.literal('candidate'),
    candidate: z.object({
      candidate: z.string().max(2048),
      sdpMLineIndex: z.number().int().min(0).max(1024).nullable().optional(),
      sdpMid: z.string().max(256).nullable().optional(),
      usernameFragment: z.string().max(256).nullable().optional(),
    }),
  }),
  z.object({ type: z.literal('renegotiate'), renegotiate: z.literal(true) }),
]);
export type SignalData = z.output<typeof signalDataSchema>;

const hopCount = z.number().int().min(0).max(255);

const aggregateShare = z.object({
  epoch: count,
  leader: peerId,
  count: z.tuple([z.number().finite().min(0), z.number().finite().min(0)]),
  sum: z.tuple([z.number().finite(), z.number().finite().min(0)]),
  min: z.number().finite(),
  max: z.number().finite(),
  /** The leader's signature over (epoch, leader) (signed.ts leaderText). */
  ticket: proof.optional(),
});

const lag = z.number().int().min(1).max(3_600_000);

/** Control messages: what a `batch` may carry (never payloads: pushes and signals travel alone). */
const controlSchemas = [
  /** `lag` (ping and pong): the sender's rounds run this late (ms; a background tab's throttled timers): wait for its answers longer. */
  z.object({ t: z.literal('ping'), n: count, lag: lag.optional() }),
  z.object({ t: z.literal('pong'), n: count, lag: lag.optional() }),
  /** Failure detection (failure-detector.ts): "ping `target` for me"; answered by probe-ack. */
  z.object({ t: z.literal('probe-req'), n: count, target: peerId }),
  /** The answer to probe-req `n`: `ok` the target answered the helper; not ok, it did not (Lifeguard's nack). */
  z.object({ t: z.literal('probe-ack'), n: count, target: peerId, ok: z.boolean() }),
  /** The sender is going away for good (tab closing). */
  z.object({ t: z.literal('leave') }),
  z.object({ t: z.literal('shuffle'), sample: z.array(peerId).max(64) }),
  z.object({ t: z.literal('shuffle-reply'), sample: z.array(peerId).max(64) }),
  /** tree mode: stop / resume pushing new updates from `root` (every root when absent) to me over
   * this link (it stays open either way). A graft may name rumors of `root` the sender lacks. */
  z.object({ t: z.literal('prune'), root: peerId.optional() }),
  z.object({ t: z.literal('graft'), root: peerId.optional(), ids: z.array(rumorIdSchema).max(MAX_IDS_PER_MESSAGE).optional() }),
  /** tree mode, lazy push: "I have these rumors" ([id, hops at the sender]) over a non-tree link. */
  z.object({ t: z.literal('ihave'), rumors: z.array(z.tuple([rumorIdSchema, hopCount])).max(MAX_IDS_PER_MESSAGE) }),
  /** "Here is what I have; send me what I lack" (plus hot rumors in push-pull). `hash` instead of
   * a digest (then empty): "my digest is unchanged, and hashes to this"; a receiver whose own digest
   * hashes otherwise answers with its full digest. */
  z.object({
    t: z.literal('pull'),
    digest: z.array(digestEntry).max(MAX_DIGEST_ORIGINS),
    rumors: z.array(rumorSchema).max(MAX_RUMORS_PER_MESSAGE),
    hash: z.string().regex(/^[0-9a-z]{1,13}$/).optional(),
  }),
  /** CRDT state (or a delta of it); `reply` asks the receiver to answer with its own. */
  z.object({
    t: z.literal('state'),
    counter: z.array(counterEntry).max(MAX_COUNTER_ENTRIES_PER_MESSAGE),
    register: registerSchema.nullable(),
    reply: z.boolean(),
  }),
  /** Neighbour lists and death notices (topology.ts); `reply` asks for the receiver's table. */
  z.object({
    t: z.literal('topology'),
    entries: z.array(topologyEntry).max(MAX_TOPOLOGY_ENTRIES_PER_MESSAGE),
    reply: z.boolean(),
  }),
  /** Push-sum aggregation: half of the sender's mass for this epoch's elected instance, and for the
   * previous epoch's while it still runs (`older`; instances overlap, aggregate.ts). */
  z.object({ t: z.literal('aggregate'), ...aggregateShare.shape, older: z.object(aggregateShare.shape).optional() }),
] as const;
const controlSchema = z.discriminatedUnion('t', controlSchemas);

const messageSchema = z.discriminatedUnion('t', [
  ...controlSchemas,
  /** Rumor payloads; `seen` tells the receiver which of its pushed rumors were old news here. */
  z.object({
    t: z.literal('push'),
    rumors: z.array(rumorSchema).max(MAX_RUMORS_PER_MESSAGE),
    seen: z.array(rumorIdSchema).max(MAX_IDS_PER_MESSAGE),
    wantFeedback: z.boolean(),
  }),
  /** WebRTC signaling for a new link, relayed hop by hop through the mesh. */
  z.object({
    t: z.literal('signal'),
    from: peerId,
    to: peerId,
    hops: z.number().int().min(0).max(64),
    data: signalDataSchema,
    /** The sender's hybrid-clock stamp, signed with the rest: replays are recognised by it. */
    stamp: timestamp.optional(),
    proof: proof.optional(),
  }),
  /** Several control messages due for one link at once, sent as one (outbox.ts), admitted as one
   * and dispatched part by part (node.ts). */
  z.object({ t: z.literal('batch'), parts: z.array(controlSchema).min(1).max(MAX_BATCH_PARTS) }),
]);

export type Message = z.output<typeof messageSchema>;
export type MessageType = Message['t'];
export type MessageOf<T extends MessageType> = Extract<Message, { t: T }>;
export const MESSAGE_TYPES: readonly MessageType[] = messageSchema.options.map((o) => o.shape.t.value);
/** What a batch carries. */
export type ControlMessage = z.output<typeof controlSchema>;
export const CONTROL_TYPES: ReadonlySet<MessageType> = new Set(controlSchemas.map((o) => o.shape.t.value));
/** The types a module owns: all but `batch`, which node.ts unpacks. */
export type RoutedType = Exclude<MessageType, 'batch'>;

export type RejectReason = 'oversized' | 'malformed' | 'unknown-version' | 'unknown-type' | 'invalid';
export type ParseResult = { ok: true; message: Message } | { ok: false; reason: RejectReason; detail: string };

const knownTypes = new Set<unknown>(MESSAGE_TYPES);
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Accepts what a link delivers: JSON text, its UTF-8 bytes, or an already-decoded value (simulator). */
export function parse(input: unknown): ParseResult {
  let value: unknown = input;
  if (typeof input === 'string' || input instanceof Uint8Array || input instanceof ArrayBuffer) {
    const decoded = decodeText(input);
    if (!decoded.ok) return decoded;
    try {
      value = JSON.parse(decoded.text);
    } catch (error) {
      return reject('malformed', `not JSON: ${(error as Error).message}`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return reject('malformed', 'not an object');
  const record = value as Record<string, unknown>;
  if (record['v'] !== WIRE_VERSION) return reject('unknown-version', `version ${String(record['v'])}, expected ${WIRE_VERSION}`);
  if (!knownTypes.has(record['t'])) return reject('unknown-type', `type ${JSON.stringify(record['t'])}`);
  // zod drops keys it does not know, so the envelope's `v` does not reach past here.
  const result = messageSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    return reject('invalid', issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid');
  }
  return { ok: true, message: result.data };
}

/** The envelope: the message with the wire version, as JSON text for a data channel. */
export function encode(message: Message): string {
  return JSON.stringify({ v: WIRE_VERSION, ...message });
}

function decodeText(input: string | Uint8Array | ArrayBuffer): { ok: true; text: string } | { ok: false; reason: RejectReason; detail: string } {
  if (typeof input === 'string') {
    const bytes = utf8Length(input);
    return bytes > MAX_MESSAGE_BYTES ? tooBig(bytes) : { ok: true, text: input };
  }
  if (input.byteLength > MAX_MESSAGE_BYTES) return tooBig(input.byteLength);
  try {
    return { ok: true, text: decoder.decode(input) };
  } catch (error) {
    return reject('malformed', `not UTF-8: ${(error as Error).message}`);
  }
}

function tooBig(bytes: number) {
  return reject('oversized', `${bytes} bytes > ${MAX_MESSAGE_BYTES}`);
}

function reject(reason: RejectReason, detail: string): { ok: false; reason: RejectReason; detail: string } {
  return { ok: false, reason, detail };
}

/** UTF-8 byte length without allocating (TextEncoder would copy the whole string). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3; // BMP, or a lone surrogate (encoded as U+FFFD, 3 bytes)
  }
  return bytes;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

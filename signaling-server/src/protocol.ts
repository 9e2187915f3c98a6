import { z } from 'zod';

/**
 * The socket.io contract between the signaling server and the browser client. Shared by both
 * sides, so this file must stay free of Node imports. Everything that crosses the wire is
 * untrusted on arrival and goes through one of these schemas before it is used.
 */

export const PEER_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const ROOM_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
/** Upper bound on `JSON.stringify(data).length` of one relayed signal (an SDP fits easily). */
export const MAX_SIGNAL_BYTES = 16384;

/** Field messages read as "<path> <message>", e.g. "room is required". */
const requiredString = (what: string) =>
  z.string({ error: (iss) => (iss.input === undefined ? 'is required' : `must be ${what}`) });

export const peerIdSchema = requiredString('a string').regex(
  PEER_ID_PATTERN,
  'must match [A-Za-z0-9_-]{1,64}',
);
export const roomSchema = requiredString('a string').regex(
  ROOM_PATTERN,
  'must match [A-Za-z0-9_.-]{1,64}',
);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Length of the JSON text for `value`, or undefined if it cannot be serialized. */
export function jsonLength(value: unknown): number | undefined {
  try {
    const text: unknown = JSON.stringify(value);
    return typeof text === 'string' ? text.length : undefined;
  } catch {
    // Cycles and BigInts throw: that is simply "not JSON", so there is no length.
    return undefined;
  }
}

/**
 * Opaque signaling data (simple-peer offers/answers/candidates). The server only checks that
 * it is a JSON object of bounded size; typed `unknown` so any signal type can be sent as is.
 */
export const signalData = z
  .custom<unknown>((v) => v !== undefined, 'is required')
  .refine(isPlainObject, { message: 'must be a JSON object', abort: true })
  .refine((v) => (jsonLength(v) ?? Infinity) <= MAX_SIGNAL_BYTES, {
    message: `must be at most ${MAX_SIGNAL_BYTES} bytes as JSON`,
  });

// Requests are strict: unknown keys are a client bug worth hearing about, not silently dropped.
const request = <T extends z.core.$ZodLooseShape>(shape: T) =>
  z.strictObject(shape, {
    error: (iss) => (iss.code === 'invalid_type' ? 'payload must be an object' : undefined),
  });

/** A join proof: base64url(Ed25519 public key || signature of joinText), 96 bytes = 128 characters. */
export const JOIN_PROOF_PATTERN = /^[A-Za-z0-9_-]{128}$/;
export const joinRequest = request({
  room: roomSchema,
  peerId: peerIdSchema,
  /** Absent: an unsigned join, accepted only by a server configured to allow them. */
  proof: requiredString('a string').regex(JOIN_PROOF_PATTERN, 'must be 128 base64url characters').optional(),
});
export const introduceRequest = request({});
export const signalRequest = request({ to: peerIdSchema, data: signalData });

/** Server -> client relay of a `signal` request; `from` is set by the server, never the sender. */
export const signalMessage = z.strictObject({ from: peerIdSchema, data: signalData });

export type JoinRequest = z.infer<typeof joinRequest>;
export type IntroduceRequest = z.infer<typeof introduceRequest>;
export type SignalRequest = z.infer<typeof signalRequest>;
export type SignalMessage = z.infer<typeof signalMessage>;

/** Reply to a client request: success with extra fields `T`, or a human-readable error and its code. */
export type Ack<T extends object = Record<never, never>> =
  | ({ ok: true } & T)
  | { ok: false; error: string; code?: string | undefined };

/**
 * Server -> client, once, right after connecting: the nonce a signed join must sign. Fresh per
 * socket, so a proof seen once (by a relay, a log) cannot join any other socket.
 */
export const challengeMessage = z.strictObject({ nonce: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/) });
export type ChallengeMessage = z.infer<typeof challengeMessage>;

/**
 * What a signed join signs: the mesh's signing domain and a kind of its own (the texts of
 * client/src/core/signed.ts), so no join proof is ever a valid rumor, entry or signal proof.
 */
export function joinText(room: string, peerId: string, nonce: string): string {
  return JSON.stringify(['gossip-mesh/1', 'join', room, peerId, nonce]);
}

/** Join refusals a client should not retry as they are: it must change what it sends. */
export const PERMANENT_JOIN_CODES: readonly string[] = ['unsigned', 'bad-proof', 'id-not-key'];

/** An RTCIceServer as handed to clients at join (STUN, or TURN with minted credentials). */
export const iceServerSchema = z.strictObject({
  urls: z.union([z.string().min(1).max(512), z.array(z.string().min(1).max(512)).min(1).max(16)]),
  username: z.string().max(512).optional(),
  credential: z.string().max(512).optional(),
});
export type IceServer = z.infer<typeof iceServerSchema>;

const ackFailure = z.object({ ok: z.literal(false), error: z.string(), code: z.string().max(64).optional() });
const introductionsAck = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), introductions: z.array(peerIdSchema) }),
  ackFailure,
]);
/** A join also carries the ICE configuration, so no STUN/TURN address or password ships in the page. */
export const joinAck = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    introductions: z.array(peerIdSchema),
    iceServers: z.array(iceServerSchema).max(16).optional(),
  }),
  ackFailure,
]);
export const introduceAck = introductionsAck;
export const signalAck = z.discriminatedUnion('ok', [z.object({ ok: z.literal(true) }), ackFailure]);

export type JoinAck = Ack<{ introductions: string[]; iceServers?: IceServer[] | undefined }>;
export type IntroduceAck = Ack<{ introductions: string[] }>;
export type SignalAck = Ack;

/** Server -> client: this instance is going away; reconnect to another one (e.g. on SIGTERM). */
export const moveMessage = z.strictObject({ reason: z.string().max(200) });
export type MoveMessage = z.infer<typeof moveMessage>;

/** For `Socket<ServerToClientEvents, ClientToServerEvents>` from socket.io-client. */
export interface ClientToServerEvents {
  join: (request: JoinRequest, ack: (reply: JoinAck) => void) => void;
  introduce: (request: IntroduceRequest, ack: (reply: IntroduceAck) => void) => void;
  signal: (request: SignalRequest, ack: (reply: SignalAck) => void) => void;
}

export interface ServerToClientEvents {
  challenge: (message: ChallengeMessage) => void;
  signal: (message: SignalMessage) => void;
  move: (message: MoveMessage) => void;
}

/** "room is required; peerId must match ..." from a failed parse. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((iss) => (iss.path.length > 0 ? `${iss.path.join('.')} ${iss.message}` : iss.message))
    .join('; ');
}

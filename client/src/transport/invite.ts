import { z } from 'zod';
import { isPeerId, type PeerId } from '../core/ids.ts';
import { MAX_SIGNAL_SDP_CHARS } from '../core/wire.ts';

/**
 * Invites: a link to another device with no server and no shared browser, in the spirit of the
 * classic serverless-webrtc demo. The inviter's tab makes an offer with all its ICE candidates and
 * puts it in a link (or code); the joiner opens it and hands back its answer the same way. Once
 * that one link is up, the rest of the mesh is reached through it (mesh-relayed signaling).
 *
 * A code is base64url JSON with a SHA-256 check over its fields: a copy that was cut or edited is
 * refused with a clear error. (The check proves integrity, not authorship: binding an invite to
 * the inviter's key needs signed identities.)
 */

export const INVITE_VERSION = 1;
/** How long an invite may wait for its answer. */
export const INVITE_TTL_MS = 10 * 60_000;

export type InviteErrorCode = 'malformed' | 'altered' | 'expired' | 'wrong-room' | 'unknown-invite' | 'linked-already';

export class InviteError extends Error {
  constructor(
    readonly code: InviteErrorCode,
    message: string,
  ) {
    super(`invite ${code}: ${message}`);
    this.name = 'InviteError';
  }
}

const peer = z.custom<PeerId>(isPeerId, 'expected a peer id');
const sdp = z.string().min(1).max(MAX_SIGNAL_SDP_CHARS);
const offerFields = z.object({
  v: z.literal(INVITE_VERSION),
  kind: z.literal('offer'),
  room: z.string().max(64),
  from: peer,
  /** Names the inviter's half-open link until the answer says who took it. */
  token: peer,
  sdp,
  /** The inviter's clock (epoch ms). */
  expiresAt: z.number().finite(),
});
const answerFields = z.object({ v: z.literal(INVITE_VERSION), kind: z.literal('answer'), from: peer, to: peer, token: peer, sdp });
export type InviteOffer = z.output<typeof offerFields>;
export type InviteAnswer = z.output<typeof answerFields>;

export async function encodeInvite(fields: InviteOffer | InviteAnswer): Promise<string> {
  const body = JSON.stringify(fields);
  return toBase64Url(JSON.stringify({ body, check: await digest(body) }));
}

export async function decodeOffer(code: string, room: string, now: number): Promise<InviteOffer> {
  const offer = await decode(code, offerFields);
  if (offer.room !== room) throw new InviteError('wrong-room', `the invite is for room "${offer.room}", this tab is in "${room}"`);
  if (now > offer.expiresAt) throw new InviteError('expired', `it expired ${Math.round((now - offer.expiresAt) / 1000)} s ago; ask for a new one`);
  return offer;
}

export function decodeAnswer(code: string): Promise<InviteAnswer> {
  return decode(code, answerFields);
}

async function decode<T>(code: string, schema: z.ZodType<T>): Promise<T> {
  let envelope: unknown;
  try {
    envelope = JSON.parse(fromBase64Url(code.trim()));
  } catch {
    throw new InviteError('malformed', 'not an invite code (copy the whole code)');
  }
  const parts = z.object({ body: z.string().max(64 * 1024), check: z.string() }).safeParse(envelope);
  if (!parts.success) throw new InviteError('malformed', 'not an invite code (copy the whole code)');
  if ((await digest(parts.data.body)) !== parts.data.check) throw new InviteError('altered', 'the code was changed after it was made');
  let fields: unknown;
  try {
    fields = JSON.parse(parts.data.body);
  } catch {
    throw new InviteError('malformed', 'the code does not hold an invite');
  }
  const parsed = schema.safeParse(fields);
  if (!parsed.success) throw new InviteError('malformed', `the code does not hold what was expected (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  return parsed.data;
}

async function digest(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return [...bytes.slice(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(code: string): string {
  const binary = atob(code.replaceAll('-', '+').replaceAll('_', '/'));
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

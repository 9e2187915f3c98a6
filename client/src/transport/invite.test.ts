import { describe, expect, it } from 'vitest';
import { asPeerId } from '../core/ids.ts';
import { InviteError, decodeAnswer, decodeOffer, encodeInvite, type InviteOffer } from './invite.ts';

const offer: InviteOffer = { v: 1, kind: 'offer', room: 'lobby', from: asPeerId('alice'), token: asPeerId('invite-1'), sdp: 'v=0 é', expiresAt: 5000 };

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error: unknown) {
    if (error instanceof InviteError) return error.code;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('invite codes', () => {
  it('round-trip an offer and an answer', async () => {
    expect(await decodeOffer(await encodeInvite(offer), 'lobby', 4000)).toEqual(offer);
    const answer = { v: 1, kind: 'answer', from: asPeerId('bob'), to: offer.from, token: offer.token, sdp: 'v=0' } as const;
    expect(await decodeAnswer(await encodeInvite(answer))).toEqual(answer);
  });

  it('refuse an expired invite, an invite for another room, and an answer where an offer is expected', async () => {
    const code = await encodeInvite(offer);
    expect(await rejection(decodeOffer(code, 'lobby', 5001))).toBe('expired');
    expect(await rejection(decodeOffer(code, 'other', 0))).toBe('wrong-room');
    expect(await rejection(decodeAnswer(code))).toBe('malformed');
  });

  it('refuse a code that was edited or cut, with a clear error', async () => {
    const code = await encodeInvite(offer);
    const text = atob(code.replaceAll('-', '+').replaceAll('_', '/'));
    const edited = btoa(text.replace('alice', 'mallo')).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
    expect(await rejection(decodeOffer(edited, 'lobby', 0))).toBe('altered');
    expect(await rejection(decodeOffer(code.slice(0, code.length / 2), 'lobby', 0))).toBe('malformed');
    expect(await rejection(decodeOffer('hello', 'lobby', 0))).toBe('malformed');
  });
});

import { asPeerId, type PeerId } from '../core/ids.ts';
import { INVITE_TTL_MS, InviteError, decodeAnswer, decodeOffer, encodeInvite } from '../transport/invite.ts';
import type { WebRtcTransport } from '../transport/webrtc.ts';
import { randomPeerId } from './peer-id.ts';

/**
 * One peer's side of invites (transport/invite.ts): the codes it makes and takes, and the
 * half-open links of the invites it made, until their answers come or they expire.
 */
export class Invites {
  /** Invites this peer made that still wait for an answer: token -> expiry (epoch ms). */
  private readonly open = new Map<PeerId, number>();

  constructor(
    private readonly self: PeerId,
    private readonly room: string,
    private readonly transport: Pick<WebRtcTransport, 'offerByHand' | 'answerByHand' | 'completeByHand'>,
    private readonly now: () => number,
  ) {}

  /** An invite code for another device: its answer must come back through `complete`. */
  async create(): Promise<string> {
    const token = asPeerId(`invite-${randomPeerId()}`);
    const expiresAt = this.now() + INVITE_TTL_MS;
    const offer = await this.transport.offerByHand(token, INVITE_TTL_MS);
    if (offer.type !== 'offer') throw new InviteError('malformed', `WebRTC produced a ${offer.type}, not an offer`);
    this.open.set(token, expiresAt);
    return encodeInvite({ v: 1, kind: 'offer', room: this.room, from: this.self, token, sdp: offer.sdp, expiresAt });
  }

  /** Takes an invite made on another device; resolves with the answer code to hand back. */
  async accept(code: string, linkedTo: (peer: PeerId) => boolean): Promise<string> {
    const offer = await decodeOffer(code, this.room, this.now());
    if (linkedTo(offer.from)) throw new InviteError('linked-already', `this tab is linked to ${offer.from} already`);
    const answer = await this.transport.answerByHand(offer.from, { type: 'offer', sdp: offer.sdp }, INVITE_TTL_MS).catch(linkedAlready);
    if (answer.type !== 'answer') throw new InviteError('malformed', `WebRTC produced a ${answer.type}, not an answer`);
    return encodeInvite({ v: 1, kind: 'answer', from: this.self, to: offer.from, token: offer.token, sdp: answer.sdp });
  }

  /** The answer to one of our invites: the link opens. */
  async complete(code: string): Promise<void> {
    const answer = await decodeAnswer(code);
    const expiresAt = this.open.get(answer.token);
    if (answer.to !== this.self || expiresAt === undefined) throw new InviteError('unknown-invite', 'this answer is for an invite this tab did not make (or already used)');
    if (this.now() > expiresAt) throw new InviteError('expired', 'the invite expired before its answer came; make a new one');
    try {
      this.transport.completeByHand(answer.token, answer.from, { type: 'answer', sdp: answer.sdp });
    } catch (error: unknown) {
      linkedAlready(error);
    }
    this.open.delete(answer.token);
  }
}

/** The transport refused because a link to that peer exists (or is on its way). */
function linkedAlready(error: unknown): never {
  throw new InviteError('linked-already', error instanceof Error ? error.message : String(error));
}

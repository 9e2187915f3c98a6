import type SimplePeer from 'simple-peer';
import type { PeerId } from '../core/ids.ts';
import type { SignalData } from '../core/wire.ts';
import type { IceRestart } from './ice-restart.ts';
import type { LinkIo } from './link-io.ts';
import type { SignalPath } from './webrtc-contract.ts';

/** One link's state in the WebRTC transport (webrtc.ts), from the first signal to its close. */

export type Role = 'initiator' | 'responder' | 'knocking';

export interface Link {
  /** Changes once for an invite: from its token to the joiner's id when the answer comes. */
  peer: PeerId;
  role: Role;
  instance: SimplePeer.Instance | null;
  open: boolean;
  closed: boolean;
  openedAt: number;
  offerVia: SignalPath | null;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Any signal from the peer arrived (it is alive and the path works). */
  answered: boolean;
  answerTimer: ReturnType<typeof setTimeout> | undefined;
  /** Invite links: their one complete signal (ICE gathered, no trickle) goes to the caller. */
  handSignal: ((data: SignalData) => void) | null;
  /** Open links: the send queue and reassembly, and the ICE restart watch. */
  io: LinkIo | null;
  ice: IceRestart | null;
  /** Responder: the session id of the offer that made the link (a renegotiation keeps it). */
  remoteSession: string | null;
  /** Handed to simple-peer, which reads it at every createOffer: iceRestart is set for one offer. */
  offerOptions: RTCOfferOptions;
}

export function newLink(peer: PeerId, role: Role): Link {
  return {
    peer,
    role,
    instance: null,
    open: false,
    closed: false,
    openedAt: 0,
    offerVia: null,
    timer: undefined,
    answered: false,
    answerTimer: undefined,
    handSignal: null,
    io: null,
    ice: null,
    remoteSession: null,
    offerOptions: {},
  };
}

export function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

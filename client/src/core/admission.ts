import type { PeerId } from './ids.ts';
import { parse, utf8Length, type Message, type RejectReason } from './wire.ts';

/** Why a message was refused or dropped, for the counters and the `dropped` event. */
export type DropReason =
  | RejectReason
  /** The peer sent more than its link's budget allows. */
  | 'over-budget'
  /** The identity port found the signature wrong. */
  | 'bad-signature'
  /** The peer misbehaved too often and is cut off for a while. */
  | 'cut-off'
  | 'expired'
  | 'unroutable'
  /** Stamped further in the future than the tolerated clock skew (time.ts). */
  | 'future';

/** Checks what an origin signed; the identity port (client/src/identity) provides one. */
export interface Verifier {
  verify(from: PeerId, message: Message): boolean;
}

/**
 * Per-link budget: a token bucket for messages and one for bytes. The defaults are sized from the
 * protocol's own needs with headroom: idle control traffic is a few messages a second per link
 * (ping, pong, one push or pull per periodMs, state and topology by anti-entropy); a burst of
 * rumors published at once is one message per rumor per eager link, and a 5 MB burst is 2,500
 * messages of 2 KB payload (about 2.3 KB on the wire with its proof): it fits the burst. A flood
 * of 10,000 messages a second empties the bucket in 4000 / (10000 - 2000) = 0.5 s, and the
 * maxBadScore refusals after it take 1 ms more: cut off within about a second.
 */
export interface BudgetOptions {
  messagesPerSecond: number;
  burstMessages: number;
  bytesPerSecond: number;
  burstBytes: number;
  /** A peer cut off after this many refused messages (each refusal scores 1; the score decays). */
  maxBadScore: number;
  /** Refusals forgiven per second, so an honest peer's rare glitch never adds up. */
  badScoreDecayPerSecond: number;
  /** A peer cut off is refused (messages and new links) for this long. */
  keepOutMs: number;
}

export const DEFAULT_BUDGET: BudgetOptions = {
  messagesPerSecond: 2000,
  burstMessages: 4000,
  bytesPerSecond: 2 * 1024 * 1024,
  burstBytes: 8 * 1024 * 1024,
  maxBadScore: 10,
  badScoreDecayPerSecond: 0.1,
  keepOutMs: 60_000,
};

export type Admitted =
  | { ok: true; message: Message }
  /** `cutOff`: this refusal crossed the threshold: the node should close the link and keep the peer out. */
  | { ok: false; reason: DropReason; detail: string; cutOff: boolean };

interface PeerBudget {
  messages: number;
  bytes: number;
  badScore: number;
  updatedAt: number;
  /** Cut off until then (epoch or virtual ms); 0: not cut off. */
  keptOutUntil: number;
}

/**
 * The one way in for a message: decode -> verify -> budget. What passes goes to the module that
 * owns its type (node.ts dispatches); what fails is counted and never reaches the protocol code.
 * In-process links (simulator, unit tests) take the trusted path: the object as sent, no decode,
 * no verify, no budget.
 */
export class Admission {
  private readonly peers = new Map<PeerId, PeerBudget>();

  constructor(
    private readonly budget: BudgetOptions = DEFAULT_BUDGET,
    private readonly verifier: Verifier | null = null,
  ) {}

  admit(from: PeerId, raw: unknown, now: number): Admitted {
    const peer = this.refill(from, now);
    if (now < peer.keptOutUntil) return { ok: false, reason: 'cut-off', detail: `${from} is kept out`, cutOff: true };
    const parsed = parse(raw);
    if (!parsed.ok) return this.refuse(peer, parsed.reason, parsed.detail);
    if (this.verifier !== null && !this.verifier.verify(from, parsed.message)) {
      return this.refuse(peer, 'bad-signature', `${parsed.message.t} from ${from}`);
    }
    const bytes = typeof raw === 'string' ? utf8Length(raw) : raw instanceof Uint8Array || raw instanceof ArrayBuffer ? raw.byteLength : 0;
    if (peer.messages < 1 || peer.bytes < bytes) {
      return this.refuse(peer, 'over-budget', `more than ${this.budget.messagesPerSecond} messages or ${this.budget.bytesPerSecond} bytes a second`);
    }
    peer.messages -= 1;
    peer.bytes -= bytes;
    return { ok: true, message: parsed.message };
  }

  admitTrusted(message: Message): Admitted {
    return { ok: true, message };
  }

  /** A protocol module found an admitted message wrong (e.g. a stamp from the future): score it. */
  penalize(from: PeerId, reason: DropReason, detail: string, now: number): Admitted {
    return this.refuse(this.refill(from, now), reason, detail);
  }

  /** Cut off a short while ago: the node refuses a new link from it too. */
  keptOut(peer: PeerId, now: number): boolean {
    return now < (this.peers.get(peer)?.keptOutUntil ?? 0);
  }

  /** The link closed: its budget goes with it (a new link starts full, its bad score kept). */
  linkClosed(peer: PeerId): void {
    const budget = this.peers.get(peer);
    if (budget !== undefined && budget.badScore === 0 && budget.keptOutUntil === 0) this.peers.delete(peer);
  }

  private refill(from: PeerId, now: number): PeerBudget {
    let peer = this.peers.get(from);
    if (peer === undefined) {
      peer = { messages: this.budget.burstMessages, bytes: this.budget.burstBytes, badScore: 0, updatedAt: now, keptOutUntil: 0 };
      this.peers.set(from, peer);
      return peer;
    }
    const seconds = Math.max(0, now - peer.updatedAt) / 1000;
    peer.updatedAt = now;
    peer.messages = Math.min(this.budget.burstMessages, peer.messages + seconds * this.budget.messagesPerSecond);
    peer.bytes = Math.min(this.budget.burstBytes, peer.bytes + seconds * this.budget.bytesPerSecond);
    peer.badScore = Math.max(0, peer.badScore - seconds * this.budget.badScoreDecayPerSecond);
    if (peer.keptOutUntil !== 0 && now >= peer.keptOutUntil) peer.keptOutUntil = 0;
    return peer;
  }

  private refuse(peer: PeerBudget, reason: DropReason, detail: string): Admitted {
    peer.badScore += 1;
    if (peer.badScore >= this.budget.maxBadScore) peer.keptOutUntil = peer.updatedAt + this.budget.keepOutMs;
    const cutOff = peer.badScore >= this.budget.maxBadScore;
    // Cut off once per offence: the score starts again, so a peer that comes back and misbehaves
    // again is cut again (a count that had to equal the threshold exactly fired only once).
    if (cutOff) peer.badScore = 0;
    return { ok: false, reason, detail, cutOff };
  }
}

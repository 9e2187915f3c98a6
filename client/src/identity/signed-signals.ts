import type { PeerId } from '../core/ids.ts';
import { signalText, type Signer } from '../core/signed.ts';
import type { SignalData } from '../core/wire.ts';
import { splitProof, verifySync } from './identity.ts';
import { peerIdOf } from './peer-id.ts';

/** A signal older than this is refused (link setup takes well under a second; clocks may differ by a minute). */
export const SIGNED_SIGNAL_MAX_AGE_MS = 90_000;
const MAX_REMEMBERED = 4096;

/** The DTLS fingerprint an SDP announces (`a=fingerprint:sha-256 AB:CD:...`), normalised; undefined if none. */
export function fingerprintOf(sdp: string): string | undefined {
  const match = /^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/m.exec(sdp);
  return match === null ? undefined : `${(match[1] as string).toLowerCase()} ${(match[2] as string).toUpperCase()}`;
}

/** The part of RTCStatsReport this needs (the browser's and @roamhq/wrtc's both fit). */
export interface StatsSource {
  getStats(): Promise<{ forEach(callback: (stat: Record<string, unknown>) => void): void }>;
}

export type LinkCheck = 'ok' | 'mismatch' | 'unchecked';

export interface SignedSignalsStats {
  /** SDP signals through the server or a tab of this browser whose proof held. */
  sealedAccepted: number;
  /** ...whose proof was missing, wrong, for someone else, stale or replayed: dropped. */
  sealedRefused: number;
  /** Open links whose DTLS fingerprint was the one their peer signed. */
  linksChecked: number;
  /** Open links whose fingerprint was not the signed one: closed. */
  linksMismatched: number;
}

/**
 * Binds a link to its peer's key whatever carried the signaling. Offers and answers (they carry the
 * DTLS fingerprint) sent through the server or a tab of this browser are sealed: a stamp and the
 * sender's proof over (from, to, stamp, SDP), the same text the mesh path signs (core/signed.ts
 * signalText). The receiver checks the proof before the SDP reaches WebRTC and remembers the
 * fingerprint the peer signed; once the link is open, the fingerprint of the certificate the DTLS
 * handshake actually saw must be that one. A relay (the server, a rogue tab) can then neither
 * swap the SDP both ways nor hand the link to another key: it can only drop signals.
 */
export class SignedSignals {
  private readonly fingerprints = new Map<PeerId, string>();
  private readonly seen = new Set<string>();
  readonly stats: SignedSignalsStats = { sealedAccepted: 0, sealedRefused: 0, linksChecked: 0, linksMismatched: 0 };

  constructor(
    private readonly self: PeerId,
    private readonly signer: Signer,
    private readonly now: () => number,
  ) {}

  /** Adds stamp and proof to an offer or answer for `to`; other signals go as they are. */
  seal(to: PeerId, data: SignalData): SignalData {
    if (!('sdp' in data)) return data;
    const bare = { type: data.type, sdp: data.sdp };
    const stamp = Math.floor(this.now());
    return { ...bare, stamp, proof: this.signer.sign(signalText(this.self, to, stamp, bare)) };
  }

  /** The signal as WebRTC should see it, or null when an SDP's seal does not hold. */
  open(from: PeerId, data: SignalData): SignalData | null {
    if (!('sdp' in data)) return data;
    const bare = { type: data.type, sdp: data.sdp };
    const { stamp, proof } = data;
    const parts = proof === undefined ? undefined : splitProof(proof);
    const fresh = stamp !== undefined && Math.abs(this.now() - stamp) <= SIGNED_SIGNAL_MAX_AGE_MS && proof !== undefined && !this.seen.has(proof);
    const holds =
      fresh &&
      parts !== undefined &&
      peerIdOf(parts.publicKey) === from &&
      verifySync(parts.publicKey, parts.signature, signalText(from, this.self, stamp, bare));
    if (!holds) {
      this.stats.sealedRefused++;
      return null;
    }
    this.remember(proof as string);
    this.stats.sealedAccepted++;
    this.bind(from, bare);
    return bare;
  }

  /** An SDP from `from` whose signature was checked elsewhere (admission, for the mesh path). */
  bind(from: PeerId, data: SignalData): void {
    if (!('sdp' in data) || (data.type !== 'offer' && data.type !== 'answer')) return;
    const fingerprint = fingerprintOf(data.sdp);
    if (fingerprint !== undefined) this.fingerprints.set(from, fingerprint);
  }

  /** The open link to `peer` against the fingerprint it signed ('unchecked': nothing signed, e.g. an invite, or no stats). */
  async check(peer: PeerId, connection: StatsSource | undefined): Promise<LinkCheck> {
    const signed = this.fingerprints.get(peer);
    if (signed === undefined || connection === undefined) return 'unchecked';
    const seen = await remoteFingerprint(connection);
    if (seen === undefined) return 'unchecked';
    if (seen === signed) {
      this.stats.linksChecked++;
      return 'ok';
    }
    this.stats.linksMismatched++;
    return 'mismatch';
  }

  forget(peer: PeerId): void {
    this.fingerprints.delete(peer);
  }

  private remember(key: string): void {
    this.seen.add(key);
    if (this.seen.size > MAX_REMEMBERED) this.seen.delete(this.seen.values().next().value as string);
  }
}

/** The remote certificate's fingerprint from the connection's stats (transport -> remoteCertificateId -> certificate). */
async function remoteFingerprint(connection: StatsSource): Promise<string | undefined> {
  const stats = new Map<string, Record<string, unknown>>();
  (await connection.getStats()).forEach((stat) => {
    if (typeof stat['id'] === 'string') stats.set(stat['id'], stat);
  });
  for (const stat of stats.values()) {
    if (stat['type'] !== 'transport' || typeof stat['remoteCertificateId'] !== 'string') continue;
    const certificate = stats.get(stat['remoteCertificateId']);
    const algorithm = certificate?.['fingerprintAlgorithm'];
    const fingerprint = certificate?.['fingerprint'];
    if (typeof algorithm === 'string' && typeof fingerprint === 'string') return `${algorithm.toLowerCase()} ${fingerprint.toUpperCase()}`;
  }
  return undefined;
}

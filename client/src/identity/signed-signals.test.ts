import { describe, expect, it } from 'vitest';
import type { SignalData } from '../core/wire.ts';
import { Identity } from './identity.ts';
import { fingerprintOf, SIGNED_SIGNAL_MAX_AGE_MS, SignedSignals, type StatsSource } from './signed-signals.ts';

const sdpWith = (fp: string) => `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=fingerprint:sha-256 ${fp}\r\na=setup:actpass\r\n`;
const FP_A = 'AA:11:22:33';
const FP_B = 'BB:11:22:33';
const FP_M = 'EE:EE:EE:EE';

/** A connection whose DTLS handshake saw the certificate `fp`. */
const connectionSeeing = (fp: string): StatsSource => ({
  getStats: async () => [
    { id: 'T1', type: 'transport', remoteCertificateId: 'C2' },
    { id: 'C2', type: 'certificate', fingerprint: fp.toLowerCase(), fingerprintAlgorithm: 'sha-256' },
  ],
});

function parties() {
  let now = 1_000_000;
  const [a, b, m] = [1, 2, 3].map((seed) => Identity.fromSeed(new Uint8Array(32).fill(seed))) as [Identity, Identity, Identity];
  const clock = () => now;
  return {
    a,
    b,
    m,
    atA: new SignedSignals(a.id, a, clock),
    atB: new SignedSignals(b.id, b, clock),
    atM: new SignedSignals(m.id, m, clock),
    advance: (ms: number) => (now += ms),
  };
}

describe('SignedSignals: a relay cannot swap the SDP of a new link', () => {
  it('reads the DTLS fingerprint of an SDP', () => {
    expect(fingerprintOf(sdpWith('ab:cd'))).toBe('sha-256 AB:CD');
    expect(fingerprintOf('v=0\r\n')).toBeUndefined();
  });

  it('an honest offer and answer pass, and each side checks the link against the signed fingerprint', async () => {
    const { a, b, atA, atB } = parties();
    const offer = atB.open(a.id, atA.seal(b.id, { type: 'offer', sdp: sdpWith(FP_A) }));
    expect(offer).toEqual({ type: 'offer', sdp: sdpWith(FP_A) }); // WebRTC sees the SDP alone
    expect(atA.open(b.id, atB.seal(a.id, { type: 'answer', sdp: sdpWith(FP_B) }))).not.toBeNull();
    expect(await atB.check(a.id, connectionSeeing(FP_A))).toBe('ok');
    expect(await atA.check(b.id, connectionSeeing(FP_B))).toBe('ok');
  });

  it('a relay that swaps the SDP both ways is refused whether it keeps, drops or replaces the proof', () => {
    const { a, b, m, atA, atB } = parties();
    const offer = atA.seal(b.id, { type: 'offer', sdp: sdpWith(FP_A) });
    const answer = atB.seal(a.id, { type: 'answer', sdp: sdpWith(FP_B) });
    const swap = (data: SignalData): SignalData => ({ ...data, sdp: sdpWith(FP_M) }) as SignalData;
    expect(atB.open(a.id, swap(offer))).toBeNull(); // a's proof over another SDP
    expect(atA.open(b.id, swap(answer))).toBeNull();
    const { proof: _dropped, ...bare } = swap(offer) as SignalData & { proof?: string };
    expect(atB.open(a.id, bare)).toBeNull(); // unsigned
    expect(atB.open(a.id, new SignedSignals(a.id, m, () => 1_000_000).seal(b.id, { type: 'offer', sdp: sdpWith(FP_M) }))).toBeNull(); // m's key, a's name
    expect(atB.stats.sealedRefused).toBe(3);
    expect(atA.stats.sealedRefused).toBe(1);
  });

  it('a link whose handshake saw another certificate than the signed one is a mismatch', async () => {
    const { a, b, atA, atB } = parties();
    atB.open(a.id, atA.seal(b.id, { type: 'offer', sdp: sdpWith(FP_A) }));
    expect(await atB.check(a.id, connectionSeeing(FP_M))).toBe('mismatch');
    expect(atB.stats.linksMismatched).toBe(1);
    expect(await atB.check(b.id, connectionSeeing(FP_M))).toBe('unchecked'); // nothing signed (an invite)
  });

  it('a sealed signal meant for another peer, replayed, or too old is refused', () => {
    const { a, b, m, atA, atB, atM, advance } = parties();
    const offer = atA.seal(b.id, { type: 'offer', sdp: sdpWith(FP_A) });
    expect(atM.open(a.id, offer)).toBeNull();
    expect(atB.open(a.id, offer)).not.toBeNull();
    expect(atB.open(a.id, offer)).toBeNull();
    advance(1);
    const later = atA.seal(b.id, { type: 'offer', sdp: sdpWith(FP_A) });
    const another = atA.seal(b.id, { type: 'offer', sdp: sdpWith(FP_B) }); // same stamp, another SDP: not a replay
    expect(atB.open(a.id, another)).not.toBeNull();
    advance(SIGNED_SIGNAL_MAX_AGE_MS + 1);
    expect(atB.open(a.id, later)).toBeNull();
    expect(atB.open(a.id, { type: 'knock' })).toEqual({ type: 'knock' }); // carries no fingerprint
    expect(m.id).not.toBe(a.id);
  });
});

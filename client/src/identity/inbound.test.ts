import { describe, expect, it } from 'vitest';
import { asPeerId } from '../core/ids.ts';
import { rumorText } from '../core/signed.ts';
import { encode, type Message } from '../core/wire.ts';
import { Identity } from './identity.ts';
import { VerifiedInbound } from './inbound.ts';
import { ProofVerifier } from './verifier.ts';

describe('VerifiedInbound', () => {
  it('hands messages on per link in arrival order, each checked before the node sees it', async () => {
    const alice = Identity.fromSeed(new Uint8Array(32).fill(5));
    const verifier = new ProofVerifier({ mode: 'prepared' });
    const seen: Array<{ n: number; ok: boolean }> = [];
    let pending = 0;
    const done = new Promise<void>((resolve) => {
      const inbound = new VerifiedInbound(verifier, (_peer, raw) => {
        const message = JSON.parse(raw as string) as Message & { t: 'push' };
        seen.push({ n: message.rumors[0]?.seq ?? 0, ok: verifier.verify(asPeerId('x'), message) });
        if (--pending === 0) resolve();
      });
      for (let seq = 1; seq <= 20; seq++) {
        const r = { origin: alice.id, seq, sentAt: 1, hops: 0, payload: `p${seq}` };
        pending++;
        inbound.receive(asPeerId('x'), encode({ t: 'push', rumors: [{ ...r, proof: alice.sign(rumorText(r)) }], seen: [], wantFeedback: false }), 0);
      }
    });
    await done;
    expect(seen.map((s) => s.n)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(seen.every((s) => s.ok)).toBe(true);
  });
});

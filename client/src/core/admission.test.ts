import { describe, expect, it } from 'vitest';
import { Admission, DEFAULT_BUDGET } from './admission.ts';
import { asPeerId } from './ids.ts';
import { encode, MAX_PAYLOAD_BYTES } from './wire.ts';

const rogue = asPeerId('rogue');
const honest = asPeerId('honest');
const ping = encode({ t: 'ping', n: 1 });
/** A push carrying one full-size rumor, about what a 2 KB publish costs on the wire with its proof. */
const bigPush = encode({
  t: 'push',
  rumors: [{ origin: honest, seq: 1, sentAt: 1, hops: 0, payload: 'x'.repeat(MAX_PAYLOAD_BYTES), proof: 'p'.repeat(128) }],
  seen: [],
  wantFeedback: false,
});

describe('Admission budgets', () => {
  it('cuts a peer sending 10,000 messages a second off within a second, while another link is untouched', () => {
    const admission = new Admission();
    let cutAt: number | undefined;
    let honestRefused = 0;
    for (let i = 0; i < 10_000 && cutAt === undefined; i++) {
      const now = i / 10; // 10 messages per ms
      const result = admission.admit(rogue, ping, now);
      if (!result.ok && result.cutOff) cutAt = now;
      if (i % 100 === 0 && !admission.admit(honest, ping, now).ok) honestRefused++;
    }
    expect(cutAt).toBeDefined();
    expect(cutAt as number).toBeLessThan(1000);
    expect(cutAt as number).toBeGreaterThan(100); // the burst allowance is not nothing
    expect(honestRefused).toBe(0);
  });

  it('takes a 5 MB burst of full-size rumors from one peer at once without a refusal', () => {
    const admission = new Admission();
    const messages = Math.ceil((5 * 1024 * 1024) / MAX_PAYLOAD_BYTES);
    let refused = 0;
    for (let i = 0; i < messages; i++) if (!admission.admit(honest, bigPush, 0).ok) refused++;
    expect(messages).toBe(2560);
    expect(refused).toBe(0);
  });

  it('keeps a cut-off peer out for keepOutMs, then lets it back, and cuts it again if it starts again', () => {
    const admission = new Admission();
    const cut = (from: number) => {
      for (let i = 0; i < DEFAULT_BUDGET.maxBadScore; i++) {
        const result = admission.admit(rogue, '<html>', from);
        if (!result.ok && result.cutOff) return i + 1;
      }
      return undefined;
    };
    expect(cut(0)).toBe(DEFAULT_BUDGET.maxBadScore);
    expect(admission.keptOut(rogue, 1)).toBe(true);
    expect(admission.admit(rogue, ping, DEFAULT_BUDGET.keepOutMs - 1)).toMatchObject({ ok: false, reason: 'cut-off' });
    expect(admission.keptOut(rogue, DEFAULT_BUDGET.keepOutMs)).toBe(false);
    expect(admission.admit(rogue, ping, DEFAULT_BUDGET.keepOutMs).ok).toBe(true);
    expect(cut(DEFAULT_BUDGET.keepOutMs + 1)).toBeDefined();
  });

  it('forgives rare refusals: the score decays, so spaced glitches never cut an honest peer off', () => {
    const admission = new Admission();
    const perRefusalMs = 1000 / DEFAULT_BUDGET.badScoreDecayPerSecond; // one refusal's worth of decay
    for (let i = 0; i < 5 * DEFAULT_BUDGET.maxBadScore; i++) {
      const result = admission.admit(honest, '<html>', i * perRefusalMs);
      expect(result.ok === false && result.cutOff).toBe(false);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { Admission, DEFAULT_BUDGET } from './admission.ts';
import { asPeerId } from './ids.ts';
import { encode, type Message } from './wire.ts';

const a = asPeerId('a');
const ping = encode({ t: 'ping', n: 1 });

describe('Admission', () => {
  it('passes a well-formed message and strips the envelope', () => {
    const result = new Admission().admit(a, ping, 0);
    expect(result).toEqual({ ok: true, message: { t: 'ping', n: 1 } });
  });

  it('refuses what a verifier rejects', () => {
    const admission = new Admission(DEFAULT_BUDGET, { verify: (_from, message: Message) => message.t !== 'ping' });
    expect(admission.admit(a, ping, 0)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(admission.admit(a, encode({ t: 'leave' }), 0).ok).toBe(true);
  });

  it('holds a sender to its message budget, and refills it with time', () => {
    const budget = { ...DEFAULT_BUDGET, burstMessages: 5, messagesPerSecond: 10, maxBadScore: 1000 };
    const admission = new Admission(budget);
    const outcomes = Array.from({ length: 8 }, () => admission.admit(a, ping, 0).ok);
    expect(outcomes).toEqual([true, true, true, true, true, false, false, false]);
    expect(admission.admit(a, ping, 0)).toMatchObject({ ok: false, reason: 'over-budget' });
    // 10 messages a second: after 300 ms, 3 more.
    const later = Array.from({ length: 4 }, () => admission.admit(a, ping, 300).ok);
    expect(later).toEqual([true, true, true, false]);
  });

  it('holds a sender to its byte budget', () => {
    const admission = new Admission({ ...DEFAULT_BUDGET, burstBytes: ping.length * 2, bytesPerSecond: 1 });
    expect([1, 2, 3].map(() => admission.admit(a, ping, 0).ok)).toEqual([true, true, false]);
  });

  it('cuts a peer off at the threshold, and again when it comes back and misbehaves again', () => {
    const admission = new Admission({ ...DEFAULT_BUDGET, maxBadScore: 3, badScoreDecayPerSecond: 0 });
    const cut = () => Array.from({ length: 3 }, () => admission.admit(a, 'junk', 0)).map((r) => !r.ok && r.cutOff);
    expect(cut()).toEqual([false, false, true]);
    admission.linkClosed(a);
    expect(cut()).toEqual([false, false, true]);
  });

  it('forgives rare refusals over time (the score decays)', () => {
    const admission = new Admission({ ...DEFAULT_BUDGET, maxBadScore: 3, badScoreDecayPerSecond: 1 });
    const refusals = [0, 2000, 4000, 6000, 8000].map((t) => admission.admit(a, 'junk', t));
    expect(refusals.some((r) => !r.ok && r.cutOff)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { asPeerId } from '../core/ids.ts';
import { registerText, rumorText, signalText, topologyText, counterText } from '../core/signed.ts';
import { encode, type CounterEntry, type Message, type Rumor } from '../core/wire.ts';
import { Identity } from './identity.ts';
import { ProofVerifier } from './verifier.ts';

const alice = Identity.fromSeed(new Uint8Array(32).fill(7));
const mallory = Identity.fromSeed(new Uint8Array(32).fill(9));

function rumor(by: Identity, origin = by.id, payload = 'hi'): Rumor {
  const r = { origin, seq: 1, sentAt: 1000, hops: 0, payload };
  return { ...r, proof: by.sign(rumorText(r)) };
}
const push = (...rumors: Rumor[]): Message => ({ t: 'push', rumors, seen: [], wantFeedback: false });

describe.each(['sync', 'prepared'] as const)('ProofVerifier (%s)', (mode) => {
  async function verdict(message: Message): Promise<boolean> {
    const v = new ProofVerifier({ mode });
    if (mode === 'prepared') await v.prepare(encode(message));
    return v.verify(mallory.id, message);
  }

  it('accepts items signed by their origin, relayed by anyone', async () => {
    expect(await verdict(push(rumor(alice), rumor(mallory)))).toBe(true);
  });

  it('refuses a rumor under another id, a changed payload, or no proof', async () => {
    expect(await verdict(push(rumor(mallory, alice.id)))).toBe(false);
    expect(await verdict(push({ ...rumor(alice), payload: 'changed' }))).toBe(false);
    const { proof: _, ...bare } = rumor(alice);
    expect(await verdict(push(bare))).toBe(false);
  });

  it('checks counter entries, register writes, topology entries and death notices', async () => {
    const entry = (by: Identity, added: number) => [alice.id, added, 0, by.sign(counterText(alice.id, added, 0))] as const;
    const state = (counter: CounterEntry[]): Message => ({ t: 'state', counter, register: null, reply: false });
    expect(await verdict(state([[...entry(alice, 5)]]))).toBe(true);
    expect(await verdict(state([[...entry(mallory, 5)]]))).toBe(false);
    const signed = entry(alice, 5);
    expect(await verdict(state([[signed[0], 6, 0, signed[3]]]))).toBe(false);

    const write = { value: 'v', timestamp: 5, origin: alice.id };
    expect(await verdict({ t: 'state', counter: [], register: { ...write, proof: alice.sign(registerText(write)) }, reply: false })).toBe(true);
    expect(await verdict({ t: 'state', counter: [], register: { ...write, proof: mallory.sign(registerText(write)) }, reply: false })).toBe(false);

    const own = { peer: alice.id, neighbors: [mallory.id], version: 9 };
    expect(await verdict({ t: 'topology', entries: [{ ...own, proof: alice.sign(topologyText(own)) }], reply: false })).toBe(true);
    expect(await verdict({ t: 'topology', entries: [{ ...own, neighbors: [], proof: alice.sign(topologyText(own)) }], reply: false })).toBe(false);
    // A death notice is signed by whoever wrote it; it cannot be written in another's name.
    const notice = { peer: alice.id, neighbors: [], version: 10, gone: true as const, by: mallory.id };
    expect(await verdict({ t: 'topology', entries: [{ ...notice, proof: mallory.sign(topologyText(notice)) }], reply: false })).toBe(true);
    const framed = { ...notice, by: asPeerId(alice.id) };
    expect(await verdict({ t: 'topology', entries: [{ ...framed, proof: mallory.sign(topologyText(framed)) }], reply: false })).toBe(false);
  });

  it('binds relayed signaling, SDP included, to its sender', async () => {
    const data = { type: 'offer' as const, sdp: 'v=0\r\na=fingerprint:sha-256 AA:BB\r\n' };
    const signal = (sdp: string, by: Identity) => ({
      t: 'signal' as const,
      from: alice.id,
      to: mallory.id,
      hops: 3,
      data: { ...data, sdp },
      stamp: 77,
      proof: by.sign(signalText(alice.id, mallory.id, 77, data)),
    });
    expect(await verdict(signal(data.sdp, alice))).toBe(true);
    expect(await verdict(signal(data.sdp.replace('AA', 'CC'), alice))).toBe(false);
    expect(await verdict(signal(data.sdp, mallory))).toBe(false);
  });
});

describe('ProofVerifier caching', () => {
  it('checks a proof once however often it comes, and never lends it to other text', async () => {
    const v = new ProofVerifier({ mode: 'prepared' });
    const r = rumor(alice);
    await v.prepare(encode(push(r)));
    await v.prepare(encode(push(r)));
    expect(v.stats.checked).toBe(1);
    expect(v.verify(alice.id, push(r))).toBe(true);
    expect(v.verify(alice.id, push({ ...r, payload: 'other' }))).toBe(false);
  });

  it('in prepared mode refuses what prepare did not see (no check on the loop)', () => {
    const v = new ProofVerifier({ mode: 'prepared' });
    expect(v.verify(alice.id, push(rumor(alice)))).toBe(false);
    expect(v.verify(alice.id, { t: 'ping', n: 1 })).toBe(true);
  });
});

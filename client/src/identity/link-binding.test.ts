import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { PeerId } from '../core/ids.ts';
import { Identity } from './identity.ts';
import { LinkBinding, type BindablePeer } from './link-binding.ts';
import { SignedSignals, type StatsSource } from './signed-signals.ts';

/**
 * Links to several peers come up at once: each must be checked against its own connection. The
 * mix-up this guards against: one shared "instance connecting" slot, overwritten by the second
 * link's 'connect' (or a dropped attempt's) before the first was checked, so the first peer's
 * signed fingerprint met the other peer's certificate and an honest link was closed.
 */

const sdpWith = (fp: string) => `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=fingerprint:sha-256 ${fp}\r\n`;
const FP_A = 'AA:11:22:33';
const FP_B = 'BB:11:22:33';

/** A simple-peer stand-in whose connection's DTLS handshake saw the certificate `fp`. */
class FakeInstance extends EventEmitter implements BindablePeer {
  readonly _pc: StatsSource;
  constructor(fp: string) {
    super();
    this._pc = {
      getStats: async () => [
        { id: 'T1', type: 'transport', remoteCertificateId: 'C2' },
        { id: 'C2', type: 'certificate', fingerprint: fp.toLowerCase(), fingerprintAlgorithm: 'sha-256' },
      ],
    };
  }
}

function setup() {
  const [self, a, b] = [1, 2, 3].map((seed) => Identity.fromSeed(new Uint8Array(32).fill(seed))) as [Identity, Identity, Identity];
  const signals = new SignedSignals(self.id, self, () => 1_000_000);
  // What a and b signed for their links (their offers, checked on arrival).
  signals.bind(a.id, { type: 'offer', sdp: sdpWith(FP_A) });
  signals.bind(b.id, { type: 'offer', sdp: sdpWith(FP_B) });
  const closed: PeerId[] = [];
  const binding = new LinkBinding(signals, (peer) => closed.push(peer));
  const link = (peer: PeerId, fp: string): FakeInstance => {
    const instance = new FakeInstance(fp);
    binding.track(peer, instance);
    return instance;
  };
  return { a: a.id, b: b.id, signals, binding, closed, link };
}

describe('LinkBinding: each link is checked against its own connection', () => {
  it('two links connecting at once, reported up after both connected', async () => {
    const { a, b, signals, binding, closed, link } = setup();
    const toA = link(a, FP_A);
    const toB = link(b, FP_B);
    toA.emit('connect');
    toB.emit('connect');
    expect(await Promise.all([binding.linkUp(a), binding.linkUp(b)])).toEqual(['ok', 'ok']);
    expect(signals.stats).toMatchObject({ linksChecked: 2, linksMismatched: 0 });
    expect(closed).toEqual([]);
    expect(binding.pending).toBe(0);
  });

  it('a dropped attempt that still connects does not stand in for another peer\'s link', async () => {
    const { a, b, signals, binding, closed, link } = setup();
    link(a, FP_A).emit('connect');
    expect(await binding.linkUp(a)).toBe('ok');
    // An attempt towards b the transport has dropped fires 'connect' and is never reported up;
    // then the open link to a is confirmed again (a second connect(a) on an open link).
    const dropped = link(b, FP_B);
    dropped.emit('connect');
    expect(await binding.linkUp(a)).toBe('none');
    expect(signals.stats).toMatchObject({ linksChecked: 1, linksMismatched: 0 });
    expect(closed).toEqual([]);
    // Its close forgets it.
    dropped.emit('close');
    expect(binding.pending).toBe(0);
  });

  it('still closes a link whose connection is another key\'s', async () => {
    const { a, b, signals, binding, closed, link } = setup();
    // b's link, but the certificate is the one a signed for: someone in the middle.
    link(b, FP_A).emit('connect');
    link(a, FP_A).emit('connect');
    expect(await Promise.all([binding.linkUp(b), binding.linkUp(a)])).toEqual(['mismatch', 'ok']);
    expect(signals.stats).toMatchObject({ linksChecked: 1, linksMismatched: 1 });
    expect(closed).toEqual([b]);
  });
});

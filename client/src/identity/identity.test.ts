import { describe, expect, it } from 'vitest';
import { isPeerId } from '../core/ids.ts';
import { fromBase64Url, toBase32, toBase64Url } from './encoding.ts';
import { Identity, splitProof, verifySync } from './identity.ts';
import { peerIdOf } from './peer-id.ts';

const seed = (n: number) => new Uint8Array(32).fill(n);

describe('encoding', () => {
  it('base64url round-trips every length and refuses foreign characters', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
    }
    expect(fromBase64Url('ab+/')).toBeUndefined();
    expect(fromBase64Url('abcde')).toBeUndefined();
  });

  it('base32 matches RFC 4648 (lowercase, no padding)', () => {
    expect(toBase32(new TextEncoder().encode('foobar'))).toBe('mzxw6ytboi');
  });
});

describe('Identity', () => {
  it('derives a printable id from the public key, the same for the same key', () => {
    const a = Identity.fromSeed(seed(1));
    expect(isPeerId(a.id)).toBe(true);
    expect(a.id).toHaveLength(16);
    expect(a.id).toBe(peerIdOf(a.publicKey));
    expect(Identity.fromSeed(seed(1)).id).toBe(a.id);
    expect(Identity.fromSeed(seed(2)).id).not.toBe(a.id);
  });

  it('signs so that the proof carries the key and only the signed text verifies', () => {
    const a = Identity.fromSeed(seed(3));
    const proof = a.sign('hello');
    expect(proof).toHaveLength(128);
    const parts = splitProof(proof);
    expect(parts?.publicKey).toEqual(a.publicKey);
    expect(verifySync(a.publicKey, parts!.signature, 'hello')).toBe(true);
    expect(verifySync(a.publicKey, parts!.signature, 'hellp')).toBe(false);
    expect(verifySync(Identity.fromSeed(seed(4)).publicKey, parts!.signature, 'hello')).toBe(false);
  });

  it('makes keys with WebCrypto whose signatures WebCrypto and noble both accept', async () => {
    const a = await Identity.create();
    const parts = splitProof(a.sign('text'))!;
    const key = await crypto.subtle.importKey('raw', a.publicKey.slice(), { name: 'Ed25519' }, false, ['verify']);
    expect(await crypto.subtle.verify('Ed25519', key, parts.signature.slice(), new TextEncoder().encode('text'))).toBe(true);
    expect(verifySync(a.publicKey, parts.signature, 'text')).toBe(true);
    expect((await Identity.create()).id).not.toBe(a.id);
  });
});

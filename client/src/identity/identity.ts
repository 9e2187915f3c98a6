import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import type { PeerId } from '../core/ids.ts';
import type { Signer } from '../core/signed.ts';
import { fromBase64Url, toBase64Url } from './encoding.ts';
import { peerIdOf } from './peer-id.ts';

// noble's synchronous API needs a SHA-512; @noble/hashes is its companion (same audit).
ed.hashes.sha512 = sha512;

const encoder = new TextEncoder();
/** PKCS#8 for Ed25519 is a fixed 16-byte header followed by the 32-byte seed (RFC 8410). */
const PKCS8_SEED_OFFSET = 16;

/**
 * This peer's key pair and id. Keys are made by WebCrypto (Ed25519 in Chromium 137+, Firefox 129+
 * and Node 20; here Chromium 156 and Firefox ESR 153) and signing is done synchronously by
 * @noble/ed25519 from the exported seed, because the core is synchronous and creates what it
 * signs (rumors, entries, signals) inside its loop; verification, the hot path, runs on WebCrypto
 * (verifier.ts).
 *
 * One key per tab, kept in memory only: two tabs of one profile are two peers and must not share
 * an id (one id, one socket, one counter entry), and a reloaded tab is a new peer to the mesh
 * anyway (its rumor sequence, counter entry and links start again), so a persisted key would only
 * bring back an id whose old state the others still hold.
 */
export class Identity implements Signer {
  readonly id: PeerId;
  /** The public key as carried in proofs (base64url, 43 characters). */
  readonly publicKeyText: string;

  private constructor(
    private readonly seed: Uint8Array,
    readonly publicKey: Uint8Array,
  ) {
    this.id = peerIdOf(publicKey);
    this.publicKeyText = toBase64Url(publicKey);
  }

  /** A fresh key from WebCrypto (falls back to noble's keygen where the platform lacks Ed25519). */
  static async create(): Promise<Identity> {
    try {
      const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
      const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
      const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
      return new Identity(pkcs8.slice(PKCS8_SEED_OFFSET, PKCS8_SEED_OFFSET + 32), publicKey);
    } catch {
      return Identity.fromSeed(crypto.getRandomValues(new Uint8Array(32)));
    }
  }

  /** A key from a 32-byte seed (tests use fixed seeds). */
  static fromSeed(seed: Uint8Array): Identity {
    if (seed.length !== 32) throw new Error(`an Ed25519 seed is 32 bytes, got ${seed.length}`);
    return new Identity(seed.slice(), ed.getPublicKey(seed));
  }

  /** The proof over `text`: base64url(public key || signature). */
  sign(text: string): string {
    const signature = ed.sign(encoder.encode(text), this.seed);
    const both = new Uint8Array(96);
    both.set(this.publicKey, 0);
    both.set(signature, 32);
    return toBase64Url(both);
  }
}

/** A proof's parts; undefined when it is not 96 base64url bytes. */
export function splitProof(proof: string): { publicKey: Uint8Array; signature: Uint8Array } | undefined {
  const bytes = fromBase64Url(proof);
  if (bytes === undefined || bytes.length !== 96) return undefined;
  return { publicKey: bytes.subarray(0, 32), signature: bytes.subarray(32) };
}

/** Synchronous check with noble (tests, and where WebCrypto lacks Ed25519). */
export function verifySync(publicKey: Uint8Array, signature: Uint8Array, text: string): boolean {
  try {
    return ed.verify(signature, encoder.encode(text), publicKey);
  } catch {
    return false;
  }
}

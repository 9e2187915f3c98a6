import { sha256 } from '@noble/hashes/sha2.js';
import { asPeerId, type PeerId } from '../core/ids.ts';
import { toBase32 } from './encoding.ts';

/**
 * A peer id is the public key's SHA-256, its first 80 bits in base32 (16 characters, the length
 * random ids had). Claiming a given peer's id means finding a key with the same 80 bits: 2^80
 * tries. Ids stay short because every message carries several.
 */
export const PEER_ID_CHARS = 16;

export function peerIdOf(publicKey: Uint8Array): PeerId {
  return asPeerId(toBase32(sha256(publicKey).subarray(0, 10)).slice(0, PEER_ID_CHARS));
}

import { asPeerId, type PeerId } from '../core/ids.ts';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
/** 16 base32 characters: 80 random bits, no collision in any room this will ever see. */
export const PEER_ID_LENGTH = 16;

/** A fresh random peer id from the platform's CSPRNG (crypto.getRandomValues). */
export function randomPeerId(): PeerId {
  const bytes = crypto.getRandomValues(new Uint8Array(PEER_ID_LENGTH));
  let id = '';
  for (const byte of bytes) id += BASE32[byte & 31];
  return asPeerId(id);
}

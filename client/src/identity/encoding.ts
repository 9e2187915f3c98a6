/** Byte encodings for keys, proofs and ids: base64url (no padding) and lowercase RFC 4648 base32. */

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B32 = 'abcdefghijklmnopqrstuvwxyz234567';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

export function toBase64Url(bytes: Uint8Array): string {
  return toBits(bytes, 6, B64);
}

/** Undefined when `text` is not base64url or its length is not a whole number of bytes. */
export function fromBase64Url(text: string): Uint8Array | undefined {
  if (text.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let buffer = 0;
  let bits = 0;
  let at = 0;
  for (const c of text) {
    const value = B64_INDEX.get(c);
    if (value === undefined) return undefined;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (buffer >> bits) & 0xff;
    }
  }
  return out;
}

export function toBase32(bytes: Uint8Array): string {
  return toBits(bytes, 5, B32);
}

function toBits(bytes: Uint8Array, width: number, alphabet: string): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  const mask = (1 << width) - 1;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= width) {
      bits -= width;
      out += alphabet[(buffer >> bits) & mask];
    }
  }
  if (bits > 0) out += alphabet[(buffer << (width - bits)) & mask];
  return out;
}

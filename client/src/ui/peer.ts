/** How a peer id is shown: a short id and a colour derived from the whole id. */

const SHORT_ID_CHARS = 6;

export function shortId(id: string): string {
  return id.length <= SHORT_ID_CHARS + 1 ? id : id.slice(0, SHORT_ID_CHARS);
}

/** FNV-1a, 32 bit: cheap and well spread, enough to pick a hue. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Hue in degrees and a lightness step, both stable for an id. */
export function peerHue(id: string): number {
  return hash(id) % 360;
}

/** A colour for the id, dark enough for white text on it and visible on a light background. */
export function peerColor(id: string): string {
  const h = hash(id);
  const lightness = 34 + ((h >>> 9) % 3) * 5; // 34%, 39% or 44%
  return `hsl(${h % 360} 70% ${lightness}%)`;
}

/** A light tint of the peer colour, for backgrounds. */
export function peerTint(id: string): string {
  return `hsl(${peerHue(id)} 70% 93%)`;
}

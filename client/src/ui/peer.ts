/** How a peer id is shown: a short id and a colour derived from the whole id. */

const SHORT_ID_CHARS = 6;

export function shortId(id: string): string {
  return id.length <= SHORT_ID_CHARS + 1 ? id : id.slice(0, SHORT_ID_CHARS);
}

/** FNV-1a, 32 bit, then murmur3's finaliser so that ids differing in one character land far apart. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Colours come from a palette, not a continuous hue: HUE_STEPS hues HUE_STEP_DEG apart, times
 * LIGHTNESS_PERCENT levels. Two peers then either share a colour or differ by a step the eye
 * sees; a continuous hue put some pairs a few degrees apart. The hue steps are visited by the
 * golden angle, so that consecutive hash buckets are far apart on the wheel.
 */
export const HUE_STEPS = 24;
export const HUE_STEP_DEG = 360 / HUE_STEPS;
export const LIGHTNESS_PERCENT = [33, 41, 49] as const;
/** 137.5° (the golden angle) in hue steps, rounded to a step count coprime with HUE_STEPS. */
const GOLDEN_STEPS = 11;

/** Hue in degrees, stable for an id. */
export function peerHue(id: string): number {
  return ((hash(id) % HUE_STEPS) * GOLDEN_STEPS % HUE_STEPS) * HUE_STEP_DEG;
}

/** Lightness in percent, stable for an id. */
export function peerLightness(id: string): number {
  return LIGHTNESS_PERCENT[Math.floor(hash(id) / HUE_STEPS) % LIGHTNESS_PERCENT.length] as number;
}

/** A colour for the id, dark enough for white text on it and visible on a light background. */
export function peerColor(id: string): string {
  return `hsl(${peerHue(id)} 70% ${peerLightness(id)}%)`;
}

/** A light tint of the peer colour, for backgrounds. */
export function peerTint(id: string): string {
  return `hsl(${peerHue(id)} 70% 93%)`;
}

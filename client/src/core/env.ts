/**
 * Everything the core needs from the outside world that is not a message.
 * The core never reads a clock or a random source on its own, so a seeded Env replays a run exactly.
 */
export interface Env {
  /** Milliseconds; epoch time in browsers, virtual time in the simulator. */
  now(): number;
  /** Uniform in [0, 1). */
  random(): number;
}

/** mulberry32: tiny, fast, and good enough for peer selection; same seed, same sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seededEnv(seed: number, now: () => number): Env {
  return { now, random: seededRandom(seed) };
}

/** Random helpers over an Env's source, so every choice in the core is replayable. */
export function randomInt(random: () => number, exclusiveMax: number): number {
  return Math.floor(random() * exclusiveMax);
}

export function pickOne<T>(random: () => number, items: readonly T[]): T | undefined {
  return items.length === 0 ? undefined : items[randomInt(random, items.length)];
}

/** Up to `count` distinct items, uniformly (partial Fisher-Yates on a copy). */
export function sample<T>(random: () => number, items: readonly T[], count: number): T[] {
  const copy = items.slice();
  const n = Math.max(0, Math.min(count, copy.length)); // a negative count must not reach slice(0, -k)
  for (let i = 0; i < n; i++) {
    const j = i + randomInt(random, copy.length - i);
    const tmp = copy[i] as T;
    copy[i] = copy[j] as T;
    copy[j] = tmp;
  }
  return copy.slice(0, n);
}

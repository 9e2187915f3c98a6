import { describe, expect, it } from 'vitest';
import { HUE_STEP_DEG, HUE_STEPS, LIGHTNESS_PERCENT, peerColor, peerHue, peerLightness, shortId } from './peer.ts';

/** Ids like the mesh's: 16 random base32 characters, from a fixed seed. */
function ids(count: number): string[] {
  let state = 12345;
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return Array.from({ length: count }, () =>
    Array.from({ length: 16 }, () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return alphabet[(state >>> 16) % 32];
    }).join(''),
  );
}

const hueGap = (a: number, b: number): number => Math.min(Math.abs(a - b), 360 - Math.abs(a - b));

describe('peer colours', () => {
  it('two peers either share a colour or differ by a visible step', () => {
    const sample = ids(200);
    for (const a of sample) {
      for (const b of sample) {
        if (peerColor(a) === peerColor(b)) continue;
        const apart = hueGap(peerHue(a), peerHue(b)) >= HUE_STEP_DEG || Math.abs(peerLightness(a) - peerLightness(b)) >= 8;
        expect(apart, `${a} ${peerColor(a)} vs ${b} ${peerColor(b)}`).toBe(true);
      }
    }
  });

  it('uses the whole palette, evenly', () => {
    const counts = new Map<string, number>();
    for (const id of ids(7200)) counts.set(peerColor(id), (counts.get(peerColor(id)) ?? 0) + 1);
    expect(counts.size).toBe(HUE_STEPS * LIGHTNESS_PERCENT.length);
    // 100 per colour on average: none is more than twice as common as that.
    expect(Math.max(...counts.values())).toBeLessThan(200);
  });

  it('ids that differ in one character get colours far apart more often than not', () => {
    const base = ids(300);
    let far = 0;
    for (const id of base) {
      const twin = `${id.slice(0, 15)}${id[15] === 'a' ? 'b' : 'a'}`;
      if (hueGap(peerHue(id), peerHue(twin)) >= 3 * HUE_STEP_DEG) far++;
    }
    expect(far).toBeGreaterThan(base.length / 2);
  });

  it('is stable for an id and shortens long ids only', () => {
    expect(peerColor('x2aea5wa3yoplzkh')).toBe(peerColor('x2aea5wa3yoplzkh'));
    expect(shortId('x2aea5wa3yoplzkh')).toBe('x2aea5');
    expect(shortId('abc')).toBe('abc');
  });
});

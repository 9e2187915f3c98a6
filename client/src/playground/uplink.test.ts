import { describe, expect, it } from 'vitest';
import { seededRandom } from '../core/env.ts';
import { Uplinks } from './uplink.ts';

describe('uplinks', () => {
  it('sends one message after another through each node’s own uplink', () => {
    const up = new Uplinks(3, 10, 0, seededRandom(1));
    expect(up.depart(0, 100, 0)).toBe(10);
    expect(up.depart(0, 100, 0)).toBe(20);
    expect(up.depart(0, 50, 5)).toBe(25);
    expect(up.backlogMs(0, 5)).toBe(20);
    // Another node's uplink is independent.
    expect(up.depart(1, 100, 0)).toBe(10);
    // An idle uplink starts at once.
    expect(up.depart(0, 10, 100)).toBe(101);
    expect(up.backlogMs(2, 0)).toBe(0);
  });

  it('loses about the configured fraction, from its own seeded stream', () => {
    const up = new Uplinks(1, 1, 0.25, seededRandom(7));
    let lost = 0;
    for (let i = 0; i < 20_000; i++) if (up.lost()) lost++;
    expect(lost / 20_000).toBeGreaterThan(0.24);
    expect(lost / 20_000).toBeLessThan(0.26);
    const none = new Uplinks(1, 1, 0, () => 0);
    expect(none.lost()).toBe(false);
  });

  it('refuses a throughput that is not positive and a loss outside [0, 1]', () => {
    expect(() => new Uplinks(1, 0, 0, () => 0)).toThrow(RangeError);
    expect(() => new Uplinks(1, Number.POSITIVE_INFINITY, 0, () => 0)).toThrow(RangeError);
    expect(() => new Uplinks(1, 1, 1.5, () => 0)).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { HybridClock, MAX_CLOCK_SKEW_MS } from './time.ts';

describe('HybridClock', () => {
  it('never goes back and never repeats, even when the wall clock stands still or steps back', () => {
    let wall = 1000;
    const clock = new HybridClock(() => wall);
    const stamps = [clock.now(), clock.now()];
    wall = 900;
    stamps.push(clock.now());
    wall = 5000;
    stamps.push(clock.now());
    expect(stamps).toEqual([1000, 1001, 1002, 5000]);
  });

  it('orders a local event after any remote one it has seen, whatever the clocks say', () => {
    const behind = new HybridClock(() => 1000);
    const ahead = new HybridClock(() => 50_000);
    const remote = ahead.now();
    expect(behind.observe(remote)).toBe(true);
    expect(behind.now()).toBeGreaterThan(remote);
  });

  it('refuses stamps further ahead than the tolerated skew, and is not moved by them', () => {
    const clock = new HybridClock(() => 1000);
    expect(clock.observe(1000 + MAX_CLOCK_SKEW_MS + 1)).toBe(false);
    expect(clock.now()).toBe(1000);
    expect(clock.observe(1000 + MAX_CLOCK_SKEW_MS)).toBe(true);
  });
});

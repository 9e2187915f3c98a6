import { afterEach, describe, expect, it, vi } from 'vitest';
import { realClock, timerDelayMs } from './place.ts';

describe('realClock timers', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('asks for whole ms, never less than the time left (a fraction dropped would wake it early, for nothing)', () => {
    for (const remaining of [0.05, 0.3, 0.999, 1, 96.2, 249.5, 250]) {
      const delay = timerDelayMs(remaining);
      expect(Number.isInteger(delay)).toBe(true);
      expect(delay).toBeGreaterThanOrEqual(remaining + 0.5);
      expect(delay).toBeLessThanOrEqual(remaining + 2);
    }
    expect(timerDelayMs(0)).toBe(0);
    expect(timerDelayMs(-5)).toBe(0);
  });

  it('setTimer passes that delay to the platform timer, and its cancel clears it', () => {
    const set = vi.fn((_fn: () => void, _ms: number) => 42);
    const clear = vi.fn();
    vi.stubGlobal('setTimeout', set);
    vi.stubGlobal('clearTimeout', clear);
    const cancel = realClock.setTimer(realClock.now() + 96.2, () => undefined);
    const delay = set.mock.calls[0]?.[1] ?? NaN;
    expect(Number.isInteger(delay)).toBe(true);
    expect(delay).toBeGreaterThanOrEqual(96.2);
    expect(delay).toBeLessThanOrEqual(98.2);
    cancel();
    expect(clear).toHaveBeenCalledWith(42);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChangeNotifier } from './notifier.ts';

describe('ChangeNotifier', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('tells each listener once for a run of changes, on a timer (no animation frame asked for)', () => {
    const frames = vi.fn();
    vi.stubGlobal('requestAnimationFrame', frames);
    const notifier = new ChangeNotifier();
    const seen: string[] = [];
    notifier.subscribe(() => seen.push('a'));
    notifier.subscribe(() => seen.push('b'));
    for (let i = 0; i < 10; i++) notifier.changed();
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(seen).toEqual(['a', 'b']);
    notifier.changed();
    vi.advanceTimersByTime(100);
    expect(seen).toEqual(['a', 'b', 'a', 'b']);
    expect(frames).not.toHaveBeenCalled();
    vi.unstubAllGlobals();
  });

  it('asks for nothing without listeners or once closed, and a throwing listener stops no other', () => {
    const notifier = new ChangeNotifier();
    notifier.changed();
    expect(vi.getTimerCount()).toBe(0);
    const calls: number[] = [];
    notifier.subscribe(() => {
      throw new Error('broken listener');
    });
    notifier.subscribe(() => calls.push(1));
    notifier.changed();
    vi.advanceTimersToNextTimer(); // the notification
    expect(calls).toEqual([1]);
    expect(() => vi.runOnlyPendingTimers()).toThrow('broken listener'); // rethrown outside the notifier
    notifier.changed();
    notifier.close();
    vi.runOnlyPendingTimers();
    expect(calls).toEqual([1]);
  });
});

import { describe, expect, it } from 'vitest';
import { EVENT_NAMES } from '../lib/mesh.ts';
import { FAST_EVENTS, SlowTicker, type TickerHost } from './refresh.ts';

/** Intervals fire only when the test moves the clock. */
function fakeHost() {
  let nowMs = 0;
  let visible = true;
  let nextHandle = 1;
  const intervals = new Map<number, { callback: () => void; periodMs: number; next: number }>();
  const host: TickerHost = {
    setInterval: (callback, periodMs) => {
      const handle = nextHandle++;
      intervals.set(handle, { callback, periodMs, next: nowMs + periodMs });
      return handle;
    },
    clearInterval: (handle) => void intervals.delete(handle as number),
    visible: () => visible,
  };
  return {
    host,
    intervals,
    setVisible: (v: boolean) => (visible = v),
    advance(ms: number): void {
      const until = nowMs + ms;
      for (;;) {
        const due = [...intervals.values()].filter((i) => i.next <= until).sort((a, b) => a.next - b.next)[0];
        if (due === undefined) break;
        nowMs = due.next;
        due.next += due.periodMs;
        due.callback();
      }
      nowMs = until;
    },
  };
}

describe('SlowTicker', () => {
  it('ticks once per period while visible', () => {
    const fake = fakeHost();
    let ticks = 0;
    new SlowTicker(() => ticks++, fake.host, 1000);
    fake.advance(3500);
    expect(ticks).toBe(3);
  });

  it('sets no timer while hidden and ticks at once when the tab shows again', () => {
    const fake = fakeHost();
    let ticks = 0;
    const ticker = new SlowTicker(() => ticks++, fake.host, 1000);
    fake.advance(1000);
    fake.setVisible(false);
    ticker.visibilityChanged();
    expect(ticker.running).toBe(false);
    expect(fake.intervals.size).toBe(0);
    fake.advance(60_000);
    expect(ticks).toBe(1);
    fake.setVisible(true);
    ticker.visibilityChanged();
    expect(ticks).toBe(2);
    fake.advance(1000);
    expect(ticks).toBe(3);
    // A second "visible" does not start a second interval.
    ticker.visibilityChanged();
    expect(fake.intervals.size).toBe(1);
  });

  it('a ticker made in a hidden tab waits for it to show; stop ends it for good', () => {
    const fake = fakeHost();
    fake.setVisible(false);
    let ticks = 0;
    const ticker = new SlowTicker(() => ticks++, fake.host, 1000);
    fake.advance(5000);
    expect(ticks).toBe(0);
    fake.setVisible(true);
    ticker.visibilityChanged();
    ticker.stop();
    ticker.visibilityChanged();
    fake.advance(5000);
    expect(ticks).toBe(1);
    expect(fake.intervals.size).toBe(0);
  });
});

describe('FAST_EVENTS', () => {
  it('are mesh events, and not the per-message change event', () => {
    for (const event of FAST_EVENTS) expect(EVENT_NAMES).toContain(event);
    expect(FAST_EVENTS).not.toContain('change');
    expect([...FAST_EVENTS].sort()).toEqual(['counter', 'peers', 'register', 'rumor', 'server']);
  });
});

import { describe, expect, it } from 'vitest';
import { RenderScheduler, type SchedulerHost } from './render-scheduler.ts';

/** A hand-driven host: frames and timers run only when the test says so. */
function fakeHost() {
  let nowMs = 0;
  let visible = true;
  const frames: (() => void)[] = [];
  const timers: { at: number; callback: () => void }[] = [];
  const host: SchedulerHost = {
    now: () => nowMs,
    requestFrame: (callback) => void frames.push(callback),
    setTimer: (callback, delayMs) => void timers.push({ at: nowMs + delayMs, callback }),
    visible: () => visible,
  };
  return {
    host,
    setVisible: (v: boolean) => (visible = v),
    /** Moves the clock, firing due timers, then runs the frames that were asked for. */
    advance(ms: number): void {
      nowMs += ms;
      for (const t of timers.filter((t) => t.at <= nowMs)) {
        timers.splice(timers.indexOf(t), 1);
        t.callback();
      }
      for (const f of frames.splice(0)) f();
    },
  };
}

describe('RenderScheduler', () => {
  it('coalesces a burst of notifications into one render', () => {
    const fake = fakeHost();
    let renders = 0;
    const s = new RenderScheduler(() => renders++, fake.host, { minIntervalMs: 250 });
    for (let i = 0; i < 100; i++) s.notify();
    fake.advance(16);
    expect(renders).toBe(1);
  });

  it('renders at most once per interval however often it is notified', () => {
    const fake = fakeHost();
    let renders = 0;
    const s = new RenderScheduler(() => renders++, fake.host, { minIntervalMs: 250 });
    // A notification every 10 ms for one second.
    for (let t = 0; t < 1000; t += 10) {
      s.notify();
      fake.advance(10);
    }
    expect(renders).toBeGreaterThanOrEqual(3);
    expect(renders).toBeLessThanOrEqual(5);
  });

  it('renders nothing while hidden, and once when the tab shows again', () => {
    const fake = fakeHost();
    let renders = 0;
    const s = new RenderScheduler(() => renders++, fake.host);
    fake.setVisible(false);
    for (let i = 0; i < 10; i++) {
      s.notify();
      fake.advance(1000);
    }
    expect(renders).toBe(0);
    fake.setVisible(true);
    s.visibilityChanged();
    fake.advance(16);
    expect(renders).toBe(1);
    // Nothing was missed since: showing again renders nothing more.
    s.visibilityChanged();
    fake.advance(1000);
    expect(renders).toBe(1);
  });

  it('a frame that arrives after the tab was hidden does not render, and stop() ends it', () => {
    const fake = fakeHost();
    let renders = 0;
    const s = new RenderScheduler(() => renders++, fake.host);
    s.notify();
    fake.setVisible(false);
    fake.advance(16);
    expect(renders).toBe(0);
    fake.setVisible(true);
    s.visibilityChanged();
    s.stop();
    fake.advance(1000);
    expect(renders).toBe(0);
  });
});

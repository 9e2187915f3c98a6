/**
 * When the page re-renders: the client notifies after anything observable (every message a
 * neighbour sends can be one), which must not mean a render each time. Notifications are
 * coalesced into at most one render per `minIntervalMs`, on an animation frame, and none while
 * the tab is hidden: a hidden tab renders once when it shows again. The clock, frames and
 * visibility come in through `SchedulerHost` so the policy is tested without a browser.
 */

export interface SchedulerHost {
  now(): number;
  requestFrame(callback: () => void): void;
  setTimer(callback: () => void, delayMs: number): void;
  visible(): boolean;
}

export interface RenderSchedulerOptions {
  /** Least time between two renders. Default 250 ms: four a second is live to the eye. */
  minIntervalMs?: number;
}

export const DEFAULT_MIN_RENDER_INTERVAL_MS = 250;

export class RenderScheduler {
  private readonly minIntervalMs: number;
  private lastRenderAt = -Infinity;
  /** A frame or a timer is on its way. */
  private pending = false;
  /** A notification came while hidden. */
  private missed = false;
  private stopped = false;

  constructor(
    private readonly render: () => void,
    private readonly host: SchedulerHost,
    options: RenderSchedulerOptions = {},
  ) {
    this.minIntervalMs = options.minIntervalMs ?? DEFAULT_MIN_RENDER_INTERVAL_MS;
  }

  /** Something changed: render soon (at most once per interval, never while hidden). */
  notify(): void {
    if (this.stopped) return;
    if (!this.host.visible()) {
      this.missed = true;
      return;
    }
    if (this.pending) return;
    this.pending = true;
    const waitMs = this.lastRenderAt + this.minIntervalMs - this.host.now();
    if (waitMs > 0) this.host.setTimer(() => this.host.requestFrame(this.run), waitMs);
    else this.host.requestFrame(this.run);
  }

  /** The tab's visibility changed: one render if something was missed while hidden. */
  visibilityChanged(): void {
    if (this.host.visible() && this.missed) {
      this.missed = false;
      this.notify();
    }
  }

  stop(): void {
    this.stopped = true;
  }

  private readonly run = (): void => {
    this.pending = false;
    if (this.stopped) return;
    if (!this.host.visible()) {
      this.missed = true;
      return;
    }
    this.lastRenderAt = this.host.now();
    this.render();
  };
}

/** The browser's clock, frames, timers and document.visibilityState. */
export const browserHost: SchedulerHost = {
  now: () => performance.now(),
  requestFrame: (callback) => void requestAnimationFrame(callback),
  setTimer: (callback, delayMs) => void setTimeout(callback, delayMs),
  visible: () => document.visibilityState !== 'hidden',
};

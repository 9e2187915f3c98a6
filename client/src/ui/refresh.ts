import type { MeshEventName } from '../lib/types.ts';

/**
 * When the page refreshes, apart from the render scheduler's coalescing (render-scheduler.ts).
 *
 * The mesh's `change` event fires after nearly every message a neighbour sends (pings, digests,
 * aggregate shares), which at idle is several times a second and changes nothing the fast part
 * of the page shows. The fast part (links, the server pill, rumors, counter, register) follows
 * the typed events that say one of those changed; what moves with every message (stats,
 * aggregates, the gossiped graph, the passive view) is re-read on a slow tick, which runs only
 * while the tab is visible (a tab that shows again is refreshed at once).
 */
export const FAST_EVENTS: readonly MeshEventName[] = ['rumor', 'counter', 'register', 'peers', 'server'];

export interface TickerHost {
  setInterval(callback: () => void, periodMs: number): unknown;
  clearInterval(handle: unknown): void;
  visible(): boolean;
}

/** A periodic tick that stops while the tab is hidden, and ticks once when it shows again. */
export class SlowTicker {
  private handle: unknown = null;
  private stopped = false;

  constructor(
    private readonly tick: () => void,
    private readonly host: TickerHost,
    private readonly periodMs: number,
  ) {
    if (host.visible()) this.start();
  }

  /** Running: an interval is set. */
  get running(): boolean {
    return this.handle !== null;
  }

  visibilityChanged(): void {
    if (this.stopped) return;
    if (this.host.visible()) {
      if (this.handle !== null) return;
      this.tick();
      this.start();
    } else {
      this.clear();
    }
  }

  stop(): void {
    this.stopped = true;
    this.clear();
  }

  private start(): void {
    this.handle = this.host.setInterval(this.tick, this.periodMs);
  }

  private clear(): void {
    if (this.handle === null) return;
    this.host.clearInterval(this.handle);
    this.handle = null;
  }
}

/** The browser's timers and document.visibilityState. */
export const browserTickerHost: TickerHost = {
  setInterval: (callback, periodMs) => setInterval(callback, periodMs),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
  visible: () => document.visibilityState !== 'hidden',
};

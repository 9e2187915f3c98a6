/**
 * Listeners are told at most once per this long. A timer, not an animation frame: asking for a
 * frame after nearly every message made every idle tab composite a frame it had nothing to draw
 * for (the 24-tab idle profile), and a frame does not come at all in a hidden tab.
 */
const NOTIFY_WITHIN_MS = 50;

/** Coalesces "something changed" into one call per listener per NOTIFY_WITHIN_MS (the page throttles nothing itself). */
export class ChangeNotifier {
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    if (this.listeners.size === 0) return;
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => this.notify(), NOTIFY_WITHIN_MS);
  }

  close(): void {
    this.cancel();
    this.listeners.clear();
  }

  private notify(): void {
    this.cancel();
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error: unknown) {
        // A broken listener must not stop the mesh or the other listeners.
        reportListenerError(error);
      }
    }
  }

  private cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Rethrows a listener's error outside the caller's stack (shared with lib/events.ts). */
export function reportListenerError(error: unknown): void {
  // Surfaces in the console (and so in e2e tab logs) without unwinding the driver.
  setTimeout(() => {
    throw error;
  }, 0);
}

/** Listeners are told at most once per animation frame, and within this even in background tabs. */
const NOTIFY_WITHIN_MS = 100;

/** Coalesces "something changed" into one call per listener per frame (the page throttles nothing itself). */
export class ChangeNotifier {
  private readonly listeners = new Set<() => void>();
  private frame: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    if (this.listeners.size === 0) return;
    if (this.frame !== undefined || this.timer !== undefined) return;
    // Whichever comes first: the next frame, or the bound (rAF does not run in hidden tabs).
    if (typeof requestAnimationFrame === 'function') this.frame = requestAnimationFrame(() => this.notify());
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
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    clearTimeout(this.timer);
    this.frame = undefined;
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

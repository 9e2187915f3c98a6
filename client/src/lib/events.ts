import { reportListenerError } from '../mesh/notifier.ts';

/**
 * A tiny typed event emitter: `on(name, listener)` returns the unsubscribe function. Listeners
 * run in a microtask after the mesh settled, never inside the gossip step, so a listener may call
 * back into the mesh; a throwing listener is reported and does not stop the others.
 */
export class Emitter<Events> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();
  private queue: (() => void)[] = [];

  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set);
    return () => {
      set.delete(listener);
    };
  }

  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    const set = this.listeners.get(event);
    if (set === undefined || set.size === 0) return;
    if (this.queue.length === 0) queueMicrotask(() => this.flush());
    this.queue.push(() => {
      for (const listener of [...set]) {
        try {
          (listener as (payload: Events[E]) => void)(payload);
        } catch (error: unknown) {
          reportListenerError(error);
        }
      }
    });
  }

  clear(): void {
    this.listeners.clear();
    this.queue = [];
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    for (const run of batch) run();
  }
}

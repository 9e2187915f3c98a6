import type { Clock } from '../runtime/ports.ts';
import type { EventQueue } from './event-queue.ts';

/** A node's runtime timer as an event on a virtual agenda; `cancelled` once the runtime set another instead. */
export interface TimerEvent {
  readonly kind: 'timer';
  readonly node: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/**
 * The runtime's Clock port on a virtual clock: node `node`'s timers become events on `queue`, and
 * whoever pops one runs it unless it was cancelled (the simulator, the playground).
 */
export function virtualClock<E>(queue: EventQueue<E | TimerEvent>, node: number, now: () => number): Clock {
  return {
    now,
    setTimer(atMs, fn) {
      const timer: TimerEvent = { kind: 'timer', node, fn, cancelled: false };
      queue.push(atMs, timer);
      return () => (timer.cancelled = true);
    },
  };
}

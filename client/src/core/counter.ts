import type { PeerId } from './ids.ts';
import type { CounterEntry } from './wire.ts';

/**
 * PN-counter: each origin owns one entry (added, subtracted), both only grow, so merge is a
 * per-entry max: commutative, associative and idempotent, and every replica converges to the sum.
 */
export class PNCounter {
  private readonly entries = new Map<PeerId, { added: number; subtracted: number }>();

  value(): number {
    let total = 0;
    for (const e of this.entries.values()) total += e.added - e.subtracted;
    return total;
  }

  /** A local change by `origin` (this node); returns the entry to spread. */
  add(origin: PeerId, delta: number): CounterEntry {
    const e = this.entries.get(origin) ?? { added: 0, subtracted: 0 };
    if (delta >= 0) e.added += delta;
    else e.subtracted -= delta;
    this.entries.set(origin, e);
    return [origin, e.added, e.subtracted];
  }

  /** Merges remote entries; returns those that taught us something (to forward). */
  merge(remote: readonly CounterEntry[]): CounterEntry[] {
    const changed: CounterEntry[] = [];
    for (const [origin, added, subtracted] of remote) {
      const e = this.entries.get(origin);
      if (e === undefined) {
        this.entries.set(origin, { added, subtracted });
        changed.push([origin, added, subtracted]);
      } else if (added > e.added || subtracted > e.subtracted) {
        e.added = Math.max(e.added, added);
        e.subtracted = Math.max(e.subtracted, subtracted);
        changed.push([origin, e.added, e.subtracted]);
      }
    }
    return changed;
  }

  toEntries(): CounterEntry[] {
    return [...this.entries].map(([origin, e]) => [origin, e.added, e.subtracted]);
  }

  get size(): number {
    return this.entries.size;
  }
}

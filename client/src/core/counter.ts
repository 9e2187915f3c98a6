import { CoreError, type PeerId } from './ids.ts';
import type { CounterEntry } from './wire.ts';

/** Origins one counter keeps; entries for new origins beyond this are refused (256k invented ones were stored before). */
export const MAX_COUNTER_ORIGINS = 4096;

interface Entry {
  added: number;
  subtracted: number;
  /** The origin's signature over exactly these totals (core/signed.ts), forwarded with them. */
  proof?: string;
}

/**
 * PN-counter: each origin owns one entry (added, subtracted), both only grow, so merge is a
 * per-entry max: commutative, associative and idempotent, and every replica converges to the sum.
 *
 * A signed entry is the origin's totals as one unit: its signature holds only for that pair, so it
 * replaces ours whole, when it is later (both totals at least ours, one greater: an origin's own
 * entries always are). A signed entry that is not (two signed pairs that cross) means the origin
 * contradicted itself; we keep what we had. Unsigned entries (the trusted in-process path) merge
 * per total.
 */
export class PNCounter {
  private readonly entries = new Map<PeerId, Entry>();

  value(): number {
    let total = 0;
    for (const e of this.entries.values()) total += e.added - e.subtracted;
    return total;
  }

  /** A local change by `origin` (this node); returns the entry to spread (`sign` adds the proof). */
  add(origin: PeerId, delta: number, sign?: (added: number, subtracted: number) => string): CounterEntry {
    const e = this.entries.get(origin) ?? { added: 0, subtracted: 0 };
    const added = delta >= 0 ? e.added + delta : e.added;
    const subtracted = delta >= 0 ? e.subtracted : e.subtracted - delta;
    if (!Number.isSafeInteger(added) || !Number.isSafeInteger(subtracted)) {
      throw new CoreError('bad-argument', `the counter entry of ${origin} would pass Number.MAX_SAFE_INTEGER`);
    }
    const next: Entry = { added, subtracted };
    if (sign !== undefined) next.proof = sign(added, subtracted);
    this.entries.set(origin, next);
    return toEntry(origin, next);
  }

  /** Merges remote entries; returns those that taught us something (to forward). */
  merge(remote: readonly CounterEntry[], ignore?: PeerId): CounterEntry[] {
    const changed: CounterEntry[] = [];
    for (const [origin, added, subtracted, proof] of remote) {
      if (origin === ignore) continue;
      const e = this.entries.get(origin);
      if (e === undefined) {
        if (this.entries.size >= MAX_COUNTER_ORIGINS) continue;
        const entry: Entry = proof === undefined ? { added, subtracted } : { added, subtracted, proof };
        this.entries.set(origin, entry);
        changed.push(toEntry(origin, entry));
      } else if (proof !== undefined) {
        if (added < e.added || subtracted < e.subtracted || (added === e.added && subtracted === e.subtracted)) continue;
        const entry: Entry = { added, subtracted, proof };
        this.entries.set(origin, entry);
        changed.push(toEntry(origin, entry));
      } else if (added > e.added || subtracted > e.subtracted) {
        e.added = Math.max(e.added, added);
        e.subtracted = Math.max(e.subtracted, subtracted);
        delete e.proof;
        changed.push([origin, e.added, e.subtracted]);
      }
    }
    return changed;
  }

  toEntries(): CounterEntry[] {
    return [...this.entries].map(([origin, e]) => toEntry(origin, e));
  }

  get size(): number {
    return this.entries.size;
  }
}

function toEntry(origin: PeerId, e: Entry): CounterEntry {
  return e.proof === undefined ? [origin, e.added, e.subtracted] : [origin, e.added, e.subtracted, e.proof];
}

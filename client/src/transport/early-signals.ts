import type { PeerId } from '../core/ids.ts';
import type { SignalData } from '../core/wire.ts';

/** Candidates that arrive before their offer (paths can reorder) are kept, this many per peer. */
const MAX_EARLY_SIGNALS = 32;

/**
 * Signals from a would-be initiator that arrived before its offer (the mesh and the server are
 * two paths, so a candidate can overtake the offer). They wait here, bounded in count and age,
 * until the offer comes.
 */
export class EarlySignals {
  private readonly byPeer = new Map<PeerId, { at: number; signals: SignalData[] }>();

  constructor(private readonly maxAgeMs: number) {}

  /** False when `from` already has as many waiting as it may. */
  keep(from: PeerId, data: SignalData, now: number): boolean {
    for (const [peer, entry] of this.byPeer) if (now - entry.at > this.maxAgeMs) this.byPeer.delete(peer);
    const entry = this.byPeer.get(from) ?? { at: now, signals: [] };
    if (entry.signals.length >= MAX_EARLY_SIGNALS) return false;
    entry.signals.push(data);
    this.byPeer.set(from, entry);
    return true;
  }

  /** What waited for `from`'s offer, in arrival order; forgotten here. */
  take(from: PeerId): SignalData[] {
    const entry = this.byPeer.get(from);
    this.byPeer.delete(from);
    return entry?.signals ?? [];
  }

  clear(): void {
    this.byPeer.clear();
  }
}

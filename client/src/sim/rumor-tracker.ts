import { rumorId, type PeerId, type RumorId } from '../core/ids.ts';

/**
 * Who has the one rumor being watched, and since when. The simulation feeds it every 'rumor'
 * event and every crash; it answers coverage questions without asking the nodes.
 */
/** What a run may read of the tracked rumor. */
export interface TrackedRumor {
  readonly informedTotal: number;
  /** When the rumor first reached each node (NaN: not yet). */
  readonly times: Float64Array;
  readonly lastInformedTime: number;
  /** Most hops travelled by the rumor's first copy at any node (Plumtree's last delivery hop). */
  readonly lastDeliveryHops: number;
}

export class RumorTracker implements TrackedRumor {
  private watched: RumorId | null = null;
  /** When the watched rumor first reached each node (NaN: not yet). */
  private readonly informedAt: Float64Array;
  private informedLive = 0;
  private informedAll = 0;
  private lastAt = NaN;
  private maxHops = 0;

  constructor(size: number) {
    this.informedAt = new Float64Array(size).fill(NaN);
  }

  /** Starts watching a new rumor; forgets the previous one. */
  watch(id: RumorId): void {
    this.informedAt.fill(NaN);
    this.informedLive = 0;
    this.informedAll = 0;
    this.lastAt = NaN;
    this.maxHops = 0;
    this.watched = id;
  }

  /** A node delivered a rumor (any rumor: others are ignored). */
  delivered(i: number, origin: PeerId, seq: number, now: number, alive: boolean, hops = 0): void {
    if (this.watched === null || !Number.isNaN(this.informedAt[i] as number)) return;
    if (rumorId(origin, seq) !== this.watched) return;
    this.informedAt[i] = now;
    this.informedAll++;
    if (alive) this.informedLive++;
    this.lastAt = now;
    if (hops > this.maxHops) this.maxHops = hops;
  }

  /** Most hops any node's first copy of the watched rumor had travelled (Plumtree's last delivery hop). */
  get lastDeliveryHops(): number {
    return this.maxHops;
  }

  /** A node crashed: an informed one no longer counts among the live informed. */
  crashed(i: number): void {
    if (this.watched !== null && !Number.isNaN(this.informedAt[i] as number)) this.informedLive--;
  }

  /** A crashed node came back empty: it no longer has the watched rumor. */
  restarted(i: number): void {
    if (this.watched === null || Number.isNaN(this.informedAt[i] as number)) return;
    this.informedAt[i] = NaN;
    this.informedAll--;
  }

  /** Live nodes that have the watched rumor. */
  get informed(): number {
    return this.informedLive;
  }

  /** Nodes that got it, crashed ones included. */
  get informedTotal(): number {
    return this.informedAll;
  }

  /** Per node, when it got the watched rumor (NaN: not yet). The live array, not a copy. */
  get times(): Float64Array {
    return this.informedAt;
  }

  /** Time the watched rumor reached its latest new node (NaN: none yet). */
  get lastInformedTime(): number {
    return this.lastAt;
  }
}

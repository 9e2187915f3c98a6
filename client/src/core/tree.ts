import type { PeerId } from './ids.ts';

/**
 * The eager links of `tree` mode, after Plumtree (Leitão, Pereira, Rodrigues, "Epidemic Broadcast
 * Trees", SRDS 2007). Every link starts eager, so the first updates flood; a node that receives an
 * update it already had tells that sender to prune the link (it lies on a cycle), and both ends
 * stop pushing over it. What remains is a spanning tree: one copy per node per update. Pruned
 * links stay open and carry the periodic digest pull, and a node that learns something through
 * that pull grafts the link back, so a tree broken by churn or concurrent prunes mends itself.
 */
export class BroadcastTree {
  private readonly pruned = new Set<PeerId>();

  /** Neighbours an update goes to at once: the eager ones, minus where it came from. */
  eagerAmong(neighbors: readonly PeerId[], except: PeerId | null): PeerId[] {
    return neighbors.filter((peer) => peer !== except && !this.pruned.has(peer));
  }

  isEager(peer: PeerId): boolean {
    return !this.pruned.has(peer);
  }

  /** Returns true when the link was eager until now. */
  prune(peer: PeerId): boolean {
    if (this.pruned.has(peer)) return false;
    this.pruned.add(peer);
    return true;
  }

  /** Returns true when the link was pruned until now. */
  graft(peer: PeerId): boolean {
    return this.pruned.delete(peer);
  }

  /** A closed link forgets its role; a new link to the same peer starts eager again. */
  forget(peer: PeerId): void {
    this.pruned.delete(peer);
  }

  get prunedCount(): number {
    return this.pruned.size;
  }
}

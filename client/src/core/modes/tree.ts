import type { PeerId } from '../ids.ts';
import { digestPull, type ModeFactory } from './mode.ts';

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

/** Tree mode: eager pushes over the self-pruning tree's links, a digest pull each period repairs it. */
export const tree: ModeFactory = (ctx) => {
  const links = new BroadcastTree();
  return {
    digestInAntiEntropy: false,
    eagerTargets: (except) => links.eagerAmong(ctx.neighbors(), except),
    stateTargets: (except) => links.eagerAmong(ctx.neighbors(), except),
    roundMessage: () => digestPull(ctx),
    // Old news over an eager link: the link closes a cycle, prune it. News over a pruned link: the tree missed us, graft it.
    received(from, brought) {
      if (!brought && links.prune(from)) ctx.out.send(from, { t: 'prune' });
      else if (brought && links.graft(from)) ctx.out.send(from, { t: 'graft' });
    },
    control(from, message) {
      if (message.t === 'prune') links.prune(from);
      else links.graft(from);
    },
    linkClosed: (peer) => links.forget(peer),
  };
};

import type { PeerId, RumorId } from '../ids.ts';

/** Plumtree's bounds and thresholds; times scale with the node's periodMs where they are relative. */
export const PLUMTREE_DEFAULTS = {
  /** Roots (origins) whose tree a node keeps; beyond this the least recently active is forgotten
   * (its next rumor floods once and the tree prunes itself again). */
  maxRoots: 256,
  /** A root silent this long is forgotten. */
  rootTtlMs: 10 * 60_000,
  /** Announced-but-missing rumors tracked at once; more announcements wait for the digest pull. */
  maxMissing: 1024,
  /** A lazy link whose announcement is this many hops shorter than the tree path replaces it. */
  hopThreshold: 2,
  /** A rumor announced and not received within this many periods is grafted from the announcer. */
  graftTimeoutPeriods: 1,
};

interface Root {
  /** Links this root's rumors do not travel over eagerly (they get announcements). */
  readonly lazy: Set<PeerId>;
  /** Where this root's latest rumor came from first, and over how many hops. */
  parent: PeerId | null;
  parentHops: number;
  lastActiveAt: number;
}

/**
 * The eager and lazy sets of every root (origin), as riak_core's plumtree keeps them: every link
 * starts eager for a root, a duplicate over it makes it lazy (prune), a graft makes it eager again.
 * Bounded: the most recently active `maxRoots` roots, none silent longer than `rootTtlMs`.
 */
export class RootTrees {
  private readonly roots = new Map<PeerId, Root>();

  constructor(private readonly limits: Pick<typeof PLUMTREE_DEFAULTS, 'maxRoots' | 'rootTtlMs'> = PLUMTREE_DEFAULTS) {}

  /** The root's state, created with every link eager; Map order is recency order. */
  private touch(root: PeerId, now: number): Root {
    let state = this.roots.get(root);
    if (state === undefined) {
      state = { lazy: new Set(), parent: null, parentHops: Infinity, lastActiveAt: now };
      if (this.roots.size >= this.limits.maxRoots) this.roots.delete(this.roots.keys().next().value as PeerId);
    } else this.roots.delete(root);
    state.lastActiveAt = now;
    this.roots.set(root, state);
    return state;
  }

  eagerAmong(root: PeerId, neighbors: readonly PeerId[], except: PeerId | null): PeerId[] {
    const lazy = this.roots.get(root)?.lazy;
    return neighbors.filter((peer) => peer !== except && !(lazy?.has(peer) ?? false));
  }

  lazyAmong(root: PeerId, neighbors: readonly PeerId[], except: PeerId | null): PeerId[] {
    const lazy = this.roots.get(root)?.lazy;
    return lazy === undefined ? [] : neighbors.filter((peer) => peer !== except && lazy.has(peer));
  }

  isEager(root: PeerId, peer: PeerId): boolean {
    return !(this.roots.get(root)?.lazy.has(peer) ?? false);
  }

  /** Returns true when the link was eager for this root until now. */
  prune(root: PeerId, peer: PeerId, now: number): boolean {
    const state = this.touch(root, now);
    if (state.lazy.has(peer)) return false;
    state.lazy.add(peer);
    if (state.parent === peer) state.parent = null;
    return true;
  }

  /** A prune with no root (an older peer): lazy for every root known. */
  pruneAll(peer: PeerId): void {
    for (const state of this.roots.values()) state.lazy.add(peer);
  }

  /** Returns true when the link was lazy for this root until now. */
  graft(root: PeerId, peer: PeerId, now: number): boolean {
    return this.touch(root, now).lazy.delete(peer);
  }

  graftAll(peer: PeerId): void {
    for (const state of this.roots.values()) state.lazy.delete(peer);
  }

  /** A new rumor of `root` arrived first over `from` after `hops` links. */
  delivered(root: PeerId, from: PeerId | null, hops: number, now: number): void {
    const state = this.touch(root, now);
    state.parent = from;
    state.parentHops = hops;
  }

  /** The tree link of `root` and its hop count, when one is known. */
  parentOf(root: PeerId): { peer: PeerId; hops: number } | null {
    const state = this.roots.get(root);
    return state?.parent == null ? null : { peer: state.parent, hops: state.parentHops };
  }

  /** A closed link forgets its roles; a new link to the same peer starts eager for every root. */
  forget(peer: PeerId): void {
    for (const state of this.roots.values()) {
      state.lazy.delete(peer);
      if (state.parent === peer) state.parent = null;
    }
  }

  expire(now: number): void {
    for (const [root, state] of this.roots) {
      if (now - state.lastActiveAt <= this.limits.rootTtlMs) break; // recency order: the rest are newer
      this.roots.delete(root);
    }
  }

  get size(): number {
    return this.roots.size;
  }

  /** Lazy links summed over roots (diagnostics and tests). */
  get lazyCount(): number {
    let count = 0;
    for (const state of this.roots.values()) count += state.lazy.size;
    return count;
  }
}

interface Missing {
  readonly root: PeerId;
  /** Peers that announced it, in order; the first is asked when the timer fires, then the next. */
  readonly announcers: PeerId[];
  dueAt: number;
}

/**
 * Plumtree's graft timers: a rumor announced (IHAVE) but not received by `dueAt` is requested from
 * its first announcer (GRAFT), which also puts that link into the root's tree; if that fails too,
 * the next announcer is asked half a timeout later.
 */
export class MissingRumors {
  private readonly missing = new Map<RumorId, Missing>();

  constructor(private readonly maxMissing: number = PLUMTREE_DEFAULTS.maxMissing) {}

  announced(id: RumorId, root: PeerId, from: PeerId, dueAt: number): void {
    const entry = this.missing.get(id);
    if (entry !== undefined) {
      if (!entry.announcers.includes(from)) entry.announcers.push(from);
      return;
    }
    if (this.missing.size >= this.maxMissing) return;
    this.missing.set(id, { root, announcers: [from], dueAt });
  }

  arrived(id: RumorId): void {
    this.missing.delete(id);
  }

  /** The requests due at `now`: one announcer each, among the open links; the timer restarts shorter. */
  due(now: number, open: readonly PeerId[], retryMs: number): Array<{ id: RumorId; root: PeerId; peer: PeerId }> {
    const requests: Array<{ id: RumorId; root: PeerId; peer: PeerId }> = [];
    for (const [id, entry] of this.missing) {
      if (entry.dueAt > now) continue;
      let peer = entry.announcers.shift();
      while (peer !== undefined && !open.includes(peer)) peer = entry.announcers.shift();
      if (peer === undefined) {
        this.missing.delete(id); // nobody left to ask: the digest pull repairs it
        continue;
      }
      entry.dueAt = now + retryMs;
      requests.push({ id, root: entry.root, peer });
    }
    return requests;
  }

  nextDueAt(): number {
    let at = Infinity;
    for (const entry of this.missing.values()) at = Math.min(at, entry.dueAt);
    return at;
  }

  get size(): number {
    return this.missing.size;
  }
}

/** "origin:seq" back into its parts (ids passed the wire's check or were made by rumorId). */
export function splitRumorId(id: RumorId): { origin: PeerId; seq: number } {
  const at = id.lastIndexOf(':');
  return { origin: id.slice(0, at) as PeerId, seq: Number(id.slice(at + 1)) };
}

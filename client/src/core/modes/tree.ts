import { rumorId, type PeerId, type RumorId } from '../ids.ts';
import { MAX_IDS_PER_MESSAGE, type MessageOf, type Rumor } from '../wire.ts';
import { type Arrival, type ModeFactory, type SpreadingContext } from './mode.ts';
import { MissingRumors, PLUMTREE_DEFAULTS, RootTrees, splitRumorId } from './plumtree.ts';

/**
 * Tree mode: Plumtree (Leitão, Pereira, Rodrigues, "Epidemic Broadcast Trees", SRDS 2007) with one
 * tree per origin, as riak_core's plumtree keeps it. Every link starts eager for a root, so a
 * root's first rumor floods; a duplicate over an eager link prunes it for that root (it closes a
 * cycle), leaving a spanning tree per root grown along the fastest first arrivals: one copy per node
 * per rumor, over short paths from each origin rather than one shared tree.
 *
 * The pruned (lazy) links carry announcements (IHAVE: ids and hops), batched once per period. A
 * rumor announced and not received within a timeout is grafted: GRAFT asks the announcer for it
 * and puts that link back into the root's tree, so a tree broken by churn or a lost push mends
 * within a period or two. An announcement that arrives with a hop count lower than the tree path's
 * by PLUMTREE_DEFAULTS.hopThreshold replaces the tree link (graft it, prune the old parent). The
 * periodic digest pull stays as the last-resort repair.
 */
export const tree: ModeFactory = (ctx) => new PlumtreeMode(ctx);

class PlumtreeMode {
  /** Announcements and grafts repair recent losses within a period or two; the digest pull, the last
   * resort, rides on anti-entropy (every few periods) rather than on every round. */
  readonly digestInAntiEntropy = true;
  private readonly trees = new RootTrees();
  private readonly missing = new MissingRumors();
  /** Announcements waiting for the next beat, by lazy peer. */
  private readonly announcements = new Map<PeerId, Map<RumorId, number>>();

  constructor(private readonly ctx: SpreadingContext) {}

  private get graftTimeoutMs(): number {
    return PLUMTREE_DEFAULTS.graftTimeoutPeriods * this.ctx.options.periodMs;
  }

  forward(rumors: readonly Rumor[], except: PeerId | null, now: number): Map<PeerId, Rumor[]> {
    const neighbors = this.ctx.neighbors();
    const routes = new Map<PeerId, Rumor[]>();
    for (const rumor of rumors) {
      if (except === null) this.trees.delivered(rumor.origin, null, 0, now); // our own: we are the root
      for (const peer of this.trees.eagerAmong(rumor.origin, neighbors, except)) {
        const list = routes.get(peer);
        if (list === undefined) routes.set(peer, [rumor]);
        else list.push(rumor);
      }
      for (const peer of this.trees.lazyAmong(rumor.origin, neighbors, except)) this.announce(peer, rumor);
    }
    return routes;
  }

  /** Own rumors' eager links (forward() routes per origin; this serves the ModeBehaviour contract). */
  eagerTargets(except: PeerId | null): PeerId[] {
    return this.trees.eagerAmong(this.ctx.self, this.ctx.neighbors(), except);
  }

  /** Counter and register changes follow their origin's rumor tree (every link while it has none). */
  stateTargets(except: PeerId | null, origin: PeerId | null): PeerId[] {
    return this.trees.eagerAmong(origin ?? this.ctx.self, this.ctx.neighbors(), except);
  }

  roundMessage(): null {
    return null;
  }

  received(from: PeerId, arrivals: readonly Arrival[], now: number): void {
    const pruned = new Set<PeerId>();
    for (const { rumor, outcome } of arrivals) {
      const root = rumor.origin;
      if (outcome === 'new') {
        this.missing.arrived(rumorId(root, rumor.seq));
        this.trees.delivered(root, from, rumor.hops, now);
        // News over a lazy link (a pull's answer, or the tree missed us): make it this root's tree link.
        if (this.trees.graft(root, from, now)) this.ctx.out.send(from, { t: 'graft', root });
      } else if (outcome === 'duplicate' && !pruned.has(root) && this.trees.prune(root, from, now)) {
        pruned.add(root);
        this.ctx.out.send(from, { t: 'prune', root });
      }
    }
  }

  control(from: PeerId, message: MessageOf<'prune' | 'graft' | 'ihave'>, now: number): void {
    switch (message.t) {
      case 'prune':
        if (message.root === undefined) this.trees.pruneAll(from);
        else this.trees.prune(message.root, from, now);
        return;
      case 'graft':
        return this.onGraft(from, message, now);
      case 'ihave':
        return this.onIhave(from, message, now);
    }
  }

  beat(now: number): void {
    for (const [peer, ids] of this.announcements) {
      const entries = [...ids];
      for (let i = 0; i < entries.length; i += MAX_IDS_PER_MESSAGE) {
        this.ctx.out.send(peer, { t: 'ihave', rumors: entries.slice(i, i + MAX_IDS_PER_MESSAGE) });
      }
    }
    this.announcements.clear();
    this.trees.expire(now);
  }

  tick(now: number): void {
    const requests = this.missing.due(now, this.ctx.neighbors(), this.graftTimeoutMs / 2);
    const byLink = new Map<string, { peer: PeerId; root: PeerId; ids: RumorId[] }>();
    for (const { id, root, peer } of requests) {
      const key = `${peer} ${root}`;
      const entry = byLink.get(key);
      if (entry === undefined) byLink.set(key, { peer, root, ids: [id] });
      else if (entry.ids.length < MAX_IDS_PER_MESSAGE) entry.ids.push(id);
    }
    for (const { peer, root, ids } of byLink.values()) {
      this.trees.graft(root, peer, now);
      this.ctx.out.send(peer, { t: 'graft', root, ids });
    }
  }

  nextTickAt(): number {
    return this.missing.nextDueAt();
  }

  linkClosed(peer: PeerId): void {
    this.trees.forget(peer);
    this.announcements.delete(peer);
  }

  /** Diagnostics for tests: roots tracked, lazy links over all roots, rumors awaited. */
  get figures(): { roots: number; lazy: number; missing: number } {
    return { roots: this.trees.size, lazy: this.trees.lazyCount, missing: this.missing.size };
  }

  private announce(peer: PeerId, rumor: Rumor): void {
    let ids = this.announcements.get(peer);
    if (ids === undefined) this.announcements.set(peer, (ids = new Map()));
    ids.set(rumorId(rumor.origin, rumor.seq), rumor.hops);
  }

  private onGraft(from: PeerId, message: MessageOf<'graft'>, now: number): void {
    if (message.root === undefined) this.trees.graftAll(from);
    else this.trees.graft(message.root, from, now);
    const rumors = (message.ids ?? []).map((id) => this.ctx.store.get(id)).filter((r) => r !== undefined);
    if (rumors.length > 0) this.ctx.out.send(from, { t: 'push', rumors, seen: [], wantFeedback: false });
  }

  private onIhave(from: PeerId, message: MessageOf<'ihave'>, now: number): void {
    const dueAt = now + this.graftTimeoutMs;
    let shortcut: { root: PeerId; hops: number } | null = null;
    for (const [id, hops] of message.rumors) {
      const { origin, seq } = splitRumorId(id);
      if (origin === this.ctx.self) continue;
      if (!this.ctx.store.hasSeen(origin, seq)) {
        this.missing.announced(id, origin, from, dueAt);
        continue;
      }
      // Plumtree's optimisation: this lazy link would have brought it in fewer hops than the tree did.
      const parent = this.trees.parentOf(origin);
      if (parent !== null && parent.peer !== from && hops + 1 + PLUMTREE_DEFAULTS.hopThreshold <= parent.hops) {
        shortcut = { root: origin, hops: hops + 1 };
      }
    }
    if (shortcut === null) return;
    const parent = this.trees.parentOf(shortcut.root);
    if (parent === null) return;
    this.trees.prune(shortcut.root, parent.peer, now);
    this.ctx.out.send(parent.peer, { t: 'prune', root: shortcut.root });
    this.trees.graft(shortcut.root, from, now);
    this.trees.delivered(shortcut.root, from, shortcut.hops, now);
    this.ctx.out.send(from, { t: 'graft', root: shortcut.root });
  }
}

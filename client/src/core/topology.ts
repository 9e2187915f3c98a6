import { sample } from './env.ts';
import type { PeerId } from './ids.ts';
import type { NodeContext, ProtocolModule } from './protocol.ts';
import { topologyText, type Signer } from './signed.ts';
import type { HybridClock } from './time.ts';
import { MAX_TOPOLOGY_ENTRIES_PER_MESSAGE, type MessageOf, type TopologyEntry } from './wire.ts';

/** Most peers whose neighbour lists one node keeps (enough to draw and route a browser mesh). */
const MAX_TOPOLOGY_ENTRIES = 1024;

/**
 * The mesh as this node has heard of it: each peer's own neighbour list, gossiped like a
 * per-peer last-writer-wins map and expired when its owner stops refreshing it. It feeds the
 * page's graph and the routing of signals relayed through the mesh.
 *
 * Death notices: a node that sees a neighbour leave or go silent writes that neighbour's entry
 * itself, one version past the last it heard, marked `gone` (`markGone`). The notice spreads like
 * any entry, so peers that never linked to the dead one drop it from their passive views too and
 * stop dialling it. A live peer wrongly declared gone refutes it: its next own entry is newer (the
 * version works like SWIM's incarnation number). Gone peers are left out of graph() and routing.
 *
 * An entry that expired is remembered with its version for another `ttlMs`, and copies no newer
 * than that are refused: otherwise a stale entry bounces between peers that expire it at
 * different times and never dies out.
 */
export class Topology {
  private readonly entries = new Map<PeerId, { neighbors: PeerId[]; version: number; heardAt: number; gone: boolean; by?: PeerId; proof?: string }>();
  private readonly expired = new Map<PeerId, { version: number; until: number }>();

  constructor(
    private readonly self: PeerId,
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    /** Signs our own entries and the death notices we write (null: the trusted in-process path). */
    private readonly signer: Signer | null = null,
  ) {}

  /**
   * Our own entry; its version exceeds every earlier one and `atLeast` (to refute a death notice).
   * `stamp` is a hybrid-clock stamp (time.ts), so versions order across peers whatever their clocks.
   */
  setOwn(neighbors: PeerId[], now: number, stamp: number, atLeast = 0): TopologyEntry {
    const previous = this.entries.get(this.self);
    const version = Math.max(stamp, (previous?.version ?? 0) + 1, atLeast);
    const proof = this.signer?.sign(topologyText({ peer: this.self, neighbors, version }));
    this.entries.set(this.self, { neighbors, version, heardAt: now, gone: false, ...(proof === undefined ? {} : { proof }) });
    return { peer: this.self, neighbors, version, ...(proof === undefined ? {} : { proof }) };
  }

  /** The version of our own entry (undefined before the first setOwn). */
  ownVersion(): number | undefined {
    return this.entries.get(this.self)?.version;
  }

  /**
   * Writes a death notice for `peer` (a neighbour that left or went silent) and returns it, to be
   * spread; undefined if one is already known or the table is full.
   */
  markGone(peer: PeerId, now: number): TopologyEntry | undefined {
    if (peer === this.self) return undefined;
    const known = this.entries.get(peer);
    if (known?.gone === true) return undefined;
    if (known === undefined && this.entries.size >= this.maxEntries) return undefined;
    const version = (known?.version ?? this.expired.get(peer)?.version ?? 0) + 1;
    const signed = this.signer === null ? {} : { by: this.self, proof: this.signer.sign(topologyText({ peer, neighbors: [], version, gone: true, by: this.self })) };
    this.entries.set(peer, { neighbors: [], version, heardAt: now, gone: true, ...signed });
    return { peer, neighbors: [], version, gone: true, ...signed };
  }

  /** How many links `peer` last said it has; undefined if unknown or gone. */
  degreeOf(peer: PeerId): number | undefined {
    const entry = this.entries.get(peer);
    return entry === undefined || entry.gone ? undefined : entry.neighbors.length;
  }

  /** Another peer's entry (or our own) lists `peer` as a link: someone vouches that it is alive. */
  isVouched(peer: PeerId): boolean {
    for (const [owner, entry] of this.entries) if (owner !== peer && !entry.gone && entry.neighbors.includes(peer)) return true;
    return false;
  }

  /** A death notice for `peer` is the newest thing we know about it. */
  isGone(peer: PeerId): boolean {
    return this.entries.get(peer)?.gone === true;
  }

  /** Returns the entries that were news (to forward). */
  merge(remote: readonly TopologyEntry[], now: number): TopologyEntry[] {
    const changed: TopologyEntry[] = [];
    for (const entry of remote) {
      if (entry.peer === this.self) continue;
      const known = this.entries.get(entry.peer);
      if (known !== undefined && known.version >= entry.version) continue;
      const forgotten = this.expired.get(entry.peer);
      if (forgotten !== undefined && forgotten.version >= entry.version) continue;
      if (known === undefined && this.entries.size >= this.maxEntries) continue;
      const gone = entry.gone === true;
      const signed = { ...(entry.by === undefined ? {} : { by: entry.by }), ...(entry.proof === undefined ? {} : { proof: entry.proof }) };
      this.entries.set(entry.peer, { neighbors: gone ? [] : entry.neighbors, version: entry.version, heardAt: now, gone, ...signed });
      changed.push(entry);
    }
    return changed;
  }

  forget(peer: PeerId): void {
    if (peer !== this.self) this.entries.delete(peer);
  }

  expire(now: number): void {
    for (const [peer, e] of this.expired) if (now >= e.until) this.expired.delete(peer);
    for (const [peer, e] of this.entries) {
      if (peer === this.self || now - e.heardAt <= this.ttlMs) continue;
      this.entries.delete(peer);
      this.expired.set(peer, { version: e.version, until: now + this.ttlMs });
    }
  }

  toEntries(): TopologyEntry[] {
    return [...this.entries].map(([peer, e]) => {
      const signed = { ...(e.by === undefined ? {} : { by: e.by }), ...(e.proof === undefined ? {} : { proof: e.proof }) };
      return e.gone ? { peer, neighbors: [], version: e.version, gone: true, ...signed } : { peer, neighbors: e.neighbors, version: e.version, ...signed };
    });
  }

  /** Adjacency as known: own links plus every heard entry (edges made symmetric), gone peers left out. */
  graph(): Map<PeerId, Set<PeerId>> {
    const adjacency = new Map<PeerId, Set<PeerId>>();
    const link = (a: PeerId, b: PeerId) => addEdge(adjacency, a, b);
    for (const [peer, e] of this.entries) {
      if (e.gone) continue;
      if (!adjacency.has(peer)) adjacency.set(peer, new Set());
      for (const n of e.neighbors) {
        if (this.isGone(n)) continue;
        link(peer, n);
        link(n, peer);
      }
    }
    return adjacency;
  }

  /**
   * Links as the latest word on them says: a link one end lists is left out when the other end's
   * entry, heard later, does not list it (that end dropped it or suspects it). A peer that died
   * keeps its stale entry until it expires, but its neighbours stop listing it within a few pings
   * (suspected links are left out of entries): no path runs through it then. A new link listed by
   * one end before the other end's fresh entry arrived is kept.
   */
  private agreedGraph(): Map<PeerId, Set<PeerId>> {
    const adjacency = new Map<PeerId, Set<PeerId>>();
    const link = (a: PeerId, b: PeerId) => addEdge(adjacency, a, b);
    for (const [peer, e] of this.entries) {
      if (e.gone) continue;
      for (const n of e.neighbors) {
        const other = this.entries.get(n);
        if (other !== undefined && (other.gone || (!other.neighbors.includes(peer) && other.heardAt > e.heardAt))) continue;
        link(peer, n);
        link(n, peer);
      }
    }
    return adjacency;
  }

  /** First hop from this node towards `target` on a shortest known path (links as last heard of), if any. */
  nextHop(target: PeerId, neighbors: ReadonlySet<PeerId>, exclude?: PeerId): PeerId | undefined {
    if (neighbors.has(target) && target !== exclude) return target;
    const adjacency = this.agreedGraph();
    const firstHop = new Map<PeerId, PeerId>();
    const queue: PeerId[] = [];
    for (const n of neighbors) {
      if (n === exclude) continue;
      firstHop.set(n, n);
      queue.push(n);
    }
    for (let i = 0; i < queue.length; i++) {
      const at = queue[i] as PeerId;
      const hop = firstHop.get(at) as PeerId;
      for (const next of adjacency.get(at) ?? []) {
        if (next === this.self || firstHop.has(next)) continue;
        if (next === target) return hop;
        firstHop.set(next, hop);
        queue.push(next);
      }
    }
    return undefined;
  }

  get size(): number {
    return this.entries.size;
  }
}

function addEdge(adjacency: Map<PeerId, Set<PeerId>>, from: PeerId, to: PeerId): void {
  let set = adjacency.get(from);
  if (set === undefined) adjacency.set(from, (set = new Set()));
  set.add(to);
}

export interface TopologyHooks {
  /** The links our own entry lists: the healthy ones (a suspected link is not vouched for). */
  ownLinks(): PeerId[];
  /** Death notices newly arrived for these peers. */
  declaredGone(peers: readonly PeerId[]): void;
  /** An entry stamped beyond the tolerated clock skew: score its sender. */
  penalize(from: PeerId, detail: string): void;
}

/**
 * The topology protocol: each node gossips its own neighbour list (at once when it changes,
 * refreshed every topologyTtlMs / 3, the whole table by anti-entropy), writes death notices for
 * neighbours that left or went silent, and refutes notices about itself with a newer entry.
 * Off (`shareTopology: false`), it sends nothing and knows nothing.
 */
export class TopologyGossip implements ProtocolModule<'topology'> {
  readonly handles = ['topology'] as const;
  readonly table: Topology;
  private readonly enabled: boolean;
  private nextRefreshAt: number;

  constructor(
    private readonly ctx: NodeContext,
    private readonly clock: HybridClock,
    private readonly hooks: TopologyHooks,
  ) {
    this.enabled = ctx.options.shareTopology;
    this.table = new Topology(ctx.self, ctx.options.topologyTtlMs, MAX_TOPOLOGY_ENTRIES, ctx.signer ?? null);
    this.nextRefreshAt = this.enabled ? ctx.env.now() : Infinity;
  }

  receive(from: PeerId, message: MessageOf<'topology'>, now: number): void {
    if (!this.enabled) return;
    const timely = message.entries.filter((e) => this.clock.observe(e.version));
    if (timely.length < message.entries.length) this.hooks.penalize(from, `${message.entries.length - timely.length} topology entries stamped beyond the tolerated skew`);
    const news = this.table.merge(timely, now);
    if (news.length > 0) this.ctx.out.emit({ type: 'topology' });
    this.refute(timely, now);
    if (message.reply) this.ctx.out.send(from, this.tableMessage(false));
    const notices = news.filter((e) => e.gone === true);
    if (notices.length === 0) return;
    // Death notices are forwarded at once (not left to anti-entropy): every view drops the dead peer within hops.
    for (const to of this.ctx.neighbors()) if (to !== from) this.ctx.out.send(to, { t: 'topology', entries: notices, reply: false });
    this.hooks.declaredGone(notices.map((e) => e.peer));
  }

  tick(now: number): void {
    if (now >= this.nextRefreshAt) this.announce(now);
  }

  nextTickAt(): number {
    return this.nextRefreshAt;
  }

  /** Our own neighbour list changed (or needs refreshing): tell the neighbours at once. */
  announce(now: number, atLeastVersion = 0): void {
    if (!this.enabled) return;
    this.nextRefreshAt = now + this.ctx.options.topologyTtlMs / 3;
    const own = this.table.setOwn(this.hooks.ownLinks(), now, this.clock.now(), atLeastVersion);
    for (const peer of this.ctx.neighbors()) this.ctx.out.send(peer, { t: 'topology', entries: [own], reply: false });
  }

  /** A neighbour of ours left or went silent: write its death notice and tell our neighbours. */
  announceGone(peer: PeerId, now: number): void {
    if (!this.enabled) return;
    const notice = this.table.markGone(peer, now);
    if (notice === undefined) return;
    this.ctx.out.emit({ type: 'topology' });
    for (const to of this.ctx.neighbors()) this.ctx.out.send(to, { t: 'topology', entries: [notice], reply: false });
  }

  /** Anti-entropy: the table to one neighbour, which answers with its own; stale entries go. */
  antiEntropy(target: PeerId | undefined, now: number): void {
    if (!this.enabled) return;
    if (target !== undefined) this.ctx.out.send(target, this.tableMessage(true));
    this.table.expire(now);
  }

  isGone(peer: PeerId): boolean {
    return this.enabled && this.table.isGone(peer);
  }

  degreeOf(peer: PeerId): number | undefined {
    return this.enabled ? this.table.degreeOf(peer) : undefined;
  }

  /** Without topology everyone counts as vouched for. */
  isVouched(peer: PeerId): boolean {
    return !this.enabled || this.table.isVouched(peer);
  }

  /** Someone declared us gone (we slept, or a link failed): outvote it with a newer entry of our own. */
  private refute(entries: readonly TopologyEntry[], now: number): void {
    const own = this.table.ownVersion();
    const notice = entries.find((e) => e.peer === this.ctx.self && e.gone === true);
    if (notice === undefined || (own !== undefined && notice.version < own)) return;
    this.announce(now, notice.version + 1);
  }

  private tableMessage(reply: boolean): MessageOf<'topology'> {
    const entries = this.table.toEntries();
    return {
      t: 'topology',
      // Beyond one message's worth, a random slice each time still converges.
      entries: entries.length > MAX_TOPOLOGY_ENTRIES_PER_MESSAGE ? sample(this.ctx.env.random, entries, MAX_TOPOLOGY_ENTRIES_PER_MESSAGE) : entries,
      reply,
    };
  }
}

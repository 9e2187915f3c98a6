import type { PeerId } from './ids.ts';
import type { TopologyEntry } from './wire.ts';

/**
 * The mesh as this node has heard of it: each peer's own neighbour list, gossiped like a
 * per-peer last-writer-wins map and expired when its owner stops refreshing it. It feeds the
 * page's graph and the routing of signals relayed through the mesh.
 */
export class Topology {
  private readonly entries = new Map<PeerId, { neighbors: PeerId[]; version: number; heardAt: number }>();

  constructor(
    private readonly self: PeerId,
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  setOwn(neighbors: PeerId[], now: number): TopologyEntry {
    const previous = this.entries.get(this.self);
    const version = previous === undefined ? now : Math.max(now, previous.version + 1);
    this.entries.set(this.self, { neighbors, version, heardAt: now });
    return { peer: this.self, neighbors, version };
  }

  /** Returns the entries that were news (to forward). */
  merge(remote: readonly TopologyEntry[], now: number): TopologyEntry[] {
    const changed: TopologyEntry[] = [];
    for (const entry of remote) {
      if (entry.peer === this.self) continue;
      const known = this.entries.get(entry.peer);
      if (known !== undefined && known.version >= entry.version) continue;
      if (known === undefined && this.entries.size >= this.maxEntries) continue;
      this.entries.set(entry.peer, { neighbors: entry.neighbors, version: entry.version, heardAt: now });
      changed.push(entry);
    }
    return changed;
  }

  forget(peer: PeerId): void {
    if (peer !== this.self) this.entries.delete(peer);
  }

  expire(now: number): void {
    for (const [peer, e] of this.entries) {
      if (peer !== this.self && now - e.heardAt > this.ttlMs) this.entries.delete(peer);
    }
  }

  toEntries(): TopologyEntry[] {
    return [...this.entries].map(([peer, e]) => ({ peer, neighbors: e.neighbors, version: e.version }));
  }

  /** Adjacency as known: own links plus every heard entry (edges made symmetric). */
  graph(): Map<PeerId, Set<PeerId>> {
    const adjacency = new Map<PeerId, Set<PeerId>>();
    const link = (a: PeerId, b: PeerId) => {
      if (!adjacency.has(a)) adjacency.set(a, new Set());
      (adjacency.get(a) as Set<PeerId>).add(b);
    };
    for (const [peer, e] of this.entries) {
      if (!adjacency.has(peer)) adjacency.set(peer, new Set());
      for (const n of e.neighbors) {
        link(peer, n);
        link(n, peer);
      }
    }
    return adjacency;
  }

  /** First hop from this node towards `target` on a shortest known path, if any. */
  nextHop(target: PeerId, neighbors: ReadonlySet<PeerId>, exclude?: PeerId): PeerId | undefined {
    if (neighbors.has(target) && target !== exclude) return target;
    const adjacency = this.graph();
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

/**
 * What the mesh graph shows, computed from one tab's view of the mesh, pure (graph.ts lays it out
 * and draws it). The two keys say what a change touches: a new `structureKey` (peers or links
 * came or went) moves the layout; a new `styleKey` (a link became two-sided, a peer's own list
 * arrived, this tab's neighbours) only needs one redraw.
 */

export interface GraphInput {
  self: string;
  neighbors: readonly string[];
  graph: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface ModelLink {
  key: string;
  /** a < b. */
  a: string;
  b: string;
  /** Both ends list each other; one-sided links are drawn dashed (stale or half-open). */
  mutual: boolean;
}

export interface GraphModel {
  /** Every peer shown, sorted. */
  ids: string[];
  /** Peers whose own neighbour list is known (a key of the graph), not only seen in others' lists. */
  reported: Set<string>;
  /** Sorted by key. */
  links: ModelLink[];
  structureKey: string;
  styleKey: string;
}

export function linkKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

export function graphModel(input: GraphInput): GraphModel {
  const { self, graph } = input;
  const wanted = new Set<string>([self]);
  const reported = new Set<string>([self]);
  const directed = new Set<string>();
  const pairs = new Map<string, [string, string]>();
  const addEdge = (from: string, to: string): void => {
    if (from === to) return;
    wanted.add(from);
    wanted.add(to);
    directed.add(`${from}\u0000${to}`);
    const key = linkKey(from, to);
    if (!pairs.has(key)) pairs.set(key, from < to ? [from, to] : [to, from]);
  };
  for (const [peer, peers] of graph) {
    reported.add(peer);
    wanted.add(peer);
    // This tab's own links are known first hand (below), fresher than its gossiped entry.
    if (peer === self) continue;
    for (const other of peers) addEdge(peer, other);
  }
  for (const n of input.neighbors) {
    addEdge(self, n);
    // An open link is two-way, whatever the neighbour's gossiped entry says yet.
    directed.add(`${n}\u0000${self}`);
  }
  const ids = [...wanted].sort();
  const links = [...pairs.entries()]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([key, [a, b]]) => ({ key, a, b, mutual: directed.has(`${a}\u0000${b}`) && directed.has(`${b}\u0000${a}`) }));
  const structureKey = `${ids.join(',')}|${links.map((l) => l.key).join(',')}`;
  const styleKey = [
    self,
    [...input.neighbors].sort().join(','),
    links.filter((l) => !l.mutual).map((l) => l.key).join(','),
    ids.filter((id) => reported.has(id)).join(','),
  ].join('|');
  return { ids, reported, links, structureKey, styleKey };
}

/**
 * A cheap key of the raw view (this tab's neighbours and the gossiped lists, in the order given):
 * the page rebuilds the model only when it changed. Entries that merely come in another order
 * give another key, which costs one rebuild, never a wrong picture.
 */
export function viewKey(neighbors: readonly string[], topology: Readonly<Record<string, readonly string[]>>): string {
  let key = neighbors.join(',');
  for (const peer in topology) key += `|${peer}:${(topology[peer] ?? []).join(',')}`;
  return key;
}

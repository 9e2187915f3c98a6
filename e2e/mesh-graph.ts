/**
 * Pure checks on the mesh as the tabs report it (no Playwright): connectivity of the union of
 * neighbour lists, degrees, link symmetry. Used by the specs (via mesh-helpers.ts) and the benchmark.
 */

export interface TabView {
  label: string;
  id: string;
  neighbors: string[];
}

/** Ids of the tabs that a breadth-first search over the union of all neighbour lists reaches from the first tab. */
export function reachable(views: readonly TabView[]): Set<string> {
  const adjacency = new Map<string, Set<string>>();
  const link = (a: string, b: string): void => {
    let set = adjacency.get(a);
    if (set === undefined) adjacency.set(a, (set = new Set()));
    set.add(b);
  };
  for (const view of views) {
    link(view.id, view.id);
    for (const n of view.neighbors) {
      link(view.id, n);
      link(n, view.id);
    }
  }
  const start = views[0]?.id;
  if (start === undefined) return new Set();
  const seen = new Set([start]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const next of adjacency.get(queue[i] as string) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return seen;
}

/** What is still wrong with the mesh: tabs with a degree outside [1, maxDegree], tabs not reached. */
export function meshProblems(views: readonly TabView[], maxDegree: number): string[] {
  const problems: string[] = [];
  for (const view of views) {
    const degree = view.neighbors.length;
    if (degree < 1 || degree > maxDegree) problems.push(`${view.label} (${view.id}) has ${degree} neighbours`);
  }
  const reached = reachable(views);
  for (const view of views) if (!reached.has(view.id)) problems.push(`${view.label} (${view.id}) not reachable from ${views[0]?.label}`);
  return problems;
}

/** What breaks link symmetry: A lists B but B does not list A (only tabs in `views` are judged). */
export function asymmetricLinks(views: readonly TabView[]): string[] {
  const byId = new Map(views.map((v) => [v.id, v]));
  const problems: string[] = [];
  for (const view of views) {
    for (const n of view.neighbors) {
      const other = byId.get(n);
      if (other !== undefined && !other.neighbors.includes(view.id)) problems.push(`${view.label} lists ${other.label}, not the other way`);
    }
  }
  return problems;
}

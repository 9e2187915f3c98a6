/**
 * Helpers shared by the mesh specs: snapshots of the mesh as the tabs see it, taken only through
 * the test hook (`window.__mesh`), and bounded waits on them.
 */
import type { Page } from '@playwright/test';
import type { MeshTestHook } from '../client/src/mesh/hook.ts';
import { expect, hook, tabLabel, waitForAll, type MeshHook } from './fixtures.ts';

/** Compile-time check: the hook the page installs satisfies the harness's MeshHook contract. */
type Extends<A extends B, B> = A;
export type HookContractHolds = Extends<MeshTestHook, MeshHook>;

export interface TabView {
  label: string;
  id: string;
  neighbors: string[];
}

/** Each tab's id and open links, read (nearly) at once. */
export async function meshSnapshot(tabs: readonly Page[]): Promise<TabView[]> {
  return Promise.all(
    tabs.map(async (page) => {
      const { id, neighbors } = await page.evaluate(() => {
        const mesh = window.__mesh;
        if (mesh === undefined) throw new Error('window.__mesh is not defined');
        return { id: mesh.id, neighbors: mesh.neighbors() };
      });
      return { label: tabLabel(page), id, neighbors };
    }),
  );
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

/** Waits until every tab has 1..maxDegree links and the union of the links is one connected graph. */
export async function waitForConnectedMesh(tabs: readonly Page[], opts: { maxDegree: number; timeoutMs: number }): Promise<TabView[]> {
  let last: TabView[] = [];
  await expect
    .poll(
      async () => {
        last = await meshSnapshot(tabs);
        return meshProblems(last, opts.maxDegree);
      },
      {
        message: `waiting ${opts.timeoutMs} ms for ${tabs.length} tabs to form one connected mesh (1..${opts.maxDegree} links each); received = what was still wrong`,
        timeout: opts.timeoutMs,
        intervals: [100, 250, 500],
      },
    )
    .toEqual([]);
  return last;
}

/** Publishes `text` in `page` and returns the rumor id. */
export function publish(page: Page, text: string): Promise<string> {
  return hook(page).publish(text);
}

/** Waits until the rumor `id` has arrived in every tab. */
export async function waitForRumor(tabs: readonly Page[], id: string, timeoutMs: number): Promise<void> {
  await waitForAll(tabs, (rid) => window.__mesh?.rumors().some((r) => r.id === rid) ?? false, {
    what: `rumor ${id}`,
    arg: id,
    timeoutMs,
  });
}

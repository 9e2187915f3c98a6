/**
 * Helpers shared by the mesh specs: snapshots of the mesh as the tabs see it, taken only through
 * the test hook (`window.__mesh`), and bounded waits on them.
 */
import type { Page } from '@playwright/test';
import { expect, hook, tabLabel, waitForAll, type MeshRumor } from './fixtures.ts';
import { asymmetricLinks, meshProblems, type TabView } from './mesh-graph.ts';

export { asymmetricLinks, meshProblems, reachable, type TabView } from './mesh-graph.ts';

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

/**
 * Waits until every tab has 1..maxDegree links and the union of the links is one connected graph
 * (and, with `symmetric`, every link is listed at both ends), all in one snapshot; returns it.
 */
export async function waitForConnectedMesh(
  tabs: readonly Page[],
  opts: { maxDegree: number; timeoutMs: number; symmetric?: boolean },
): Promise<TabView[]> {
  let last: TabView[] = [];
  await expect
    .poll(
      async () => {
        last = await meshSnapshot(tabs);
        const problems = meshProblems(last, opts.maxDegree);
        return opts.symmetric === true ? [...problems, ...asymmetricLinks(last)] : problems;
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

/** Every copy of rumor `id` that `page` delivered (exactly one when dedup works). */
export function rumorCopies(page: Page, id: string): Promise<MeshRumor[]> {
  return page.evaluate((rid) => {
    const mesh = window.__mesh;
    if (mesh === undefined) throw new Error('window.__mesh is not defined');
    return mesh.rumors().filter((r) => r.id === rid);
  }, id);
}

/** Waits until every tab's counter reads `value`. */
export async function waitForCounter(tabs: readonly Page[], value: number, timeoutMs: number): Promise<void> {
  await waitForAll(tabs, (want) => window.__mesh?.counter() === want, { what: `counter = ${value}`, arg: value, timeoutMs });
}

/** Waits until the links the tabs report agree on both ends (a data channel is one link). */
export async function waitForSymmetricLinks(tabs: readonly Page[], timeoutMs: number): Promise<TabView[]> {
  let last: TabView[] = [];
  await expect
    .poll(
      async () => {
        last = await meshSnapshot(tabs);
        return asymmetricLinks(last);
      },
      { message: `waiting ${timeoutMs} ms for every link to be listed at both ends`, timeout: timeoutMs, intervals: [100, 250, 500] },
    )
    .toEqual([]);
  return last;
}

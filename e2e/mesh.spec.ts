/**
 * The browser mesh over real WebRTC (issue 3), Chromium tabs in one browser context:
 * - two tabs connect and exchange a rumor;
 * - 12 tabs form one connected partial mesh (1..cap links each, links symmetric, union connected);
 * - a rumor from one of 12 tabs reaches all 12, with sensible hop counts;
 * - +1 from 5 tabs and -1 from 2 others: every tab shows exactly 3;
 * - two tabs write the register at once: every tab ends on the same winner, the newer write.
 *
 * Every wait is on a condition with a bound (waitForAll / expect.poll); nothing sleeps. The
 * bounds are generous because the tests share two cores with other work; they are not
 * performance thresholds (the figures come from e2e/bench/browser.ts).
 */
import type { Page } from '@playwright/test';
import { DEFAULT_OPTIONS } from '../client/src/core/options.ts';
import { test, expect, hook, waitForAll, waitForMeshReady, type MeshRegister } from './fixtures.ts';
import {
  publish,
  rumorCopies,
  waitForConnectedMesh,
  waitForCounter,
  waitForRumor,
  waitForSymmetricLinks,
} from './mesh-helpers.ts';

/** The page runs the core's defaults: no tab may hold more open links than this. */
const CAP = DEFAULT_OPTIONS.maxActiveViewSize;
const MESH_TIMEOUT_MS = 60_000;
const SPREAD_TIMEOUT_MS = 30_000;

test.describe.configure({ timeout: 180_000 });

/** Opens `count` tabs and waits for one connected mesh; returns the tabs and their ids. */
async function connectedMesh(openTabs: (n: number) => Promise<Page[]>, count: number): Promise<{ tabs: Page[]; ids: string[] }> {
  const tabs = await openTabs(count);
  await waitForMeshReady(tabs, MESH_TIMEOUT_MS);
  const views = await waitForConnectedMesh(tabs, { maxDegree: CAP, timeoutMs: MESH_TIMEOUT_MS });
  return { tabs, ids: views.map((v) => v.id) };
}

test.describe('mesh over WebRTC', () => {
  test('two tabs connect and exchange a rumor both ways', async ({ openTabs }) => {
    const tabs = await openTabs(2);
    const [a, b] = tabs as [Page, Page];
    await waitForMeshReady(tabs, MESH_TIMEOUT_MS);
    const idA = await hook(a).id();
    const idB = await hook(b).id();
    expect(idA).not.toBe(idB);
    // The only possible link: each lists the other, and nothing else.
    await waitForSymmetricLinks(tabs, MESH_TIMEOUT_MS);
    expect(await hook(a).neighbors()).toEqual([idB]);
    expect(await hook(b).neighbors()).toEqual([idA]);

    for (const [from, to, fromId] of [
      [a, b, idA],
      [b, a, idB],
    ] as const) {
      const text = `hello from ${fromId}`;
      // The hook's arrival (what the benchmark waits on): listening before the publish, it answers with the delivery time.
      const arriving = to.evaluate(([t, ms]) => window.__mesh?.arrival(t, ms) ?? null, [text, SPREAD_TIMEOUT_MS] as const);
      await to.evaluate(() => 0);
      const id = await publish(from, text);
      await waitForRumor(tabs, id, SPREAD_TIMEOUT_MS);
      const [atOrigin] = await rumorCopies(from, id);
      const copies = await rumorCopies(to, id);
      expect(copies, 'delivered exactly once').toHaveLength(1);
      const [got] = copies;
      expect(got).toMatchObject({ id, origin: fromId, text, hops: 1 });
      expect(atOrigin).toMatchObject({ id, origin: fromId, text, hops: 0 });
      expect(got?.sentAt).toBe(atOrigin?.sentAt);
      // Same machine clock (epoch ms from performance.timeOrigin); allow for sub-ms skew between processes.
      expect(got?.receivedAt ?? 0).toBeGreaterThanOrEqual((got?.sentAt ?? Infinity) - 5);
      expect(await arriving).toBe(got?.receivedAt);
      // Asked after the fact, it answers at once with the same time; a text never sent gets null at its bound.
      expect(await to.evaluate((t) => window.__mesh?.arrival(t, 60_000) ?? null, text)).toBe(got?.receivedAt);
      expect(await to.evaluate(() => window.__mesh?.arrival('never sent', 50) ?? Promise.resolve(-1))).toBeNull();
    }
  });

  test('12 tabs form one connected partial mesh', async ({ openTabs }) => {
    const tabs = await openTabs(12);
    await waitForMeshReady(tabs, MESH_TIMEOUT_MS);
    // One snapshot in which all of it holds: degrees within 1..cap, links symmetric, union connected.
    const views = await waitForConnectedMesh(tabs, { maxDegree: CAP, timeoutMs: MESH_TIMEOUT_MS, symmetric: true });
    const ids = views.map((v) => v.id);
    expect(new Set(ids).size, 'distinct peer ids').toBe(12);
    const degrees = views.map((v) => v.neighbors.length);
    for (const view of views) {
      expect(view.neighbors.length, `${view.label} degree`).toBeGreaterThanOrEqual(1);
      expect(view.neighbors.length, `${view.label} degree`).toBeLessThanOrEqual(CAP);
      expect(view.neighbors, `${view.label} links to itself`).not.toContain(view.id);
      expect(new Set(view.neighbors).size, `${view.label} lists a neighbour twice`).toBe(view.neighbors.length);
      for (const n of view.neighbors) expect(ids, `${view.label} links to a peer outside the room`).toContain(n);
    }
    // Partial: the cap keeps every tab below a full mesh of 12 (11 links each).
    expect(Math.max(...degrees)).toBeLessThan(11);
    test.info().annotations.push({ type: 'degrees', description: degrees.join(' ') });
  });

  test('a rumor from one of 12 tabs reaches all 12 with hop counts', async ({ openTabs }) => {
    const { tabs, ids } = await connectedMesh(openTabs, 12);
    const originIndex = 5;
    const origin = tabs[originIndex] as Page;
    const originId = ids[originIndex] as string;
    const text = 'rumor from tab 5';
    const id = await publish(origin, text);
    await waitForRumor(tabs, id, SPREAD_TIMEOUT_MS);

    const seen = await Promise.all(tabs.map((t) => rumorCopies(t, id)));
    const hops: number[] = [];
    let sentAt: number | undefined;
    seen.forEach((copies, i) => {
      expect(copies, `tab ${i} delivered it exactly once`).toHaveLength(1);
      const copy = copies[0];
      expect(copy).toMatchObject({ id, origin: originId, text });
      sentAt ??= copy?.sentAt;
      expect(copy?.sentAt, `tab ${i} carries the origin's timestamp`).toBe(sentAt);
      expect(copy?.receivedAt ?? 0).toBeGreaterThanOrEqual((copy?.sentAt ?? Infinity) - 5);
      hops.push(copy?.hops ?? -1);
    });
    test.info().annotations.push({ type: 'hops', description: hops.join(' ') });
    expect(hops[originIndex], 'hops at the origin').toBe(0);
    const others = hops.filter((_, i) => i !== originIndex);
    for (const h of others) {
      expect(h).toBeGreaterThanOrEqual(1);
      expect(h).toBeLessThanOrEqual(tabs.length - 1);
    }
    // The first delivery anywhere is straight from the origin: some tab got it in one hop.
    expect(others).toContain(1);
  });

  test('+1 from 5 tabs and -1 from 2: every tab shows exactly 3', async ({ openTabs }) => {
    const { tabs } = await connectedMesh(openTabs, 12);
    // All seven writes at once, from seven different tabs.
    await Promise.all([
      ...[0, 2, 4, 6, 8].map((i) => hook(tabs[i] as Page).add(1)),
      ...[3, 9].map((i) => hook(tabs[i] as Page).add(-1)),
    ]);
    await waitForCounter(tabs, 3, SPREAD_TIMEOUT_MS);
    // A barrier: one more rumor everywhere means the mesh has carried later traffic too;
    // the counter must still be 3 (no contribution counted twice on the way).
    const barrier = await publish(tabs[11] as Page, 'barrier');
    await waitForRumor(tabs, barrier, SPREAD_TIMEOUT_MS);
    expect(await Promise.all(tabs.map((t) => hook(t).counter()))).toEqual(tabs.map(() => 3));
  });

  test('two tabs write the register at once: every tab ends on the same, newer write', async ({ openTabs }) => {
    const { tabs } = await connectedMesh(openTabs, 12);
    const writers = [tabs[1] as Page, tabs[10] as Page] as const;
    // Each write, read back in the same turn: the write's own { value, timestamp, origin }.
    const write = (page: Page, value: string): Promise<MeshRegister> =>
      page.evaluate((v) => {
        const mesh = window.__mesh;
        if (mesh === undefined) throw new Error('window.__mesh is not defined');
        mesh.setRegister(v);
        const own = mesh.register();
        if (own === null) throw new Error('register() is null right after setRegister');
        return own;
      }, value);
    const [w1, w2] = await Promise.all([write(writers[0], 'from tab 1'), write(writers[1], 'from tab 10')]);
    expect(w1.value).toBe('from tab 1');
    expect(w2.value).toBe('from tab 10');
    const winner = newer(w1, w2);
    await waitForRegister(tabs, winner);

    // The loser writes again after seeing the winner: its write is newer and must win everywhere.
    const loser = winner === w1 ? writers[1] : writers[0];
    const again = await write(loser, 'second round');
    expect(again.timestamp, 'a write after seeing the winner is newer').toBeGreaterThan(winner.timestamp);
    await waitForRegister(tabs, again);
  });
});

/** Last writer wins: newer timestamp; a tie goes to the larger origin id. */
function newer(a: MeshRegister, b: MeshRegister): MeshRegister {
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp ? a : b;
  return a.origin > b.origin ? a : b;
}

function waitForRegister(tabs: readonly Page[], expected: MeshRegister): Promise<void> {
  return waitForAll(
    tabs,
    (want) => {
      const r = window.__mesh?.register() ?? null;
      return r !== null && r.value === want.value && r.timestamp === want.timestamp && r.origin === want.origin;
    },
    { what: `register = ${JSON.stringify(expected)}`, arg: expected, timeoutMs: SPREAD_TIMEOUT_MS },
  );
}

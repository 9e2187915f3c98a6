/**
 * A mesh of Firefox and Chromium tabs (issue 3). Runs in the `firefox` project only (see
 * playwright.config.ts): the test's own `context` is Firefox, Chromium is launched here through
 * the `launchBrowser` fixture with the same flags as the chromium project. Both browsers join one
 * room on one signaling server; rumors and the counter must cross in both directions.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { DEFAULT_OPTIONS } from '../client/src/core/options.ts';
import { test, expect, hook, newContextFor, waitForMeshReady } from './fixtures.ts';
import { publish, rumorCopies, waitForConnectedMesh, waitForCounter, waitForRumor, type TabView } from './mesh-helpers.ts';

const CAP = DEFAULT_OPTIONS.maxActiveViewSize;
const MESH_TIMEOUT_MS = 60_000;
const SPREAD_TIMEOUT_MS = 30_000;

test.describe.configure({ timeout: 180_000 });

test.describe('Chromium and Firefox in one mesh', () => {
  test.beforeEach(({ browserName }) => {
    expect(browserName, 'this spec runs in the firefox project').toBe('firefox');
  });

  test('one Firefox tab and one Chromium tab: a direct link, rumors and the counter both ways', async ({ openTabs, launchBrowser }) => {
    const chromiumContext = await newContextFor(await launchBrowser('chromium'), 'chromium');
    const [fx] = await openTabs(1);
    const [cr] = await openTabs(1, { context: chromiumContext });
    if (fx === undefined || cr === undefined) throw new Error('openTabs returned too few pages');
    const tabs = [fx, cr];
    await waitForMeshReady(tabs, MESH_TIMEOUT_MS);
    const fxId = await hook(fx).id();
    const crId = await hook(cr).id();
    await expect.poll(() => hook(fx).neighbors(), { timeout: MESH_TIMEOUT_MS }).toEqual([crId]);
    await expect.poll(() => hook(cr).neighbors(), { timeout: MESH_TIMEOUT_MS }).toEqual([fxId]);

    for (const [from, to, fromId] of [
      [fx, cr, fxId],
      [cr, fx, crId],
    ] as const) {
      const id = await publish(from, `from ${fromId}`);
      await waitForRumor(tabs, id, SPREAD_TIMEOUT_MS);
      expect(await rumorCopies(to, id)).toEqual([expect.objectContaining({ id, origin: fromId, hops: 1 })]);
    }

    await hook(fx).add(1);
    await waitForCounter(tabs, 1, SPREAD_TIMEOUT_MS);
    await hook(cr).add(-3);
    await waitForCounter(tabs, -2, SPREAD_TIMEOUT_MS);
  });

  test('3 Firefox and 3 Chromium tabs: one mesh, rumors and the counter cross browsers', async ({ openTabs, launchBrowser }) => {
    const chromiumContext: BrowserContext = await newContextFor(await launchBrowser('chromium'), 'chromium');
    const fxTabs = await openTabs(3);
    const crTabs = await openTabs(3, { context: chromiumContext });
    const tabs = [...fxTabs, ...crTabs];
    await waitForMeshReady(tabs, MESH_TIMEOUT_MS);
    const views = await waitForConnectedMesh(tabs, { maxDegree: CAP, timeoutMs: MESH_TIMEOUT_MS, symmetric: true });
    const fxIds = new Set(views.slice(0, fxTabs.length).map((v) => v.id));
    const crossLinks = (vs: readonly TabView[]): number =>
      vs.filter((v) => fxIds.has(v.id)).reduce((n, v) => n + v.neighbors.filter((p) => !fxIds.has(p)).length, 0);
    // Six tabs aiming at five links each: Firefox-Chromium links must exist.
    expect(crossLinks(views), 'links between a Firefox and a Chromium tab').toBeGreaterThan(0);

    const fromFirefox = await publish(fxTabs[0] as Page, 'from firefox');
    const fromChromium = await publish(crTabs[2] as Page, 'from chromium');
    await waitForRumor(tabs, fromFirefox, SPREAD_TIMEOUT_MS);
    await waitForRumor(tabs, fromChromium, SPREAD_TIMEOUT_MS);
    for (const [i, tab] of tabs.entries()) {
      expect(await rumorCopies(tab, fromFirefox), `tab ${i}: firefox rumor once`).toHaveLength(1);
      expect(await rumorCopies(tab, fromChromium), `tab ${i}: chromium rumor once`).toHaveLength(1);
    }

    // +1 from every Firefox tab, -1 from two Chromium tabs, all at once: 3 - 2 = 1 everywhere.
    await Promise.all([...fxTabs.map((t) => hook(t).add(1)), ...crTabs.slice(0, 2).map((t) => hook(t).add(-1))]);
    await waitForCounter(tabs, 1, SPREAD_TIMEOUT_MS);
  });
});

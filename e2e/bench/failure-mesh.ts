/**
 * The failure benchmark's mesh (failure.ts, failure-soak.ts): the real signaling server (port 0,
 * serving the built page as npm start does) and one Chromium whose N tabs each have their own
 * browser context (separate users: no shared BroadcastChannel or storage between them), read
 * through the page's test hook only. Plain Playwright library, no test runner.
 */
import { chromium, errors, type Browser, type Page } from '@playwright/test';
import { DEFAULT_OPTIONS } from '../../client/src/core/options.ts';
import { createSignalingServer, type SignalingServer } from '../../signaling-server/src/server.ts';
import { chromiumArgs, chromiumContextOptions } from '../browsers.ts';
import { alignTimersToWholeSeconds } from '../churn.ts';
import { openInTurn } from '../load-pages.ts';
import { findChromium, INSTALL_CHROMIUM_HINT } from '../netns.mjs';
import { meshProblems, readTab, waitUntil } from '../scenario.ts';

/** Bound for one tab to load on a busy two-core machine, and for the mesh to form. */
const LOAD_TIMEOUT_MS = 90_000;
const MESH_TIMEOUT_MS = 180_000;

export interface SeparateTabs {
  browser: Browser;
  tabs: Page[];
  ids: string[];
  chromiumVersion: string;
  /** Opening the first tab to a connected mesh with every tab at its steady degree. */
  meshFormedMs: number;
  close(): Promise<void>;
}

/**
 * Opens `n` tabs of the served page, two loading at once, each in its own context; the tabs in
 * `slowTimers` get Chromium's background timer throttling from their first script on (an init
 * script). Resolves once the mesh is connected and every tab has min(activeViewSize, n - 1) links.
 */
export async function openSeparateTabs(n: number, staticDir: string, opts: { slowTimers?: ReadonlySet<number>; progress: (line: string) => void }): Promise<SeparateTabs> {
  const found = await findChromium();
  if (found === null) throw new Error(['The failure benchmark needs a Chromium.', ...INSTALL_CHROMIUM_HINT].join('\n'));
  const server: SignalingServer = await createSignalingServer({ port: 0, host: '127.0.0.1', staticDir });
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    await server.close();
  };
  try {
    browser = await chromium.launch({ executablePath: found.path, args: [...chromiumArgs] });
    const launched = browser;
    const url = new URL(server.address.url);
    url.searchParams.set('room', `failure-${n}-${Date.now().toString(36)}`);
    const openedAt = Date.now();
    const tabs = await openInTurn(
      n,
      2,
      async (i) => {
        const context = await launched.newContext(chromiumContextOptions);
        if (opts.slowTimers?.has(i) === true) await context.addInitScript(alignTimersToWholeSeconds);
        const page = await context.newPage();
        await page.goto(url.href, { waitUntil: 'load', timeout: LOAD_TIMEOUT_MS });
        return page;
      },
      (loaded) => {
        if (loaded % 6 === 0 || loaded === n) opts.progress(`  ${loaded}/${n} tabs loaded`);
      },
    );
    const steady = Math.min(DEFAULT_OPTIONS.activeViewSize, n - 1);
    const formed = await waitUntil(async () => meshProblems(await Promise.all(tabs.map((t, i) => readTab(t, `tab ${i}`))), steady), { timeoutMs: MESH_TIMEOUT_MS, intervalMs: 500 });
    if (formed.problems.length > 0) throw new Error(`no steady mesh of ${n} tabs within ${MESH_TIMEOUT_MS} ms: ${formed.problems.slice(0, 3).join('; ')}`);
    const meshFormedMs = Date.now() - openedAt;
    const ids = await Promise.all(tabs.map((t) => t.evaluate(() => window.__mesh?.id ?? '')));
    opts.progress(`  ${n} tabs: connected, every tab at degree >= ${steady}, ${(meshFormedMs / 1000).toFixed(1)} s after the first opened`);
    return { browser, tabs, ids, chromiumVersion: browser.version(), meshFormedMs, close };
  } catch (error: unknown) {
    await close();
    throw error;
  }
}

/**
 * Waits inside the tab (polling every 50 ms there, no round trips) until `gone` is not among its
 * neighbours; resolves to the tab's own clock (epoch ms) at that moment, or null after `timeoutMs`.
 */
export async function whenDropped(page: Page, gone: string, timeoutMs: number): Promise<number | null> {
  try {
    const handle = await page.waitForFunction((id) => (window.__mesh !== undefined && !window.__mesh.neighbors().includes(id) ? Date.now() : null), gone, {
      polling: 50,
      timeout: timeoutMs,
    });
    return (await handle.jsonValue()) as number;
  } catch (error: unknown) {
    if (error instanceof errors.TimeoutError) return null;
    throw error;
  }
}

/** The tab's neighbours, or null when it does not answer (crashed, or frozen past the bound). */
export async function neighborsOf(page: Page): Promise<string[] | null> {
  return page.evaluate(() => window.__mesh?.neighbors() ?? null).catch(() => null);
}

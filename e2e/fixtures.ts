/**
 * Playwright fixtures for the mesh end-to-end tests.
 *
 *   import { test, expect, waitForAll, hook } from './fixtures.ts';
 *
 *   test('rumor reaches everyone', async ({ server, openTabs }) => {
 *     const tabs = await openTabs(8);                       // 8 pages, one context, one room
 *     await waitForMeshReady(tabs);
 *     const id = await hook(tabs[0]!).publish('hi');
 *     await waitForAll(tabs, (rid) => window.__mesh?.rumors().some((r) => r.id === rid) ?? false,
 *       { what: `rumor ${id}`, arg: id, timeoutMs: 30_000 });
 *   });
 *
 * Fixtures (all test-scoped):
 * - `server`: a signaling server child process on a free port: `{ url, port, running, stop(),
 *   restart(), shutdown(), output() }`. stop() is SIGKILL + wait for exit; restart() starts it again
 *   on the same port. Always ended at teardown; its output is attached (and so printed by the
 *   list reporter) when the test fails.
 * - `room`: a room name unique to this test (and retry / repeat).
 * - `openTabs(count, { room?, query?, context?, path?, concurrency? })`: opens `count` pages in
 *   ONE browser context (the test's own `context` unless given) at
 *   `${server.url}?room=<room>&<query>`, resolves once every page has loaded. Console errors and
 *   page errors of these tabs are attached as tab-errors.log when the test fails.
 * - `launchBrowser(kind)`: launches a second browser ('chromium' | 'firefox') with the project's
 *   launch options; closed at teardown. Use `newContextFor(browser, kind)` for the right context
 *   options (Chromium needs the microphone permission to gather loopback ICE candidates).
 */
import { test as base, expect, chromium, firefox, type Browser, type BrowserContext, type Page, type TestInfo } from '@playwright/test';
import { contextOptionsFor, launchOptionsFor, type BrowserKind } from './browsers.ts';
import { startSignalingServer, type SignalingServer } from './server.ts';

export { expect };
export type { SignalingServer } from './server.ts';
export { hook, callHook, type MeshHook, type HookClient, type MeshRumor, type MeshRegister, type MeshStats } from './hook.ts';
export { inLoopbackNamespace, type BrowserKind } from './browsers.ts';

export interface OpenTabsOptions {
  /** Room to join; defaults to the test's unique `room`. */
  room?: string;
  /** Extra query parameters appended after `room`. */
  query?: Record<string, string>;
  /** Context to open the pages in; defaults to the test's `context`. */
  context?: BrowserContext;
  /** Path relative to the server URL; defaults to the root. */
  path?: string;
  /** How many pages load at once; defaults to 8. */
  concurrency?: number;
}

export type OpenTabs = (count: number, opts?: OpenTabsOptions) => Promise<Page[]>;

export interface E2EFixtures {
  server: SignalingServer;
  room: string;
  openTabs: OpenTabs;
  launchBrowser: (kind: BrowserKind) => Promise<Browser>;
}

const labels = new WeakMap<Page, string>();

/** The label a tab is reported under ("tab 3"); pages not opened by openTabs get "page". */
export function tabLabel(page: Page): string {
  return labels.get(page) ?? 'page';
}

function failed(testInfo: TestInfo): boolean {
  return testInfo.status !== testInfo.expectedStatus;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
}

/** Opens a new context on `browser` with the options the mesh needs for that browser kind. */
export function newContextFor(browser: Browser, kind: BrowserKind): Promise<BrowserContext> {
  return browser.newContext(contextOptionsFor(kind));
}

export interface WaitForAllOptions<A> {
  /** What is being waited for, for the failure message. */
  what: string;
  /** Bound of the whole wait; defaults to 30 s. */
  timeoutMs?: number;
  /** Argument passed to the predicate in each page (must be serializable). */
  arg?: A;
}

/**
 * Polls `predicate` in every page until it returns true in all of them, within `timeoutMs`.
 * The predicate runs inside the page (no closure over test variables: pass them as `arg`).
 * On timeout it fails with `what` and the tabs where the predicate was still false or threw.
 */
export async function waitForAll<A = undefined>(
  pages: readonly Page[],
  predicate: (arg: A) => boolean | Promise<boolean>,
  opts: WaitForAllOptions<A>,
): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const evaluate = (page: Page): Promise<boolean> =>
    page.evaluate(predicate as (arg: unknown) => boolean | Promise<boolean>, opts.arg as unknown);
  await expect
    .poll(
      async () => {
        const missing = await Promise.all(
          pages.map(async (page) => {
            if (page.isClosed()) return `${tabLabel(page)}: closed`;
            try {
              return (await evaluate(page)) === true ? null : `${tabLabel(page)}: not yet`;
            } catch (error: unknown) {
              return `${tabLabel(page)}: threw ${errorMessage(error)}`;
            }
          }),
        );
        return missing.filter((m): m is string => m !== null);
      },
      {
        message: `waiting ${timeoutMs} ms for ${opts.what} on all ${pages.length} tabs; received = tabs where it was not true`,
        timeout: timeoutMs,
        intervals: [50, 100, 250, 500],
      },
    )
    .toEqual([]);
}

/** Waits until `window.__mesh.ready()` is true in every page. */
export function waitForMeshReady(pages: readonly Page[], timeoutMs = 30_000): Promise<void> {
  return waitForAll(pages, () => window.__mesh?.ready() === true, { what: 'window.__mesh.ready()', timeoutMs });
}

async function runPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

const MAX_TAB_LOG_LINES = 500;

export const test = base.extend<E2EFixtures>({
  server: async ({}, use, testInfo) => {
    const server = await startSignalingServer();
    try {
      await use(server);
    } finally {
      await server.shutdown();
      // The list reporter prints text attachments of a failed test in full.
      if (failed(testInfo)) await testInfo.attach('signaling-server.log', { body: server.output(), contentType: 'text/plain' });
    }
  },

  room: async ({}, use, testInfo) => {
    const slug = `${testInfo.project.name}-${testInfo.testId}-r${testInfo.retry}-x${testInfo.repeatEachIndex}`;
    await use(`e2e-${slug}`.replace(/[^A-Za-z0-9_-]/g, '-'));
  },

  openTabs: async ({ server, context, room }, use, testInfo) => {
    const tabLog: string[] = [];
    const opened: Page[] = [];
    let tabCount = 0;
    const note = (line: string): void => {
      tabLog.push(line);
      if (tabLog.length > MAX_TAB_LOG_LINES) tabLog.splice(0, tabLog.length - MAX_TAB_LOG_LINES);
    };

    const openTabs: OpenTabs = async (count, opts = {}) => {
      if (!Number.isInteger(count) || count < 0) throw new Error(`openTabs: count must be a non-negative integer, got ${count}`);
      const target = opts.context ?? context;
      const url = new URL(opts.path ?? '', server.url);
      url.searchParams.set('room', opts.room ?? room);
      for (const [key, value] of Object.entries(opts.query ?? {})) url.searchParams.set(key, value);

      const pages: Page[] = [];
      for (let i = 0; i < count; i++) {
        const page = await target.newPage();
        const label = `tab ${tabCount++}`;
        labels.set(page, label);
        page.on('pageerror', (error) => note(`[${label}] pageerror: ${error.message}`));
        page.on('console', (msg) => {
          const type = msg.type();
          if (type === 'error' || type === 'warning') note(`[${label}] console.${type}: ${msg.text()}`);
        });
        page.on('crash', () => note(`[${label}] CRASHED`));
        pages.push(page);
        opened.push(page);
      }
      await runPool(pages, opts.concurrency ?? 8, async (page) => {
        const response = await page.goto(url.href, { waitUntil: 'load' });
        if (response !== null && !response.ok()) {
          throw new Error(`${tabLabel(page)}: GET ${url.href} answered ${response.status()} ${response.statusText()}`);
        }
      });
      return pages;
    };

    try {
      await use(openTabs);
    } finally {
      if (failed(testInfo) && tabLog.length > 0) {
        await testInfo.attach('tab-errors.log', { body: tabLog.join('\n'), contentType: 'text/plain' });
      }
      // Pages in the test's own context close with it; close the ones opened elsewhere.
      for (const page of opened) {
        if (page.context() === context || page.isClosed()) continue;
        await page.close().catch((error: unknown) => note(`[${tabLabel(page)}] close failed: ${errorMessage(error)}`));
      }
    }
  },

  launchBrowser: async ({}, use) => {
    const browsers: Browser[] = [];
    try {
      await use(async (kind) => {
        const type = kind === 'chromium' ? chromium : firefox;
        const browser = await type.launch(launchOptionsFor(kind));
        browsers.push(browser);
        return browser;
      });
    } finally {
      for (const browser of browsers) await browser.close();
    }
  },
});

/**
 * The browser part of the benchmark: N real Chromium tabs in ONE browser context form one mesh
 * through an in-process signaling server (port 0, serving the built client); then, on the same
 * tabs and links, each mode in turn (mode-run.ts) and last the flood baseline, so that every
 * figure has its baseline from the same run. Reads the tabs through the test hook only (tabs.ts).
 *
 * Measured here: time from opening a tab (navigation start) to its first open link, for tabs 2..N
 * (tab 1 has nobody to link to until tab 2 exists); the mesh forming (one connected component) and
 * settling (an idle window in which no link opened: links keep changing for a while after every tab
 * has one). It runs in whatever network namespace its caller is in.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import type { Mode } from '../../client/src/core/options.ts';
import { createSignalingServer, type SignalingServer } from '../../signaling-server/src/server.ts';
import { chromiumArgs, chromiumContextOptions } from '../browsers.ts';
import { loadPages } from '../load-pages.ts';
import { meshProblems, type TabView } from '../mesh-graph.ts';
import { measureMode, type ModeFigures, type ModeRunSettings } from './mode-run.ts';
import { BASELINE_MODE, type BenchOptions } from './options.ts';
import { ratiosAgainst, round1, seededRandom, summarize, type BaselineRatios, type Summary } from './stats.ts';
import { firstLinkDelayMs, linkSet, sleep, snapshot, totals } from './tabs.ts';

/** The per-mode part's options (options.ts) for one tab count, and where the client and the browser are. */
export interface BrowserMeshOptions extends Omit<BenchOptions['browser'], 'run' | 'tabs'> {
  tabs: number;
  staticDir: string;
  chromiumPath: string;
  /** Idle window: no link may open in it (settling); each mode's background rate takes two. Default 5000 ms. */
  idleMs?: number;
  /** Bound for the mesh to form and settle. Default 120 s. */
  meshTimeoutMs?: number;
  onProgress?: (line: string) => void;
}

export interface BrowserMeshFigures {
  tabs: number;
  settings: { modes: Mode[]; rumors: number; warmupRumors: number; periodMs: number; fanout: number; seed: number; openConcurrency: number; idleMs: number };
  chromiumVersion: string;
  /** Navigation start to the first open link, tabs 2..N. */
  openToFirstLinkMs: Summary | null;
  /** Opening the first tab to one connected mesh, and to the start of an idle window with no new link. */
  meshFormedMs: number;
  meshSettledMs: number;
  /** Links at the start of the first mode. */
  linksAtStart: number;
  linksPerTabAtStart: { mean: number; min: number; max: number };
  /** Links opened in all (each once), and how their offers travelled (through the mesh / the server). */
  linksOpened: number;
  linksViaMesh: number;
  linksViaServer: number;
  modes: ModeFigures[];
  /** Each mode against flood on the same tabs (mode / flood). */
  ratios: BaselineRatios[];
  durationMs: number;
}

export async function measureBrowserMesh(options: BrowserMeshOptions): Promise<BrowserMeshFigures> {
  const started = Date.now();
  const n = options.tabs;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`tabs must be an integer >= 2, got ${n}`);
  if (!existsSync(resolve(options.staticDir, 'index.html'))) throw new Error(`no built client in ${options.staticDir}`);
  const idleMs = options.idleMs ?? 5000;
  const meshTimeoutMs = options.meshTimeoutMs ?? 120_000;
  const progress = options.onProgress ?? ((): void => undefined);
  const modeSettings: ModeRunSettings = {
    rumors: options.rumors,
    warmupRumors: options.warmupRumors,
    idleMs,
    quietMs: Math.max(1000, 1.5 * options.periodMs),
    quietMaxMs: Math.max(30_000, 30 * options.periodMs),
    rumorTimeoutMs: Math.max(60_000, 60 * options.periodMs),
  };

  let server: SignalingServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await createSignalingServer({ port: 0, host: '127.0.0.1', staticDir: options.staticDir });
    browser = await chromium.launch({ executablePath: options.chromiumPath, args: [...chromiumArgs, '--enable-precise-memory-info'] });
    const context = await browser.newContext(chromiumContextOptions);
    const url = new URL(server.address.url);
    url.searchParams.set('room', `bench-${n}-${Date.now().toString(36)}`);
    url.searchParams.set('periodMs', String(options.periodMs));
    url.searchParams.set('fanout', String(options.fanout));
    progress(`${n} tabs: chromium ${browser.version()}; opening them at ${url.href}`);

    // 1. Open the tabs, `openConcurrency` loading at once (default one after another, like people).
    const tabs: Page[] = [];
    for (let i = 0; i < n; i++) tabs.push(await context.newPage());
    const openedAt = Date.now();
    await loadPages(tabs, url.href, options.openConcurrency, (loaded) => {
      if (loaded % 4 === 0 || loaded === n) progress(`  ${loaded}/${n} tabs loaded`);
    });

    // 2. One connected mesh.
    let views: TabView[] = [];
    for (;;) {
      views = await snapshot(tabs);
      const problems = meshProblems(views, Number.MAX_SAFE_INTEGER);
      if (problems.length === 0) break;
      if (Date.now() - openedAt > meshTimeoutMs) throw new Error(`no connected mesh after ${meshTimeoutMs} ms: ${problems.slice(0, 5).join('; ')}`);
      await sleep(250);
    }
    const meshFormedMs = Date.now() - openedAt;
    const firstLinks = (await Promise.all(tabs.map(firstLinkDelayMs))).slice(1).filter((x): x is number => x !== null);
    const openToFirstLinkMs = summarize(firstLinks);
    progress(`  mesh formed ${meshFormedMs} ms after the first tab opened; open -> first link median ${openToFirstLinkMs?.median} ms, max ${openToFirstLinkMs?.max} ms`);

    // 3. Settled: an idle window in which no link opened.
    let before = await totals(tabs);
    let idleStart = Date.now();
    for (;;) {
      await sleep(idleMs);
      const after = await totals(tabs);
      if (after.linksOpened === before.linksOpened) break;
      if (Date.now() - openedAt > meshTimeoutMs) {
        progress(`  links still changing ${meshTimeoutMs} ms after opening; measuring anyway`);
        break;
      }
      progress(`  settling: ${(after.linksOpened - before.linksOpened) / 2} links opened in the last ${idleMs} ms`);
      before = after;
      idleStart = Date.now();
    }
    const meshSettledMs = idleStart - openedAt;
    views = await snapshot(tabs);
    const degrees = views.map((v) => v.neighbors.length);
    const linksAtStart = linkSet(views).size;
    progress(`  mesh settled ${meshSettledMs} ms after the first tab opened; ${linksAtStart} links, ${round1(degrees.reduce((a, b) => a + b, 0) / n)} per tab`);

    // 4. Every mode on the same tabs and links; flood (the baseline) last.
    const random = seededRandom(options.seed);
    const modes: ModeFigures[] = [];
    for (const mode of options.modes) {
      progress(`  ${n} tabs, mode ${mode}${mode === BASELINE_MODE ? ' (baseline)' : ''}: ${options.warmupRumors} warm-up + ${options.rumors} counted rumors`);
      const figures = await measureMode(tabs, mode, modeSettings, random, progress);
      const lat = figures.publishToLastDeliveryMs;
      progress(
        `  ${mode}: publish -> last delivery median ${lat?.median} ms, max ${lat?.max} ms; ${figures.payloadsPerDelivery} payloads per delivery; ` +
          `${figures.messagesPerRumor} messages per rumor; links kept ${figures.links.kept}/${figures.links.atStart}`,
      );
      modes.push(figures);
    }
    const end = await totals(tabs);
    return {
      tabs: n,
      settings: {
        modes: [...options.modes],
        rumors: options.rumors,
        warmupRumors: options.warmupRumors,
        periodMs: options.periodMs,
        fanout: options.fanout,
        seed: options.seed,
        openConcurrency: options.openConcurrency,
        idleMs,
      },
      chromiumVersion: browser.version(),
      openToFirstLinkMs,
      meshFormedMs,
      meshSettledMs,
      linksAtStart,
      linksPerTabAtStart: { mean: round1(degrees.reduce((a, b) => a + b, 0) / n), min: Math.min(...degrees), max: Math.max(...degrees) },
      // Both ends of a link count it.
      linksOpened: end.linksOpened / 2,
      linksViaMesh: end.linksViaMesh / 2,
      linksViaServer: end.linksViaServer / 2,
      modes,
      ratios: ratiosAgainst(modes, BASELINE_MODE),
      durationMs: Date.now() - started,
    };
  } finally {
    await browser?.close();
    await server?.close();
  }
}

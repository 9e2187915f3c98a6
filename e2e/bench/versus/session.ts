/**
 * One repetition of one system: its servers, a fresh Chromium, N tabs each in its own browser
 * context (as N separate users), the wire probe in every page. Measures, in this order: opening
 * and linking (navigation to first link per tab, first tab opened to every tab linked), settling
 * (no link opened or closed for `settleMs`), an idle window (data-channel messages, browser CPU
 * from /proc per process kind, links per tab, PSS), then `updates` updates from random tabs, one
 * at a time, each until it reached every tab (or the bound). Nothing is asserted: it measures.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { chromiumArgs, chromiumContextOptions } from '../../browsers.ts';
import { openInTurn } from '../../load-pages.ts';
import type { WireCounts } from '../../probe-globals.ts';
import { installWireProbe, wireCounts } from '../../wire-probe.ts';
import { browserProcesses, cpuPercent, pssMB, TICKS_PER_SECOND } from '../proc.ts';
import { round1, seededRandom } from '../stats.ts';
import { sleep } from '../tabs.ts';
import type { ArrivalWatch } from '../options.ts';
import type { RepetitionFigures } from './figures.ts';
import { formatBreakdown, hopBreakdown, type HopBreakdown, type TabTrace } from './hop-figures.ts';
import type { SystemUnderTest, Written } from './systems.ts';

export interface SessionSettings {
  tabs: number;
  repetition: number;
  updates: number;
  /** Idle window for messages and CPU. */
  idleMs: number;
  /** Links count as settled after this long without one opening or closing... */
  settleMs: number;
  /** ... or this long after every tab had a link (then measured anyway). */
  settleBoundMs: number;
  /** Bound for one tab to load. */
  loadTimeoutMs: number;
  /** Bound for every tab to have a link, from the moment the last tab loaded. */
  linkTimeoutMs: number;
  /** An update that has not reached every tab by then counts as not delivered. */
  updateTimeoutMs: number;
  /** Tabs loading at once while opening. */
  openConcurrency: number;
  /** How the harness learns that an update reached a tab (options.ts). */
  arrivals: ArrivalWatch;
  seed: number;
  chromiumPath: string;
}

interface UpdateArrivals {
  written: Written;
  /** Epoch ms at which each tab had the update (the writer: when written); null: not within the bound. */
  arrivals: (number | null)[];
}

async function awaitArrivals(system: SystemUnderTest, tabs: readonly Page[], from: number, text: string, timeoutMs: number): Promise<UpdateArrivals> {
  const waits = tabs.map((tab, i) => (i === from ? null : system.arrival(tab, text, timeoutMs)));
  // Each tab runs our calls in order: once this answers, its wait above is listening.
  await Promise.all(tabs.map((tab) => tab.evaluate(() => 0)));
  const written = await system.write(tabs[from] as Page, text);
  const arrivals = await Promise.all(waits.map((wait) => (wait === null ? written.sentAt : wait)));
  return { written, arrivals };
}

async function pollArrivals(system: SystemUnderTest, tabs: readonly Page[], from: number, text: string, timeoutMs: number): Promise<UpdateArrivals> {
  const written = await system.write(tabs[from] as Page, text);
  const arrivals: (number | null)[] = tabs.map((_, i) => (i === from ? written.sentAt : null));
  while (arrivals.some((a) => a === null) && Date.now() - written.sentAt < timeoutMs) {
    await sleep(100);
    await Promise.all(
      tabs.map(async (tab, i) => {
        if (arrivals[i] === null) arrivals[i] = await system.receivedAt(tab, written.id);
      }),
    );
  }
  return { written, arrivals };
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

async function counts(tabs: readonly Page[]): Promise<WireCounts[]> {
  return Promise.all(tabs.map(wireCounts));
}

export async function runSession(system: SystemUnderTest, s: SessionSettings, progress: (line: string) => void): Promise<RepetitionFigures> {
  const started = Date.now();
  const loadStart = loadavg()[0] ?? NaN;
  const n = s.tabs;
  const tag = `${system.name}, ${n} tabs, repetition ${s.repetition + 1}`;
  const running = await system.start();
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: s.chromiumPath, args: [...chromiumArgs] });
    // 1. Open the tabs, `openConcurrency` at once, each in its own context (created as its turn comes).
    const launched = browser;
    const tabs = await openInTurn(
      n,
      s.openConcurrency,
      async () => {
        const context = await launched.newContext(chromiumContextOptions);
        await installWireProbe(context);
        await system.prepare?.(context);
        const page = await context.newPage();
        // A loaded machine can take longer than Playwright's 30 s default to load one tab of many.
        await page.goto(running.url, { waitUntil: 'load', timeout: s.loadTimeoutMs });
        return page;
      },
      (loaded) => {
        if (loaded % 8 === 0 || loaded === n) progress(`  ${tag}: ${loaded}/${n} tabs loaded`);
      },
    );

    // 2. Every tab linked (at least one open data channel), within the bound.
    const loadedAt = Date.now();
    let now = await counts(tabs);
    while (now.some((c) => c.firstOpenMs === null) && Date.now() - loadedAt < s.linkTimeoutMs) {
      await sleep(500);
      now = await counts(tabs);
    }
    const origin = (now[0] as WireCounts).timeOrigin;
    const unlinked = now.filter((c) => c.firstOpenMs === null).length;
    const openToAllLinkedMs = unlinked > 0 ? null : round1(Math.max(...now.map((c) => c.timeOrigin + (c.firstOpenMs ?? 0))) - origin);
    const navigationToFirstLinkMs = now.slice(1).flatMap((c) => (c.firstOpenMs === null ? [] : [round1(c.firstOpenMs)]));
    progress(`  ${tag}: ${unlinked === 0 ? `every tab linked ${openToAllLinkedMs} ms after the first opened` : `${unlinked} tabs without a link ${s.linkTimeoutMs} ms after the last loaded`}`);

    // 3. Settled: no link opened or closed for settleMs.
    const changes = (cs: readonly WireCounts[]): number => sum(cs.map((c) => c.opened + c.closed));
    let last = changes(now);
    const linkedAt = Date.now();
    let stillSince = linkedAt;
    while (Date.now() - stillSince < s.settleMs && Date.now() - linkedAt < s.settleBoundMs) {
      await sleep(1000);
      now = await counts(tabs);
      if (changes(now) !== last) {
        last = changes(now);
        stillSince = Date.now();
      }
    }
    const settled = Date.now() - stillSince >= s.settleMs;
    const settledMs = settled ? round1(stillSince - origin) : null;
    progress(`  ${tag}: ${settled ? `links settled ${settledMs} ms after the first tab opened` : `links still changing ${s.settleBoundMs} ms after every tab had one; measuring anyway`}`);

    // 4. Idle window: nothing but the systems' own background work (no polling of the tabs in it).
    const idleBefore = await counts(tabs);
    const procBefore = browserProcesses();
    const idleStart = Date.now();
    await sleep(s.idleMs);
    const procAfter = browserProcesses();
    const idleMs = Date.now() - idleStart;
    const idleAfter = await counts(tabs);
    const cpu = procBefore === null || procAfter === null ? null : cpuPercent(procBefore, procAfter, idleMs, TICKS_PER_SECOND);
    const idleMessagesPerSecond = round1((sum(idleAfter.map((c) => c.sent)) - sum(idleBefore.map((c) => c.sent))) / (idleMs / 1000));
    const links = idleAfter.map((c) => c.open);
    const browserPssMB = procAfter === null ? null : round1(pssMB(procAfter.keys()));
    progress(
      `  ${tag}: idle ${idleMessagesPerSecond} messages/s, CPU ${cpu === null ? '?' : round1(cpu.total)}% of a core, ` +
        `links per tab ${Math.min(...links)}-${Math.max(...links)}, PSS ${browserPssMB ?? '?'} MB`,
    );

    // 5. Updates from random tabs, one at a time; the phase's messages are everything sent in it.
    const random = seededRandom(s.seed);
    const sentBefore = sum((await counts(tabs)).map((c) => c.sent));
    const updateToEveryTabMs: number[] = [];
    const hopsToLastTab: number[] = [];
    const reachedLast: { id: string; tab: number }[] = [];
    for (let u = 0; u < s.updates; u++) {
      const from = Math.floor(random() * n);
      const { written, arrivals } = await (s.arrivals === 'push' ? awaitArrivals : pollArrivals)(system, tabs, from, `update ${u} from tab ${from}`, s.updateTimeoutMs);
      const missing = arrivals.filter((a) => a === null).length;
      if (missing === 0) {
        const last = Math.max(...arrivals.map((a) => a ?? 0));
        updateToEveryTabMs.push(round1(last - written.sentAt));
        const lastTab = tabs[arrivals.indexOf(last)];
        reachedLast.push({ id: written.id, tab: arrivals.indexOf(last) });
        const hops = lastTab === undefined ? null : await system.hops?.(lastTab, written.id);
        if (typeof hops === 'number') hopsToLastTab.push(hops);
      }
      if ((u + 1) % 5 === 0 || missing > 0) {
        progress(`  ${tag}: update ${u + 1}/${s.updates} from tab ${from}: ${missing === 0 ? `every tab in ${updateToEveryTabMs.at(-1)} ms` : `${missing} tabs missed it`}`);
      }
    }
    const sentAfter = sum((await counts(tabs)).map((c) => c.sent));
    if (hopsToLastTab.length > 0) {
      const sorted = [...hopsToLastTab].sort((a, b) => a - b);
      progress(`  ${tag}: hops to the tab reached last, median ${sorted[Math.floor(sorted.length / 2)]}, max ${sorted.at(-1)}`);
    }
    let breakdown: HopBreakdown | undefined;
    if (system.trace !== undefined) {
      const traced = await Promise.all(tabs.map((tab) => system.trace?.(tab) ?? null));
      const peers = traced.map((t) => t?.peer ?? '');
      breakdown = hopBreakdown(traced.filter((t): t is TabTrace => t !== null), reachedLast.map((u) => ({ id: u.id, lastPeer: peers[u.tab] ?? '' })));
      progress(`  ${tag}: ${formatBreakdown(breakdown)}`);
      // The raw traces, for a closer look (HOP_TRACE_DIR=<dir>).
      const dir = process.env['HOP_TRACE_DIR'];
      if (dir !== undefined) writeFileSync(join(dir, `hop-trace-${n}-${s.repetition + 1}.json`), JSON.stringify({ traced, reachedLast: reachedLast.map((u) => ({ ...u, peer: peers[u.tab] })) }));
    }
    return {
      system: system.name,
      tabs: n,
      repetition: s.repetition,
      updateToEveryTabMs,
      hopsToLastTab,
      ...(breakdown === undefined ? {} : { hopBreakdown: breakdown }),
      updates: s.updates,
      updatesComplete: updateToEveryTabMs.length,
      messagesPerUpdate: round1((sentAfter - sentBefore) / s.updates),
      idleMessagesPerSecond,
      idleCpuPercent: cpu === null ? null : round1(cpu.total),
      idleCpuByKind: cpu === null ? null : Object.fromEntries(Object.entries(cpu.byKind).map(([k, v]) => [k, round1(v)])),
      links,
      openToAllLinkedMs,
      tabsUnlinked: unlinked,
      navigationToFirstLinkMs,
      settledMs,
      browserPssMB,
      loadAverage: { start: round1(loadStart), end: round1(loadavg()[0] ?? NaN) },
      chromiumVersion: browser.version(),
      durationMs: Date.now() - started,
    };
  } finally {
    await browser?.close().catch(() => undefined);
    await running.stop();
  }
}

/**
 * Where a joining tab's time goes: `npx tsx e2e/bench/join-timing.ts [--tabs 8] [--concurrency 2]
 * [--no-build]`. Serves the built client (vite build into $TMPDIR/gossip-join-client, or STATIC_DIR
 * with --no-build) from a fresh signaling server, opens N tabs EACH IN ITS OWN BROWSER CONTEXT, a
 * few at once as `npm run bench` does, waits until every tab reached its target degree (or the
 * bound), then prints per tab and as medians over tabs 2..N the milestones of its join, in ms from
 * its own navigation: response end, script running (mark gossip:main), identity ready, socket
 * connected, join answered, introduced, first connect, first signal out / in, first link, target
 * degree (diagnostics().joinTimeline), and DOMContentLoaded / load. It measures, it never fails on
 * a figure. Re-runs itself inside a loopback-only network namespace where it can.
 */
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { chromiumContextOptions, chromiumLaunchOptions } from '../browsers.ts';
import { splitFlag, wholeNumber } from '../cli-args.ts';
import { openInTurn } from '../load-pages.ts';
import { findChromium, INSTALL_CHROMIUM_HINT } from '../netns.mjs';
import { startSignalingServer, type SignalingServer } from '../server.ts';
import { summarize } from './stats.ts';
import { sleep } from './tabs.ts';
import { buildClient, runTool } from './tool.ts';

const USAGE = 'usage: npx tsx e2e/bench/join-timing.ts [--tabs N (2-64, default 8)] [--concurrency N (default 2)] [--no-build]';
const STEPS = [
  'responseEnd',
  'script',
  'identityReady',
  'serverConnected',
  'joined',
  'introduced',
  'firstConnect',
  'firstSignalOut',
  'firstSignalIn',
  'firstLink',
  'targetDegree',
  'render',
  'rendered',
  'domContentLoaded',
  'load',
] as const;
type Row = Partial<Record<(typeof STEPS)[number], number>> & { openedAt: number; links: number };

function parseArgs(argv: readonly string[]): { tabs: number; concurrency: number; build: boolean } | string {
  const options = { tabs: 8, concurrency: 2, build: true };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = splitFlag(argv[i] ?? '');
    if (flag === '--help' || flag === '-h') return USAGE;
    if (flag === '--no-build') {
      options.build = false;
      continue;
    }
    if (flag !== '--tabs' && flag !== '--concurrency') return `unknown option ${flag}\n${USAGE}`;
    const parsed = wholeNumber(flag, inline ?? argv[++i], flag === '--tabs' ? 2 : 1, 64);
    if ('problem' in parsed) return `${parsed.problem}\n${USAGE}`;
    if (flag === '--tabs') options.tabs = parsed.value;
    else options.concurrency = parsed.value;
  }
  return options;
}

const started = Date.now();
const progress = (line: string): void => {
  process.stderr.write(`[join-timing ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}\n`);
};

/** One tab's milestones, ms from its own navigation start; openedAt: epoch ms of that start. */
function readRow(page: Page): Promise<Row> {
  return page.evaluate(() => {
    const origin = performance.timeOrigin;
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    const row: Record<string, number> = { openedAt: origin };
    if (nav !== undefined) {
      row['responseEnd'] = nav.responseEnd;
      if (nav.domContentLoadedEventEnd > 0) row['domContentLoaded'] = nav.domContentLoadedEventEnd;
      if (nav.loadEventEnd > 0) row['load'] = nav.loadEventEnd;
    }
    for (const [mark, step] of [['gossip:main', 'script'], ['gossip:render', 'render'], ['gossip:rendered', 'rendered']] as const) {
      const entry = performance.getEntriesByName(mark)[0];
      if (entry !== undefined) row[step] = entry.startTime;
    }
    const diagnostics = window.__mesh?.diagnostics();
    for (const [step, at] of Object.entries(diagnostics?.joinTimeline ?? {})) if (typeof at === 'number') row[step] = at - origin;
    row['links'] = diagnostics?.linksOpen ?? 0;
    return row as Row;
  });
}

async function main(options: { tabs: number; concurrency: number; build: boolean }): Promise<void> {
  const found = await findChromium();
  if (found === null) {
    for (const line of INSTALL_CHROMIUM_HINT) process.stderr.write(`${line}\n`);
    process.exit(1);
  }
  const given = process.env['STATIC_DIR'];
  const staticDir = !options.build && given !== undefined && given !== '' ? resolve(given) : join(tmpdir(), 'gossip-join-client');
  if (options.build) {
    progress(`building the client into ${staticDir}`);
    buildClient(staticDir);
  }
  process.env['STATIC_DIR'] = staticDir;
  let server: SignalingServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startSignalingServer();
    browser = await chromium.launch({ ...chromiumLaunchOptions, executablePath: found.path });
    const url = server.url;
    progress(`chromium ${browser.version()}; ${options.tabs} tabs, one context each, ${options.concurrency} opening at once, at ${url}`);
    const launched = browser;
    const tabs = await openInTurn(options.tabs, options.concurrency, async () => {
      const context = await launched.newContext(chromiumContextOptions);
      const page = await context.newPage();
      await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
      return page;
    });
    const deadline = Date.now() + 30_000;
    let rows = await Promise.all(tabs.map(readRow));
    while (rows.some((r) => r.targetDegree === undefined) && Date.now() < deadline) {
      await sleep(500);
      rows = await Promise.all(tabs.map(readRow));
    }
    const first = rows[0]?.openedAt ?? 0;
    const fmt = (x: number | undefined): string => (x === undefined ? '-' : Math.round(x).toString()).padStart(7);
    const lines = [`${'tab'.padStart(3)} ${'opened'.padStart(7)} ${STEPS.map((s) => s.slice(0, 7).padStart(7)).join(' ')}   links`];
    rows.forEach((r, i) => lines.push(`${String(i + 1).padStart(3)} ${fmt(r.openedAt - first)} ${STEPS.map((s) => fmt(r[s])).join(' ')}   ${r.links}`));
    const medians = STEPS.map((s) => summarize(rows.slice(1).flatMap((r) => (r[s] === undefined ? [] : [r[s] as number])))?.median);
    lines.push(`med ${''.padStart(7)} ${medians.map(fmt).join(' ')}   (tabs 2..N)`);
    const allLinked = rows.every((r) => r.firstLink !== undefined) ? Math.max(...rows.map((r) => r.openedAt + (r.firstLink ?? 0))) - first : null;
    const allTarget = rows.every((r) => r.targetDegree !== undefined) ? Math.max(...rows.map((r) => r.openedAt + (r.targetDegree ?? 0))) - first : null;
    lines.push(`first tab opened -> every tab linked: ${allLinked === null ? 'not all' : Math.round(allLinked)} ms; -> every tab at target degree: ${allTarget === null ? 'not all' : Math.round(allTarget)} ms`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await browser?.close();
    await server?.shutdown();
  }
}

await runTool('join-timing', USAGE, parseArgs, main);

/**
 * `npm run demo`: the mesh outlives its signaling server, heals churn, and shows it.
 *
 *   npm run demo [-- --tabs 12] [--kill 3] [--out demo-output/mesh-graph.png] [--headless]
 *
 * Starts the signaling server (in this process, serving the built client; builds dist/ first if it
 * is missing), opens N tabs of the mesh page in one Chromium (headless, or headed when DISPLAY is
 * set), waits for one connected mesh, STOPS the server, publishes a rumor and counter updates from
 * tab 0, kills a few tabs abruptly (renderer crash: no goodbye) and publishes again while the mesh
 * heals itself through signaling relayed by the mesh, then opens new tabs, which load the page
 * from the service worker's cache and join through the open tabs. A live table shows, per tab: server
 * reachable, degree, links formed via the mesh / via the server, rumors delivered, counter. It ends
 * with a screenshot of one surviving tab's mesh graph (its path is printed) and a one-line verdict;
 * the exit code is 0 when the verdict is OK, 1 when not, 2 for bad options.
 *
 * As root on Linux, when headless, it re-runs itself inside a fresh loopback-only network namespace
 * (as e2e/run.mjs does for the tests; E2E_NETNS=0 keeps the host network).
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { eachFlag, wholeNumber } from './cli-args.ts';
import { DEFAULT_OPTIONS } from '../client/src/core/options.ts';
import { crashTab } from './churn.ts';
import { hook } from './hook.ts';
import { ensureBuiltClient, formatTable, MeshRun, meshProblems, reexecInNamespace, repoRoot, waitUntil, type TabRow } from './scenario.ts';

const HELP = `Usage: npm run demo -- [options]
  --tabs N       tabs in the mesh, 2..64 (default 12)
  --kill K       tabs killed abruptly once the server is down, 0..N-2 (default 3, at most N-2)
  --out PATH     where the screenshot of a tab's mesh graph goes (default demo-output/mesh-graph.png)
  --headless     no browser window even when DISPLAY is set
  --help         this text
STATIC_DIR=<dir> serves a client built elsewhere (default dist/, built if missing).`;

interface DemoOptions {
  tabs: number;
  kill: number;
  out: string;
  headed: boolean;
}

/** Parses the command line; throws an Error whose message says what is wrong. */
export function parseDemoArgs(argv: readonly string[], env: NodeJS.ProcessEnv): DemoOptions | 'help' {
  let tabs = 12;
  let kill: number | undefined;
  let out = 'demo-output/mesh-graph.png';
  let headless = false;
  const problems: string[] = [];
  const int = (name: string, raw: string | undefined, min: number, max: number): number | undefined => {
    const parsed = wholeNumber(name, raw, min, max);
    if ('problem' in parsed) {
      problems.push(parsed.problem);
      return undefined;
    }
    return parsed.value;
  };
  const walked = eachFlag(argv, (flag, value, arg) => {
    switch (flag) {
      case '--tabs':
        tabs = int('--tabs', value(), 2, 64) ?? tabs;
        break;
      case '--kill':
        kill = int('--kill', value(), 0, 62) ?? kill;
        break;
      case '--out': {
        const path = value();
        if (path === undefined || path === '' || path.startsWith('--')) problems.push('--out needs a file path');
        else if (!path.endsWith('.png')) problems.push(`--out must name a .png file, got ${JSON.stringify(path)}`);
        else out = path;
        break;
      }
      case '--headless':
        headless = true;
        break;
      default:
        problems.push(`unknown option ${JSON.stringify(arg)}`);
        break;
    }
  });
  if (walked === 'help') return 'help';
  const killed = kill ?? Math.min(3, tabs - 2);
  if (killed > tabs - 2) problems.push(`--kill ${killed} leaves fewer than 2 of ${tabs} tabs; use at most ${tabs - 2}`);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const display = env['DISPLAY'];
  return { tabs, kill: killed, out: resolve(out), headed: !headless && display !== undefined && display !== '' };
}

const MESH_TIMEOUT_MS = 120_000;
const SERVER_GONE_TIMEOUT_MS = 30_000;
const SPREAD_TIMEOUT_MS = 60_000;
const HEAL_TIMEOUT_MS = 120_000;

async function runDemo(options: DemoOptions): Promise<boolean> {
  const started = Date.now();
  const tty = process.stdout.isTTY === true;
  const logLines: string[] = [];
  let step = '';
  let rows: TabRow[] = [];
  const rumorIds: string[] = [];
  let lastPrinted = 0;
  const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const log = (line: string): void => {
    const stamped = `[${elapsed()}] ${line}`;
    logLines.push(stamped);
    if (!tty) process.stdout.write(`${stamped}\n`);
  };
  const draw = (force = false): void => {
    const table = formatTable(rows, rumorIds);
    if (tty) {
      // Redraw in place: the steps so far, then the live table.
      process.stdout.write(`\x1b[H\x1b[2J${logLines.slice(-14).join('\n')}\n\n${step} (${elapsed()})\n${table}\n`);
    } else if (force || Date.now() - lastPrinted >= 5000) {
      lastPrinted = Date.now();
      process.stdout.write(`\n${step} (${elapsed()})\n${table}\n\n`);
    }
  };
  const setStep = (text: string): void => {
    step = text;
    log(text);
  };

  const staticDir = ensureBuiltClient(log);
  const run = await MeshRun.start({ staticDir, headed: options.headed });
  const target = Math.min(DEFAULT_OPTIONS.activeViewSize, options.tabs - options.kill - 1);
  const failures: string[] = [];
  let healedMs: number | null = null;
  let degreeBackMs: number | null = null;
  let viaMeshGrowth = 0;
  try {
    log(`signaling server at ${run.url} (${options.headed ? 'headed' : 'headless'} Chromium)`);

    setStep(`1. opening ${options.tabs} tabs and waiting for one connected mesh`);
    await run.openTabs(options.tabs);
    const poll = async (pages: readonly Page[] = run.tabs): Promise<TabRow[]> => {
      rows = await run.snapshot(run.tabs);
      draw();
      const wanted = new Set(pages.map((p) => run.label(p)));
      return rows.filter((r) => wanted.has(r.label));
    };
    const meshed = await waitUntil(async () => meshProblems(await poll(), 1), { timeoutMs: MESH_TIMEOUT_MS });
    if (meshed.problems.length > 0) throw new Error(`no connected mesh within ${MESH_TIMEOUT_MS / 1000} s: ${meshed.problems.slice(0, 3).join('; ')}`);
    log(`mesh connected ${(meshed.tookMs / 1000).toFixed(1)} s after the tabs loaded`);
    draw(true);
    // The page's service worker must hold the build before the server goes: step 5 reopens the page from it.
    await (run.tabs[0] as Page).evaluate(() => navigator.serviceWorker.ready.then(() => undefined));

    setStep('2. stopping the signaling server');
    await run.stopServer();
    const down = await waitUntil(async () => (await poll()).filter((r) => r.server).map((r) => `${r.label} still connected`), {
      timeoutMs: SERVER_GONE_TIMEOUT_MS,
    });
    if (down.problems.length > 0) failures.push(`tabs still think the server is up: ${down.problems.join(', ')}`);
    else log('every tab shows the server as unreachable');
    draw(true);

    setStep('3. tab 0 publishes a rumor and adds +1, +1, +1, +2 to the counter (no server)');
    const first = run.tabs[0] as Page;
    rumorIds.push(await hook(first).publish('hello from tab 0, no server involved'));
    for (const delta of [1, 1, 1, 2]) await hook(first).add(delta);
    const sum = 5;
    const spread = await waitUntil(
      async () =>
        (await poll()).flatMap((r) =>
          rumorIds.every((id) => r.rumors.includes(id)) && r.counter === sum ? [] : [`${r.label}: ${r.rumors.length} rumors, counter ${r.counter}`],
        ),
      { timeoutMs: SPREAD_TIMEOUT_MS },
    );
    if (spread.problems.length > 0) failures.push(`rumor/counter did not reach everyone: ${spread.problems.slice(0, 3).join('; ')}`);
    else log(`the rumor and the counter (${sum}) reached all ${options.tabs} tabs in ${(spread.tookMs / 1000).toFixed(1)} s`);
    draw(true);

    // Victims spread over the tab list, never tab 0 (the publisher, whose graph we photograph).
    const victims = Array.from({ length: options.kill }, (_, i) => run.tabs[1 + Math.floor((i * (options.tabs - 1)) / options.kill)] as Page);
    const survivors = run.tabs.filter((t) => !victims.includes(t));
    const victimIds = rows.filter((r) => victims.some((v) => run.label(v) === r.label)).map((r) => r.id);
    const viaMeshBefore = rows.filter((r) => survivors.some((s) => run.label(s) === r.label)).reduce((s, r) => s + r.viaMesh, 0);
    setStep(`4. killing ${victims.map((v) => run.label(v)).join(', ')} abruptly; tab 0 publishes again during the churn`);
    const killedAt = Date.now();
    await Promise.all(victims.map((v) => crashTab(v)));
    rumorIds.push(await hook(first).publish('published by tab 0 while tabs were dying'));
    const heal = await waitUntil(
      async () =>
        (await poll(survivors)).flatMap((r, _, all) => {
          // First moment every survivor has `target` links to live tabs again (killed ones not counted).
          const live = (row: TabRow): number => row.neighbors.filter((p) => !victimIds.includes(p)).length;
          if (degreeBackMs === null && all.every((row) => live(row) >= target)) {
            degreeBackMs = Date.now() - killedAt;
            log(`every survivor has ${target}+ links to live tabs again, ${(degreeBackMs / 1000).toFixed(1)} s after the kills`);
          }
          const wrong: string[] = [];
          const stale = [...r.neighbors, ...r.known].filter((p) => victimIds.includes(p)).length;
          if (stale > 0) wrong.push(`${r.label} still lists ${stale} killed tab(s)`);
          if (r.neighbors.length < target) wrong.push(`${r.label} degree ${r.neighbors.length} < ${target}`);
          if (!rumorIds.every((id) => r.rumors.includes(id)) || r.counter !== sum) wrong.push(`${r.label} is missing updates`);
          return wrong;
        }).concat(meshProblems(rows.filter((r) => r.alive), 1)),
      { timeoutMs: HEAL_TIMEOUT_MS },
    );
    if (heal.problems.length > 0) failures.push(`the survivors did not heal: ${heal.problems.slice(0, 4).join('; ')}`);
    else {
      healedMs = Date.now() - killedAt;
      log(`healed ${(healedMs / 1000).toFixed(1)} s after the kills: killed tabs out of every view (active and passive), degree >= ${target}, one mesh, every rumor everywhere`);
    }
    viaMeshGrowth = rows.filter((r) => r.alive).reduce((s, r) => s + r.viaMesh, 0) - viaMeshBefore;
    if (viaMeshGrowth <= 0) failures.push('no link was formed through the mesh after the kills');
    else log(`${viaMeshGrowth} new link(s) formed through the mesh (the server is down)`);
    draw(true);

    const newcomers = 2;
    setStep(`5. opening ${newcomers} new tabs with the server still down: the page from cache, the first link through an open tab`);
    const fresh = await run.openTabs(newcomers);
    const joinedAt = Date.now();
    const joined = await waitUntil(
      async () =>
        (await poll(fresh)).flatMap((r) => (r.neighbors.length >= target && r.counter === sum ? [] : [`${r.label}: ${r.neighbors.length} links, counter ${r.counter}`])),
      { timeoutMs: HEAL_TIMEOUT_MS },
    );
    if (joined.problems.length > 0) failures.push(`new tabs did not join without the server: ${joined.problems.join('; ')}`);
    else {
      const paths = await Promise.all(fresh.map(async (page) => (await hook(page).stats()).joinedVia));
      log(`${newcomers} new tabs loaded from the cache and joined in ${((Date.now() - joinedAt) / 1000).toFixed(1)} s (first link via: ${paths.join(', ')}), counter ${sum}`);
    }
    draw(true);

    setStep("6. screenshot of tab 0's mesh graph");
    mkdirSync(dirname(options.out), { recursive: true });
    await first.bringToFront();
    await first.locator('section.card.graph').screenshot({ path: options.out });
    const pageShot = options.out.replace(/\.png$/, '-page.png');
    await first.screenshot({ path: pageShot, fullPage: true });
    log(`screenshot of the mesh graph: ${options.out} (the whole page: ${pageShot})`);
  } catch (error: unknown) {
    failures.push(error instanceof Error ? error.message : String(error));
  } finally {
    await run.close();
  }
  const survivorsCount = options.tabs - options.kill;
  const verdict =
    failures.length === 0
      ? `VERDICT: OK: with the server down, ${options.tabs} tabs got the rumor and the exact counter, and new tabs joined from the cache through the open tabs; after ${options.kill} abrupt kills the ${survivorsCount} survivors were back to ${target}+ live links in ${((degreeBackMs ?? 0) / 1000).toFixed(1)} s through ${viaMeshGrowth} mesh-relayed link(s), had the killed tabs out of every view in ${((healedMs ?? 0) / 1000).toFixed(1)} s, and got the rumor sent during the churn.`
      : `VERDICT: FAILED: ${failures.join(' | ')}`;
  process.stdout.write(`\n${verdict}\n`);
  return failures.length === 0;
}

async function main(): Promise<void> {
  let options: DemoOptions | 'help';
  try {
    options = parseDemoArgs(process.argv.slice(2), process.env);
  } catch (error: unknown) {
    process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n${HELP}\n`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const outer = reexecInNamespace('demo', !options.headed);
  if (outer !== null) process.exit(await outer);
  process.chdir(repoRoot);
  process.exit((await runDemo(options)) ? 0 : 1);
}

await main();

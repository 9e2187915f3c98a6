/**
 * Where an idle tab's CPU goes: `npx tsx e2e/bench/profile-idle.ts [--tabs 24] [--sample-ms 20000]
 * [--profile-ms 10000] [--no-build] [--floor C] [--json file]`.
 *
 * Builds the client unminified (`vite build --minify false` into $TMPDIR/gossip-profile-client; with
 * --no-build it serves that build, or STATIC_DIR when set: an older build for a before/after),
 * starts the signaling server on a
 * free port (e2e/server.ts), opens N tabs of the page, EACH IN ITS OWN BROWSER CONTEXT (as N users
 * would be), waits until every tab has a link and no link opened for 5 s, then
 *   1. reads the browser's CPU per process type from /proc over --sample-ms (percent of one core),
 *   2. takes a CPU profile of one tab over the DevTools protocol (Profiler.start/stop) and prints
 *      its top self-time entries.
 * Also prints navigation -> first link per tab (median) and the data-channel messages sent per tab
 * per second while idle. With --floor C the tabs hold a blank page instead (profile-floor.ts): C
 * data channels and the mesh's idle message rate, no mesh and no UI: Chromium's own cost. Re-runs itself inside a loopback-only network namespace where it can
 * (E2E_NETNS=0: host network). It measures, it never fails on a figure.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { chromiumContextOptions, chromiumLaunchOptions } from '../browsers.ts';
import { splitFlag, wholeNumber } from '../cli-args.ts';
import { findChromium, INSTALL_CHROMIUM_HINT } from '../netns.mjs';
import { startSignalingServer, type SignalingServer } from '../server.ts';
import { floorOpen, floorSent, writeFloorPage } from './profile-floor.ts';
import { busyPercent, cpuByKind, cpuTicks, processKind, selfTimes, type CpuProfile, type ProcReading } from './profile-summary.ts';
import { activityLine, watchPage } from './profile-page.ts';
import { cpuByThread, threadReading, type ThreadReading } from './profile-threads.ts';
import { summarize } from './stats.ts';
import { firstLinkDelayMs, sleep, totals } from './tabs.ts';
import { buildClient, runTool } from './tool.ts';

const USAGE = `usage: npx tsx e2e/bench/profile-idle.ts [--tabs N (2-64, default 24)] [--sample-ms MS (default 20000)]
       [--profile-ms MS (default 10000)] [--no-build] [--floor CONNECTIONS (a blank page with that many
       data channels, 9 messages a second)] [--json FILE]`;

interface Options {
  tabs: number;
  sampleMs: number;
  profileMs: number;
  build: boolean;
  /** Data channels per tab of the blank floor page; null: the mesh's page. */
  floor: number | null;
  json: string | null;
}

function parseArgs(argv: readonly string[]): Options | string {
  const options: Options = { tabs: 24, sampleMs: 20_000, profileMs: 10_000, build: true, floor: null, json: null };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = splitFlag(argv[i] ?? '');
    const value = (): string | undefined => inline ?? argv[++i];
    const number = (min: number, max: number): number | { problem: string } => {
      const parsed = wholeNumber(flag, value(), min, max);
      return 'problem' in parsed ? parsed : parsed.value;
    };
    let got: number | { problem: string } = 0;
    if (flag === '--tabs') got = number(2, 64);
    else if (flag === '--sample-ms') got = number(1000, 600_000);
    else if (flag === '--profile-ms') got = number(1000, 600_000);
    else if (flag === '--floor') got = number(2, 64);
    else if (flag === '--help' || flag === '-h') return USAGE;
    else if (flag === '--no-build') options.build = false;
    else if (flag === '--json') options.json = value() ?? '';
    else return `unknown option ${flag}\n${USAGE}`;
    if (typeof got !== 'number') return `${got.problem}\n${USAGE}`;
    if (flag === '--tabs') options.tabs = got;
    if (flag === '--sample-ms') options.sampleMs = got;
    if (flag === '--profile-ms') options.profileMs = got;
    if (flag === '--floor') options.floor = got;
  }
  return options;
}

const started = Date.now();
const progress = (line: string): void => {
  process.stderr.write(`[profile-idle ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}\n`);
};

interface Reading {
  processes: ProcReading[];
  /** The threads of the renderer and GPU processes, named `kind:thread`. */
  threads: ThreadReading[];
}

/** Every process descended from this one, with its type and CPU ticks so far. */
function readProcesses(): Reading {
  const parent = new Map<number, number>();
  const stats = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProc(`/proc/${entry}/stat`);
    if (stat === null) continue;
    stats.set(Number(entry), stat);
    parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
  }
  const ours = (pid: number): boolean => {
    for (let p = parent.get(pid), hops = 0; p !== undefined && p > 1 && hops < 64; p = parent.get(p), hops++) {
      if (p === process.pid) return true;
    }
    return false;
  };
  const readings: ProcReading[] = [];
  const threads: ThreadReading[] = [];
  for (const [pid, stat] of stats) {
    if (!ours(pid)) continue;
    // Chromium rewrites its process titles: arguments may come joined by spaces instead of NULs.
    const cmdline = (readProc(`/proc/${pid}/cmdline`) ?? '').split(/[\0 ]+/);
    const kind = processKind(cmdline);
    readings.push({ pid, kind, ticks: cpuTicks(stat) });
    if (kind === 'renderer' || kind === 'gpu') threads.push(...readThreads(pid, kind));
  }
  return { processes: readings, threads };
}

function readThreads(pid: number, kind: string): ThreadReading[] {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return []; // the process ended while we looked
  }
  const threads: ThreadReading[] = [];
  for (const tid of tids) {
    const stat = readProc(`/proc/${pid}/task/${tid}/stat`);
    if (stat === null) continue;
    const reading = threadReading(pid, Number(tid), stat);
    threads.push({ ...reading, name: `${kind}:${reading.name}` });
  }
  return threads;
}

function readProc(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // the process ended while we looked
  }
}

function clockTicksPerSecond(): number {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const value = Number(out.stdout.trim());
  return Number.isFinite(value) && value > 0 ? value : 100;
}

async function openTab(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext(chromiumContextOptions);
  const page = await context.newPage();
  // A loaded machine (other benchmarks, 24 tabs starting) can take long: the bound is generous.
  await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
  return page;
}

async function waitSettled(tabs: readonly Page[], boundMs: number): Promise<void> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const ready = await Promise.all(tabs.map((t) => t.evaluate(() => window.__mesh?.ready() ?? false)));
    if (ready.every(Boolean)) break;
    if (Date.now() > deadline) {
      progress(`${ready.filter(Boolean).length}/${tabs.length} tabs linked after ${boundMs} ms; measuring anyway`);
      return;
    }
    await sleep(500);
  }
  let before = (await totals(tabs)).linksOpened;
  for (;;) {
    await sleep(5000);
    const after = (await totals(tabs)).linksOpened;
    if (after === before || Date.now() > deadline) return;
    progress(`settling: ${(after - before) / 2} links opened in the last 5 s`);
    before = after;
  }
}

async function waitFloorOpen(tabs: readonly Page[], channels: number, boundMs: number): Promise<void> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const open = await Promise.all(tabs.map(floorOpen));
    // Pairs: an odd count opens one more.
    if (open.every((n) => n >= channels)) return;
    if (Date.now() > deadline) {
      progress(`floor: channels open per tab ${open.join(',')} after ${boundMs} ms; measuring anyway`);
      return;
    }
    await sleep(500);
  }
}

/** Data-channel messages sent so far, all tabs. */
async function sentOnWire(tabs: readonly Page[], floor: number | null): Promise<number> {
  if (floor === null) return (await totals(tabs)).wire;
  return (await Promise.all(tabs.map(floorSent))).reduce((a, b) => a + b, 0);
}

async function main(options: Options): Promise<void> {
  const found = await findChromium();
  if (found === null) {
    for (const line of INSTALL_CHROMIUM_HINT) process.stderr.write(`${line}\n`);
    process.exit(1);
  }
  // Unminified, so that the profile names functions (the shipped bundle is measured by `vite build`).
  // With --no-build, STATIC_DIR may name another build (e.g. an older commit's, for a before/after).
  const given = process.env['STATIC_DIR'];
  const staticDir =
    options.floor !== null
      ? join(tmpdir(), 'gossip-profile-floor')
      : !options.build && given !== undefined && given !== ''
        ? resolve(given)
        : join(tmpdir(), 'gossip-profile-client');
  progress(`client: ${staticDir}`);
  // The mesh's idle rate (about 9 messages per tab per second, 2026-12-03), of about its size.
  if (options.floor !== null) writeFloorPage(staticDir, { connections: options.floor, messagesPerSecond: 9, bytes: 200 });
  else if (options.build) {
    progress(`building the client, unminified, into ${staticDir}`);
    buildClient(staticDir, false);
  }
  process.env['STATIC_DIR'] = staticDir;
  let server: SignalingServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startSignalingServer();
    browser = await chromium.launch({ ...chromiumLaunchOptions, executablePath: found.path });
    const url = `${server.url}?room=idle-${Date.now().toString(36)}`;
    progress(`chromium ${browser.version()}; ${options.tabs} tabs, one context each, at ${url}`);
    const tabs: Page[] = [];
    for (let i = 0; i < options.tabs; i++) {
      tabs.push(await openTab(browser, url));
      if ((i + 1) % 4 === 0 || i + 1 === options.tabs) progress(`  ${i + 1}/${options.tabs} tabs loaded`);
    }
    const floor = options.floor;
    if (floor === null) await waitSettled(tabs, 120_000);
    else await waitFloorOpen(tabs, floor, 60_000);
    const firstLinks = floor !== null ? [] : (await Promise.all(tabs.slice(1).map(firstLinkDelayMs))).filter((x): x is number => x !== null);
    const join = summarize(firstLinks);
    progress(`navigation -> first link (tabs 2..N): median ${join?.median} ms, max ${join?.max} ms`);
    const visibility = await tabs[0]?.evaluate(() => document.visibilityState);

    const profiled = tabs[Math.floor(tabs.length / 2)] as Page;
    const cdp = await profiled.context().newCDPSession(profiled);
    progress(`idle: reading /proc over ${options.sampleMs} ms, counting one tab's page activity`);
    // Counted while no profiler runs (its sampling would inflate Blink's own timings).
    const activity = await watchPage(profiled, cdp);
    const loadAtStart = readFileSync('/proc/loadavg', 'utf8').trim();
    const wireBefore = await sentOnWire(tabs, floor);
    const before = readProcesses();
    const t0 = Date.now();
    await sleep(options.sampleMs);
    const after = readProcesses();
    const elapsedMs = Date.now() - t0;
    const page = await activity();
    const wireAfter = await sentOnWire(tabs, floor);
    const cpu = cpuByKind(before.processes, after.processes, elapsedMs, clockTicksPerSecond());
    const threads = cpuByThread(before.threads, after.threads, elapsedMs, clockTicksPerSecond()).filter((t) => t.percent > 0);
    const messagesPerTabPerS = Math.round(((wireAfter - wireBefore) / options.tabs / (elapsedMs / 1000)) * 10) / 10;
    const load = readFileSync('/proc/loadavg', 'utf8').trim();

    progress(`profiling one tab for ${options.profileMs} ms (Profiler over CDP)`);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    await cdp.send('Profiler.start');
    await sleep(options.profileMs);
    const { profile } = await cdp.send('Profiler.stop');
    const entries = selfTimes(profile as CpuProfile);

    const lines = [
      `tabs ${options.tabs} (one context each${floor === null ? '' : `, the blank floor page with ${floor} data channels`}), visibilityState ${visibility}, load average at the start / end of the sample: ${loadAtStart} / ${load}`,
      `navigation -> first link, tabs 2..N: median ${join?.median} ms, p90 ${join?.p90} ms, max ${join?.max} ms`,
      `idle data-channel messages: ${messagesPerTabPerS} per tab per second`,
      `idle browser CPU over ${elapsedMs} ms, % of one core: total ${cpu.total} · renderer ${cpu.renderer} · gpu ${cpu.gpu} · browser ${cpu.browser} · utility ${cpu.utility} · other ${cpu.other + cpu.zygote}`,
      `  by thread (renderer and GPU processes, % of one core, summed over processes): ${threads
        .slice(0, 12)
        .map((t) => `${t.name} ${t.percent}`)
        .join(' · ')}`,
      activityLine(page),
      `CPU profile of one tab over ${options.profileMs} ms: busy ${busyPercent(entries)} % of the time; top self time:`,
      ...entries.slice(0, 15).map((e) => `  ${e.selfMs.toFixed(1).padStart(8)} ms ${e.percent.toFixed(1).padStart(5)} %  ${e.name}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (options.json !== null) {
      writeFileSync(options.json, `${JSON.stringify({ tabs: options.tabs, loadAtStart, load, join, messagesPerTabPerS, cpu, threads, page, elapsedMs, profileMs: options.profileMs, top: entries.slice(0, 30) }, null, 2)}\n`);
    }
  } finally {
    await browser?.close();
    await server?.shutdown();
  }
}

await runTool('profile-idle', USAGE, parseArgs, main);

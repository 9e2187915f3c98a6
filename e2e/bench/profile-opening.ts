/**
 * Where the CPU goes while tabs open: `npx tsx e2e/bench/profile-opening.ts [--tabs 12] [--more 12]
 * [--systems mesh,y-webrtc]`. For each system (the mesh page as `npm start` serves it: STATIC_DIR
 * or a fresh vite build; y-webrtc's bench page), opens --tabs tabs, each in its own browser
 * context, 2 at a time as `npm run bench` does, lets them settle, then records a Chromium trace
 * (categories toplevel and devtools.timeline, every process) while --more further tabs open the
 * same way, and prints how long they took to open, CPU time (thread time of tasks) per thread
 * name, and the renderer main threads' busiest trace events (nested events overlap). It measures,
 * it never fails on a figure. Re-runs itself inside a loopback-only network namespace where it can.
 */
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { chromiumContextOptions, chromiumLaunchOptions } from '../browsers.ts';
import { splitFlag, wholeNumber } from '../cli-args.ts';
import { openInTurn } from '../load-pages.ts';
import { findChromium, INSTALL_CHROMIUM_HINT } from '../netns.mjs';
import { sleep } from './tabs.ts';
import { buildClient, runTool } from './tool.ts';
import { summarizeTrace, type TraceEvent } from './trace-summary.ts';
import { meshSystem, SYSTEMS, yWebrtcSystem, type SystemName, type SystemUnderTest } from './versus/systems.ts';
import { buildYWebrtcPage } from './versus/ywebrtc.ts';

const USAGE = 'usage: npx tsx e2e/bench/profile-opening.ts [--tabs N (1-48, default 12)] [--more N (1-48, default 12)] [--systems mesh,y-webrtc]';
interface Options {
  tabs: number;
  more: number;
  systems: SystemName[];
}
/** How long the first tabs get to finish joining before the trace starts. */
const SETTLE_MS = 6000;
const OPEN_CONCURRENCY = 2;

function parseArgs(argv: readonly string[]): Options | string {
  const options: Options = { tabs: 12, more: 12, systems: ['mesh', 'y-webrtc'] };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = splitFlag(argv[i] ?? '');
    if (flag === '--help' || flag === '-h') return USAGE;
    if (flag === '--systems') {
      const names = (inline ?? argv[++i] ?? '').split(',');
      const bad = names.find((n) => !(SYSTEMS as readonly string[]).includes(n));
      if (bad !== undefined) return `--systems takes mesh and/or y-webrtc, got ${JSON.stringify(bad)}\n${USAGE}`;
      options.systems = names as SystemName[];
      continue;
    }
    if (flag !== '--tabs' && flag !== '--more') return `unknown option ${flag}\n${USAGE}`;
    const parsed = wholeNumber(flag, inline ?? argv[++i], 1, 48);
    if ('problem' in parsed) return `${parsed.problem}\n${USAGE}`;
    if (flag === '--tabs') options.tabs = parsed.value;
    else options.more = parsed.value;
  }
  return options;
}

const top = (map: ReadonlyMap<string, number>, count: number): Array<[string, number]> => [...map].sort((a, b) => b[1] - a[1]).slice(0, count);

async function profileSystem(system: SystemUnderTest, options: Options, executablePath: string): Promise<void> {
  const running = await system.start();
  let browser: Browser | undefined;
  try {
    const launched = await chromium.launch({ ...chromiumLaunchOptions, executablePath });
    browser = launched;
    const open = async (): Promise<Page> => {
      const context = await launched.newContext(chromiumContextOptions);
      const page = await context.newPage();
      await page.goto(running.url, { waitUntil: 'load', timeout: 120_000 });
      return page;
    };
    const first = await openInTurn(options.tabs, OPEN_CONCURRENCY, open);
    await sleep(SETTLE_MS);
    await launched.startTracing(first[0], { categories: ['toplevel', 'devtools.timeline'] });
    const startedAt = Date.now();
    await openInTurn(options.more, OPEN_CONCURRENCY, open);
    const openMs = Date.now() - startedAt;
    const trace = JSON.parse((await launched.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
    const { byThread, rendererMain } = summarizeTrace(trace.traceEvents);
    const lines = [
      `${system.name}: ${options.more} more tabs (beside ${options.tabs}) opened in ${(openMs / 1000).toFixed(1)} s`,
      `  CPU of tasks per thread, s: ${top(byThread, 8).map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)}`).join(', ')}`,
      `  renderer main threads, busiest events (CPU s, nested events overlap):`,
      ...top(rendererMain, 14).map(([name, ms]) => `    ${(ms / 1000).toFixed(2).padStart(6)} ${name}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await browser?.close();
    await running.stop();
  }
}

async function main(options: Options): Promise<void> {
  const found = await findChromium();
  if (found === null) {
    for (const line of INSTALL_CHROMIUM_HINT) process.stderr.write(`${line}\n`);
    process.exit(1);
  }
  const given = process.env['STATIC_DIR'];
  let meshDir = given !== undefined && given !== '' ? resolve(given) : '';
  if (meshDir === '') {
    meshDir = join(tmpdir(), 'gossip-opening-client');
    buildClient(meshDir);
  }
  const anchor = await buildYWebrtcPage();
  try {
    const systems: Record<SystemName, SystemUnderTest> = { mesh: meshSystem(meshDir), 'y-webrtc': yWebrtcSystem(anchor) };
    for (const name of options.systems) {
      process.stderr.write(`[profile-opening] ${name}: opening ${options.tabs} tabs, then tracing while ${options.more} more open\n`);
      await profileSystem(systems[name], options, found.path);
    }
  } finally {
    anchor.cleanup();
  }
}

await runTool('profile-opening', USAGE, parseArgs, main);

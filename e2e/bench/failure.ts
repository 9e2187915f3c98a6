/**
 * Failure-detection benchmark (issue 17's note): real Chromium tabs, each in its own browser
 * context, the page as npm start serves it, default options, faults by the DevTools protocol.
 *
 * Crash part, per tab count and repetition (a fresh mesh each time): every tab sets its aggregate
 * value to its index; once the estimates are right, one tab is crashed (Page.crash: no goodbye) and
 * every survivor that listed it as a neighbour is watched, inside the tab, until it no longer does
 * (its own clock; one machine; the clock starts when Page.crash goes, the DevTools sessions opened
 * before). Then two more are crashed at once, and the survivors are sampled
 * until each one's size and average estimates are within +-0.5 of the truth (bound 90 s).
 * Soak part: failure-soak.ts. It measures; it asserts nothing.
 *
 *   npm run bench:failure -- --tabs 12,24 --repeat 3 [--soak-minutes N] [--skip-crash]
 *
 * Progress on stderr; results in <out-dir>/failure.json and failure.md, the tables on stdout.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { DEFAULT_OPTIONS } from '../../client/src/core/options.ts';
import { armCrash } from '../churn.ts';
import { ensureBuiltClient, reexecInNamespace, repoRoot, waitUntil } from '../scenario.ts';
import { FAILURE_USAGE, parseFailureArgs, type FailureBenchOptions } from './failure-options.ts';
import { FIRST_FREEZE_MS, runSoak, soakTable, type SoakFigures } from './failure-soak.ts';
import { openSeparateTabs, whenDropped } from './failure-mesh.ts';
import { environmentAtStart, loadAverages, type Environment } from './results.ts';
import { summarize, type Summary } from './stats.ts';
import { fixed, formatTable, markdownTable, type Table } from './tables.ts';

const DROP_BOUND_MS = 30_000;
const AGGREGATE_BOUND_MS = 90_000;
/** Before the first crash the estimates must be right: the epochs of a fresh mesh take a while. */
const AGGREGATE_SETTLE_BOUND_MS = 60_000;
const TOLERANCE = 0.5;

export interface DropFigures {
  /** Survivors that listed the crashed tab as a neighbour when it crashed. */
  watched: number;
  /** Crash to out of the neighbours, per watched survivor (ms, sorted). */
  dropMs: number[];
  medianMs: number | null;
  /** The last survivor to drop it; null if one still listed it at the bound. */
  lastMs: number | null;
  notDropped: number;
  /** Opening the DevTools sessions for the crash, before the clock starts (ms; not counted above). */
  armMs: number;
}

export interface CrashRepetition {
  tabs: number;
  repetition: number;
  meshFormedMs: number;
  loadAverage: number[];
  oneCrash: DropFigures;
  /** The same for each of the two tabs crashed together (all their watchers pooled). */
  twoCrashes: DropFigures;
  aggregates: {
    /** Estimates right at every tab before the first crash (null: not within the bound, measured anyway). */
    rightBeforeMs: number | null;
    trueSize: number;
    trueAverage: number;
    /** Second crash to every survivor's size and average within +-0.5; null: not within the bound. */
    rightAfterMs: number | null;
    /** The estimates at the last sample (for a null above). */
    lastSizes: { min: number; max: number } | null;
    lastAverages: { min: number; max: number } | null;
  };
}

export interface FailureResults {
  schema: 'gossip-mesh-bench-failure/1';
  startedAt: string;
  finishedAt: string;
  argv: string[];
  options: FailureBenchOptions;
  environment: Environment;
  defaults: { probePeriodMs: number; probeTimeoutMs: number; pingIntervalMs: number; deadAfterMs: number; epochMs: number };
  chromiumVersion: string | null;
  crash: CrashRepetition[];
  soak: SoakFigures | null;
  errors: string[];
}

function dropFigures(watched: number, times: ReadonlyArray<number | null>, armMs: number): DropFigures {
  const dropMs = times.filter((t): t is number => t !== null).sort((a, b) => a - b);
  const notDropped = times.length - dropMs.length;
  return { watched, dropMs, medianMs: summarize(dropMs)?.median ?? null, lastMs: notDropped > 0 || dropMs.length === 0 ? null : (dropMs[dropMs.length - 1] as number), notDropped, armMs };
}

/** Crashes `victims` at once; resolves when every survivor that listed one dropped it, or the bound. */
async function crashAndWatch(victims: readonly Page[], victimIds: readonly string[], survivors: readonly Page[]): Promise<{ figures: DropFigures; crashedAt: number }> {
  const watches: Array<{ page: Page; id: string }> = [];
  await Promise.all(
    survivors.map(async (page) => {
      const neighbors = await page.evaluate(() => window.__mesh?.neighbors() ?? []);
      for (const id of victimIds) if (neighbors.includes(id)) watches.push({ page, id });
    }),
  );
  const waits = watches.map((w) => whenDropped(w.page, w.id, DROP_BOUND_MS));
  // The sessions first: on a loaded machine opening them takes a while, and the tab is alive meanwhile.
  const armedFrom = Date.now();
  const fire = await Promise.all(victims.map((v) => armCrash(v)));
  const crashedAt = Date.now();
  await Promise.all(fire.map((f) => f()));
  const at = await Promise.all(waits);
  return { figures: dropFigures(watches.length, at.map((t) => (t === null ? null : Math.max(0, t - crashedAt))), crashedAt - armedFrom), crashedAt };
}

interface Estimates {
  sizes: number[];
  averages: number[];
  /** Tabs with no estimate yet. */
  missing: number;
}

async function estimates(tabs: readonly Page[]): Promise<Estimates> {
  const all = await Promise.all(tabs.map((t) => t.evaluate(() => window.__mesh?.aggregates() ?? null)));
  const known = all.filter((a) => a !== null);
  return { sizes: known.map((a) => a.size), averages: known.map((a) => a.average), missing: all.length - known.length };
}

function wrong(e: Estimates, size: number, average: number): string[] {
  const problems: string[] = [];
  if (e.missing > 0) problems.push(`${e.missing} tabs without an estimate`);
  const badSize = e.sizes.filter((s) => Math.abs(s - size) > TOLERANCE);
  const badAverage = e.averages.filter((a) => Math.abs(a - average) > TOLERANCE);
  if (badSize.length > 0) problems.push(`${badSize.length} sizes off (${badSize.map((s) => s.toFixed(1)).join(', ')} vs ${size})`);
  if (badAverage.length > 0) problems.push(`${badAverage.length} averages off (vs ${average.toFixed(2)})`);
  return problems;
}

const range = (xs: readonly number[]): { min: number; max: number } | null => (xs.length === 0 ? null : { min: Math.min(...xs), max: Math.max(...xs) });

async function crashRepetition(n: number, repetition: number, staticDir: string, progress: (line: string) => void): Promise<{ figures: CrashRepetition; chromiumVersion: string }> {
  const mesh = await openSeparateTabs(n, staticDir, { progress });
  try {
    const { tabs, ids } = mesh;
    await Promise.all(tabs.map((t, i) => t.evaluate((v) => window.__mesh?.setAggregateValue(v), i)));
    const mean = (idx: readonly number[]): number => idx.reduce((a, b) => a + b, 0) / idx.length;
    const everyone = tabs.map((_, i) => i);
    const before = await waitUntil(async () => wrong(await estimates(tabs), n, mean(everyone)), { timeoutMs: AGGREGATE_SETTLE_BOUND_MS, intervalMs: 500 });
    const rightBeforeMs = before.problems.length === 0 ? before.tookMs : null;
    progress(`  estimates ${rightBeforeMs === null ? `not right within ${AGGREGATE_SETTLE_BOUND_MS / 1000} s (${before.problems.join('; ')}); crashing anyway` : 'right at every tab'}`);

    // One crash: out of every survivor's neighbours.
    const first = Math.floor(n / 2);
    const one = await crashAndWatch([tabs[first] as Page], [ids[first] as string], tabs.filter((_, i) => i !== first));
    const s = (ms: number | null): string => (ms === null ? 'not within the bound' : `${(ms / 1000).toFixed(2)} s`);
    progress(`  1 crash: ${one.figures.watched} survivors listed it; median ${s(one.figures.medianMs)}, last ${s(one.figures.lastMs)} (DevTools session ${one.figures.armMs} ms before)`);

    // Two at once: neighbours again, then the estimates.
    const pair = [Math.floor(n / 4), Math.floor((3 * n) / 4)];
    const alive = everyone.filter((i) => i !== first && !pair.includes(i));
    const survivors = alive.map((i) => tabs[i] as Page);
    const trueAverage = mean(alive);
    const two = await crashAndWatch(pair.map((i) => tabs[i] as Page), pair.map((i) => ids[i] as string), survivors);
    let last: Estimates = { sizes: [], averages: [], missing: 0 };
    const after = await waitUntil(
      async () => {
        last = await estimates(survivors);
        return wrong(last, alive.length, trueAverage);
      },
      { timeoutMs: AGGREGATE_BOUND_MS - (Date.now() - two.crashedAt), intervalMs: 250 },
    );
    const rightAfterMs = after.problems.length === 0 ? Date.now() - two.crashedAt : null;
    progress(`  2 crashes: last survivor dropped them ${s(two.figures.lastMs)} (DevTools sessions ${two.figures.armMs} ms before); estimates right (size ${alive.length}, average ${trueAverage.toFixed(2)}) after ${s(rightAfterMs)}`);
    return {
      chromiumVersion: mesh.chromiumVersion,
      figures: {
        tabs: n,
        repetition,
        meshFormedMs: mesh.meshFormedMs,
        loadAverage: loadAverages(),
        oneCrash: one.figures,
        twoCrashes: two.figures,
        aggregates: { rightBeforeMs, trueSize: alive.length, trueAverage, rightAfterMs, lastSizes: range(last.sizes), lastAverages: range(last.averages) },
      },
    };
  } finally {
    await mesh.close();
  }
}

const sec = (s: Summary | null, pick: 'median' | 'max'): string => (s === null ? '-' : fixed(s[pick] / 1000, 2));

/** One row per tab count: medians and maxima over the repetitions. */
export function crashTable(reps: readonly CrashRepetition[]): Table {
  const counts = [...new Set(reps.map((r) => r.tabs))];
  return {
    title: 'Crashed tab out of every survivor’s neighbours, and estimates right after 2 crashes (s; median / max over repetitions)',
    header: ['tabs', 'reps', 'median survivor', 'max', 'last survivor', 'max', 'not dropped', '2 crashes: last survivor', 'estimates right', 'max', 'not right in 90 s'],
    textColumns: 0,
    rows: counts.map((n) => {
      const mine = reps.filter((r) => r.tabs === n);
      const medians = summarize(mine.flatMap((r) => (r.oneCrash.medianMs === null ? [] : [r.oneCrash.medianMs])));
      const lasts = summarize(mine.flatMap((r) => (r.oneCrash.lastMs === null ? [] : [r.oneCrash.lastMs])));
      const twoLasts = summarize(mine.flatMap((r) => (r.twoCrashes.lastMs === null ? [] : [r.twoCrashes.lastMs])));
      const right = summarize(mine.flatMap((r) => (r.aggregates.rightAfterMs === null ? [] : [r.aggregates.rightAfterMs])));
      return [
        String(n),
        String(mine.length),
        sec(medians, 'median'),
        sec(medians, 'max'),
        sec(lasts, 'median'),
        sec(lasts, 'max'),
        String(mine.reduce((a, r) => a + r.oneCrash.notDropped + r.twoCrashes.notDropped, 0)),
        `${sec(twoLasts, 'median')} / ${sec(twoLasts, 'max')}`,
        sec(right, 'median'),
        sec(right, 'max'),
        String(mine.filter((r) => r.aggregates.rightAfterMs === null).length),
      ];
    }),
  };
}

export function markdownReport(results: FailureResults): string {
  const env = results.environment;
  const lines = [
    '# Failure detection figures',
    '',
    `${results.startedAt} to ${results.finishedAt}; \`${['npx tsx e2e/bench/failure.ts', ...results.argv].join(' ')}\`; Chromium ${results.chromiumVersion ?? '?'}; ` +
      `${env.cpus} × ${env.cpuModel}; load average (1, 5, 15 min) ${env.loadAverage.start.join(', ')} at the start, ${env.loadAverage.end.join(', ')} at the end` +
      `${env.git === null ? '' : `; commit ${env.git.commit.slice(0, 10)}${env.git.dirty ? ' (dirty)' : ''}`}.`,
    `Defaults: probePeriodMs ${results.defaults.probePeriodMs}, probeTimeoutMs ${results.defaults.probeTimeoutMs}, pingIntervalMs ${results.defaults.pingIntervalMs}, deadAfterMs ${results.defaults.deadAfterMs}, epochMs ${results.defaults.epochMs}. Each tab in its own browser context.`,
    '',
  ];
  if (results.crash.length > 0) {
    lines.push(markdownTable(crashTable(results.crash)), '');
    lines.push('Per repetition (s): tabs, 1 crash median / last survivor, 2 crashes last survivor, estimates right after 2 crashes, load average (1 min) at its end.', '');
    for (const r of results.crash) {
      const s = (ms: number | null): string => (ms === null ? '-' : (ms / 1000).toFixed(2));
      lines.push(`- ${r.tabs} tabs #${r.repetition + 1}: ${s(r.oneCrash.medianMs)} / ${s(r.oneCrash.lastMs)} (${r.oneCrash.watched} watched); ${s(r.twoCrashes.lastMs)}; ${s(r.aggregates.rightAfterMs)}; load ${r.loadAverage[0] ?? '?'}`);
    }
    lines.push('');
  }
  if (results.soak !== null) {
    const soak = results.soak;
    const start = soak.freezes[0] === undefined ? null : soak.freezes[0].frozenAt - FIRST_FREEZE_MS;
    const when = (at: number): string => (start === null ? new Date(at).toISOString() : `about ${Math.round((at - start) / 1000)} s in`);
    lines.push(markdownTable(soakTable(soak)), '', ...soak.notes.map((n) => `- ${n}`));
    for (const e of soak.evictions) if (e.kind !== 'frozen, while frozen') lines.push(`- False eviction: tab ${e.byTab} declared tab ${e.ofTab} (${e.kind}) gone, ${when(e.at)}.`);
    lines.push('');
  }
  if (results.errors.length > 0) lines.push('Errors:', ...results.errors.map((e) => `- ${e}`), '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const parsed = parseFailureArgs(argv);
  if (parsed.kind === 'help') {
    process.stdout.write(`${FAILURE_USAGE}\n`);
    return;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`bench:failure: ${parsed.message}\n${FAILURE_USAGE}\n`);
    process.exit(2);
  }
  const outer = reexecInNamespace('failure', true);
  if (outer !== null) process.exit(await outer);
  const options = parsed.options;
  const progress = (line: string): void => void process.stderr.write(`[failure] ${line}\n`);
  const staticDir = ensureBuiltClient(progress);
  const startedAt = new Date().toISOString();
  const environment = environmentAtStart(repoRoot);
  const results: FailureResults = {
    schema: 'gossip-mesh-bench-failure/1',
    startedAt,
    finishedAt: startedAt,
    argv,
    options,
    environment,
    defaults: {
      probePeriodMs: DEFAULT_OPTIONS.probePeriodMs,
      probeTimeoutMs: DEFAULT_OPTIONS.probeTimeoutMs,
      pingIntervalMs: DEFAULT_OPTIONS.pingIntervalMs,
      deadAfterMs: DEFAULT_OPTIONS.deadAfterMs,
      epochMs: DEFAULT_OPTIONS.epochMs,
    },
    chromiumVersion: null,
    crash: [],
    soak: null,
    errors: [],
  };
  if (!options.skipCrash) {
    for (const n of options.tabs) {
      for (let r = 0; r < options.repeat; r++) {
        progress(`crash: ${n} tabs, repetition ${r + 1}/${options.repeat} (load average ${loadAverages().join(', ')})`);
        try {
          const { figures, chromiumVersion } = await crashRepetition(n, r, staticDir, progress);
          results.crash.push(figures);
          results.chromiumVersion = chromiumVersion;
        } catch (error: unknown) {
          const message = `crash ${n} tabs #${r + 1}: ${error instanceof Error ? error.message : String(error)}`;
          progress(message);
          results.errors.push(message);
        }
      }
    }
  }
  if (options.soakMinutes > 0) {
    try {
      const soak = await runSoak(options.soakTabs, options.soakMinutes, staticDir, progress);
      results.soak = soak;
      results.chromiumVersion = soak.chromiumVersion;
    } catch (error: unknown) {
      const message = `soak: ${error instanceof Error ? error.message : String(error)}`;
      progress(message);
      results.errors.push(message);
    }
  }
  results.finishedAt = new Date().toISOString();
  environment.loadAverage.end = loadAverages();
  const dir = resolve(repoRoot, options.outDir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(resolve(dir, 'failure.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(resolve(dir, 'failure.md'), markdownReport(results));
  if (results.crash.length > 0) process.stdout.write(`${formatTable(crashTable(results.crash))}\n`);
  if (results.soak !== null) process.stdout.write(`${formatTable(soakTable(results.soak))}\n`);
  progress(`wrote ${resolve(dir, 'failure.json')} and failure.md`);
  if (results.errors.length > 0) process.exitCode = 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`[failure] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}

/**
 * Churn benchmark (issue 4 figures): with the signaling server DOWN, N Chromium tabs (one context)
 * lose K tabs at once to an abrupt kill (renderer crash: no goodbye). Measures, through the page's
 * test hook only, sampled inside each surviving tab every 50 ms (one machine clock):
 *
 * - regain: for each survivor whose live links (links to tabs that were not killed) fell below its
 *   target degree min(activeViewSize, survivors - 1), the time from the kill until it has that
 *   many live links again; median and max over those survivors;
 * - detection: for each survivor that had a killed neighbour, the time until no killed tab is in
 *   its active view; median and max;
 * - delivery during the churn: from the kill until every survivor regained and detected (or the
 *   bound), one rumor every --rumor-every-ms from the survivors in turn; the share of
 *   (rumor, other survivor) pairs delivered within 5 s of publication, and by the end of a
 *   bounded wait afterwards;
 * - links formed after the kill through the mesh and through the server (the server is down: 0).
 *
 * It measures; it asserts nothing. Usage (after `npm run build`):
 *
 *   npm run bench:churn -- --tabs 12,24 [--kill 3] [--repeat 3] [--rumor-every-ms 500]
 *
 * Progress and a summary go to stderr, the result as JSON to stdout. As root on Linux it re-runs
 * itself inside a fresh loopback-only network namespace (E2E_NETNS=0: host network).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { DEFAULT_OPTIONS } from '../../client/src/core/options.ts';
import { crashTab } from '../churn.ts';
import { eachFlag, wholeNumber } from '../cli-args.ts';
import { hook } from '../hook.ts';
import type { ChurnRecorder } from '../probe-globals.ts';
import { ensureBuiltClient, MeshRun, meshProblems, reexecInNamespace, waitUntil } from '../scenario.ts';

export interface ChurnBenchOptions {
  tabs: number;
  kill: number;
  rumorEveryMs: number;
  onProgress?: (line: string) => void;
}

export interface ChurnBenchResult {
  tabs: number;
  killed: number;
  targetDegree: number;
  meshFormedMs: number;
  /** Survivors whose live links fell below the target, and how long they took to get back. */
  belowTarget: number;
  regainMs: { median: number | null; max: number | null; all: number[] };
  /** Survivors not back to the target when the bound ran out. */
  notRegained: number;
  hadKilledNeighbour: number;
  detectMs: { median: number | null; max: number | null };
  rumorsDuringChurn: number;
  deliveryWithin5s: number;
  deliveryFinal: number;
  maxDeliveryMs: number | null;
  linksAfterKill: { viaMesh: number; viaServer: number };
}

const MESH_TIMEOUT_MS = 180_000;
const CHURN_BOUND_MS = 90_000;
const DELIVERY_WAIT_MS = 30_000;

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Starts sampling in a survivor: when its live links fell below `target` and came back, when the killed left its view. */
function startRecorder(page: Page, victims: string[], target: number): Promise<void> {
  return page.evaluate(
    ({ victims: gone, target: want }) => {
      const mesh = window.__mesh;
      if (mesh === undefined) throw new Error('window.__mesh is not defined');
      const rec: ChurnRecorder = { hadVictim: mesh.neighbors().some((p) => gone.includes(p)), belowAt: null, regainedAt: null, detectedAt: null };
      window.__churn = rec;
      const sample = (): void => {
        const now = Date.now();
        const neighbors = mesh.neighbors();
        const live = neighbors.filter((p) => !gone.includes(p)).length;
        if (live < want && rec.belowAt === null) rec.belowAt = now;
        if (rec.belowAt !== null && rec.regainedAt === null && live >= want) rec.regainedAt = now;
        if (rec.detectedAt === null && !neighbors.some((p) => gone.includes(p))) rec.detectedAt = now;
      };
      sample();
      setInterval(sample, 50);
    },
    { victims, target },
  );
}

export async function measureChurn(options: ChurnBenchOptions): Promise<ChurnBenchResult> {
  const progress = options.onProgress ?? (() => undefined);
  const staticDir = ensureBuiltClient(progress);
  const run = await MeshRun.start({ staticDir, headed: false });
  try {
    const opened = Date.now();
    await run.openTabs(options.tabs);
    const steady = Math.min(DEFAULT_OPTIONS.activeViewSize, options.tabs - 1);
    const formed = await waitUntil(async () => meshProblems(await run.snapshot(), steady), { timeoutMs: MESH_TIMEOUT_MS, intervalMs: 500 });
    if (formed.problems.length > 0) throw new Error(`no steady mesh of ${options.tabs} tabs: ${formed.problems.slice(0, 3).join('; ')}`);
    const meshFormedMs = Date.now() - opened;
    progress(`${options.tabs} tabs: connected mesh, every tab at degree >= ${steady}, after ${(meshFormedMs / 1000).toFixed(1)} s`);

    await run.stopServer();
    const down = await waitUntil(async () => (await run.snapshot()).filter((r) => r.server).map((r) => r.label), { timeoutMs: 30_000 });
    if (down.problems.length > 0) throw new Error(`tabs still connected to the stopped server: ${down.problems.join(', ')}`);

    const victims = Array.from({ length: options.kill }, (_, i) => run.tabs[1 + Math.floor((i * (options.tabs - 1)) / options.kill)] as Page);
    const survivors = run.tabs.filter((t) => !victims.includes(t));
    const before = await run.snapshot();
    const victimIds = before.filter((r) => victims.some((v) => run.label(v) === r.label)).map((r) => r.id);
    const survivorRows = before.filter((r) => survivors.some((s) => run.label(s) === r.label));
    const linksBefore = { viaMesh: survivorRows.reduce((s, r) => s + r.viaMesh, 0), viaServer: survivorRows.reduce((s, r) => s + r.viaServer, 0) };
    const target = Math.min(DEFAULT_OPTIONS.activeViewSize, survivors.length - 1);
    await Promise.all(survivors.map((s) => startRecorder(s, victimIds, target)));

    progress(`${options.tabs} tabs: server down; killing ${victims.map((v) => run.label(v)).join(', ')}`);
    const killedAt = Date.now();
    await Promise.all(victims.map((v) => crashTab(v)));

    // Rumors during the churn, until every survivor regained and detected, or the bound.
    const rumors: Array<{ id: string; origin: Page; sentAt: number }> = [];
    let turn = 0;
    const recorders = async (): Promise<ChurnRecorder[]> =>
      Promise.all(
        survivors.map((s) =>
          s.evaluate(() => {
            if (window.__churn === undefined) throw new Error('window.__churn is not defined (no recorder started)');
            return { ...window.__churn };
          }),
        ),
      );
    for (;;) {
      const origin = survivors[turn++ % survivors.length] as Page;
      const sentAt = Date.now();
      const id = await hook(origin).publish('during the churn');
      rumors.push({ id, origin, sentAt });
      const recs = await recorders();
      const settled = recs.every((r) => (r.belowAt === null || r.regainedAt !== null) && (!r.hadVictim || r.detectedAt !== null));
      if (settled || Date.now() - killedAt > CHURN_BOUND_MS) break;
      await new Promise((r) => setTimeout(r, options.rumorEveryMs));
    }
    const recs = await recorders();

    // Delivery: wait (bounded) for every rumor at every other survivor.
    const ids = rumors.map((r) => r.id);
    const deliveries = async (): Promise<Array<Array<{ id: string; sentAt: number; receivedAt: number }>>> =>
      Promise.all(
        survivors.map((s) =>
          s.evaluate((want) => {
            const mesh = window.__mesh;
            if (mesh === undefined) throw new Error('window.__mesh is not defined');
            return mesh.rumors().filter((r) => want.includes(r.id) && r.hops > 0).map((r) => ({ id: r.id, sentAt: r.sentAt, receivedAt: r.receivedAt }));
          }, ids),
        ),
      );
    const pairs = rumors.length * (survivors.length - 1);
    let got = await deliveries();
    await waitUntil(
      async () => {
        got = await deliveries();
        const n = got.reduce((s, list) => s + list.length, 0);
        return n < pairs ? [`${n}/${pairs}`] : [];
      },
      { timeoutMs: DELIVERY_WAIT_MS, intervalMs: 500 },
    );
    const latencies = got.flat().map((d) => d.receivedAt - d.sentAt);
    const after = (await run.snapshot(survivors)).reduce(
      (s, r) => ({ viaMesh: s.viaMesh + r.viaMesh, viaServer: s.viaServer + r.viaServer }),
      { viaMesh: 0, viaServer: 0 },
    );

    const regain = recs.flatMap((r) => (r.belowAt !== null && r.regainedAt !== null ? [r.regainedAt - killedAt] : []));
    const detect = recs.flatMap((r) => (r.hadVictim && r.detectedAt !== null ? [r.detectedAt - killedAt] : []));
    return {
      tabs: options.tabs,
      killed: options.kill,
      targetDegree: target,
      meshFormedMs,
      belowTarget: recs.filter((r) => r.belowAt !== null).length,
      regainMs: { median: median(regain), max: regain.length > 0 ? Math.max(...regain) : null, all: regain.sort((a, b) => a - b) },
      notRegained: recs.filter((r) => r.belowAt !== null && r.regainedAt === null).length,
      hadKilledNeighbour: recs.filter((r) => r.hadVictim).length,
      detectMs: { median: median(detect), max: detect.length > 0 ? Math.max(...detect) : null },
      rumorsDuringChurn: rumors.length,
      deliveryWithin5s: pairs === 0 ? 1 : latencies.filter((ms) => ms <= 5000).length / pairs,
      deliveryFinal: pairs === 0 ? 1 : latencies.length / pairs,
      maxDeliveryMs: latencies.length > 0 ? Math.max(...latencies) : null,
      linksAfterKill: { viaMesh: after.viaMesh - linksBefore.viaMesh, viaServer: after.viaServer - linksBefore.viaServer },
    };
  } finally {
    await run.close();
  }
}

const HELP = `Usage: npm run bench:churn -- [options]
  --tabs LIST           tab counts, comma-separated, each 4..64 (default 12,24)
  --kill K              tabs killed at once (default 3; fewer than tabs - 2)
  --repeat R            runs per tab count (default 1)
  --rumor-every-ms N    one rumor this often during the churn (default 500)
STATIC_DIR=<dir> serves a client built elsewhere (default dist/, built if missing).
Progress and a summary on stderr; the results as JSON on stdout.`;

function parseArgs(argv: readonly string[]): { tabs: number[]; kill: number; repeat: number; rumorEveryMs: number } | 'help' {
  let tabs = [12, 24];
  let kill = 3;
  let repeat = 1;
  let rumorEveryMs = 500;
  const int = (name: string, raw: string | undefined, min: number, max: number): number => {
    const parsed = wholeNumber(name, raw, min, max);
    if ('problem' in parsed) throw new Error(parsed.problem);
    return parsed.value;
  };
  const walked = eachFlag(argv, (flag, value, arg) => {
    switch (flag) {
      case '--tabs':
        tabs = (value() ?? '').split(',').map((t) => int('--tabs', t, 4, 64));
        break;
      case '--kill':
        kill = int('--kill', value(), 1, 60);
        break;
      case '--repeat':
        repeat = int('--repeat', value(), 1, 20);
        break;
      case '--rumor-every-ms':
        rumorEveryMs = int('--rumor-every-ms', value(), 50, 60_000);
        break;
      default:
        throw new Error(`unknown option ${JSON.stringify(arg)}`);
    }
  });
  if (walked === 'help') return 'help';
  for (const n of tabs) if (kill > n - 3) throw new Error(`--kill ${kill} is too many for ${n} tabs (at most ${n - 3})`);
  return { tabs, kill, repeat, rumorEveryMs };
}

function summary(r: ChurnBenchResult): string {
  const s = (ms: number | null): string => (ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`);
  return (
    `${r.tabs} tabs, ${r.killed} killed, target ${r.targetDegree}: regain median ${s(r.regainMs.median)} max ${s(r.regainMs.max)} ` +
    `(${r.belowTarget} survivors fell below target${r.notRegained > 0 ? `, ${r.notRegained} not back` : ''}); ` +
    `killed out of active views median ${s(r.detectMs.median)} max ${s(r.detectMs.max)}; ` +
    `${r.rumorsDuringChurn} rumors during the churn: ${(100 * r.deliveryWithin5s).toFixed(1)}% delivered within 5 s, ` +
    `${(100 * r.deliveryFinal).toFixed(1)}% in the end (max ${s(r.maxDeliveryMs)}); ` +
    `links after the kill: ${r.linksAfterKill.viaMesh} via mesh, ${r.linksAfterKill.viaServer} via server`
  );
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (error: unknown) {
    process.stderr.write(`bench:churn: ${error instanceof Error ? error.message : String(error)}\n${HELP}\n`);
    process.exit(2);
  }
  if (parsed === 'help') {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const outer = reexecInNamespace('churn', true);
  if (outer !== null) process.exit(await outer);
  const results: ChurnBenchResult[] = [];
  for (const tabs of parsed.tabs) {
    for (let i = 0; i < parsed.repeat; i++) {
      const result = await measureChurn({
        tabs,
        kill: parsed.kill,
        rumorEveryMs: parsed.rumorEveryMs,
        onProgress: (line) => process.stderr.write(`[churn] ${line}\n`),
      });
      process.stderr.write(`[churn] ${summary(result)}\n`);
      results.push(result);
    }
  }
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`[churn] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}

/**
 * `npm run bench`: the simulator sweep and scale run (sim.ts), then real browsers: every mode on
 * one mesh (browser.ts) and the mesh beside y-webrtc (versus/run.ts), with progress lines on stderr; writes <out-dir>/latest.json (every figure), a timestamped copy,
 * and <out-dir>/report.html (charts), and prints the tables on stdout. It measures; it never fails
 * on a figure (exit 1 only when a part could not be measured, 2 on bad options). See USAGE in
 * options.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findChromium, INSTALL_CHROMIUM_HINT } from '../netns.mjs';
import { reexecInNamespace, repoRoot } from '../scenario.ts';
import { measureBrowserMesh } from './browser.ts';
import { parseBenchArgs, USAGE, type BenchOptions } from './options.ts';
import { renderHtml, renderText } from './report.ts';
import { environmentAtStart, loadAverages, methodNotes, RESULTS_SCHEMA, type BenchResults } from './results.ts';
import { runScale, runSimSweep } from './sim.ts';
import { runVersus } from './versus/run.ts';

const started = Date.now();
const progress = (line: string): void => {
  process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(5)}s] ${line}\n`);
};

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The client to serve: STATIC_DIR, or a private build (never dist/, which the e2e tests use). */
function builtClient(): { dir: string; cleanup: () => void } {
  const fromEnv = process.env['STATIC_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') {
    const dir = resolve(fromEnv);
    if (!existsSync(join(dir, 'index.html'))) throw new Error(`STATIC_DIR=${dir} has no index.html`);
    progress(`client: ${dir} (STATIC_DIR)`);
    return { dir, cleanup: () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), 'gossip-bench-client-'));
  progress(`client: building it into ${dir} (vite build)`);
  const vite = resolve(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js');
  const built = spawnSync(process.execPath, [vite, 'build', '--outDir', dir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0 || !existsSync(join(dir, 'index.html'))) throw new Error('vite build failed; run `npm run build` to see why');
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function save(results: BenchResults, outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(join(outDir, 'latest.json'), json);
  writeFileSync(join(outDir, `bench-${results.startedAt.replace(/[:.]/g, '-')}.json`), json);
  writeFileSync(join(outDir, 'report.html'), renderHtml(results));
}

async function runSim(options: BenchOptions, results: BenchResults, outDir: string): Promise<void> {
  const sim: NonNullable<BenchResults['sim']> = { sweep: null, scale: null };
  results.sim = sim;
  if (options.sim.nodes.length > 0) {
    try {
      sim.sweep = await runSimSweep(options.sim, progress);
      progress(`sim sweep done in ${(sim.sweep.durationMs / 60_000).toFixed(1)} min`);
    } catch (error: unknown) {
      results.errors.push(`simulator sweep: ${message(error)}`);
      progress(`sim sweep FAILED: ${message(error)}`);
    }
    save(results, outDir);
  }
  if (options.sim.scaleNodes > 0) {
    try {
      sim.scale = await runScale(options.sim.scaleNodes, progress);
      progress(`sim scale done: wall time ${sim.scale.wallTimeS} s, peak RSS ${sim.scale.peakRssMB} MB`);
    } catch (error: unknown) {
      results.errors.push(`simulator at N=${options.sim.scaleNodes}: ${message(error)}`);
      progress(`sim scale FAILED: ${message(error)}`);
    }
    save(results, outDir);
  }
}

async function runBrowsers(options: BenchOptions, results: BenchResults, outDir: string): Promise<void> {
  const found = await findChromium();
  if (found === null) {
    results.errors.push(`browser parts: no Chromium. ${INSTALL_CHROMIUM_HINT.join(' ')}`);
    return;
  }
  results.environment.chromium = { path: found.path, version: null };
  const client = builtClient();
  try {
    if (options.browser.run) await runModes(options, results, outDir, client.dir, found.path);
    if (options.versus.run) {
      try {
        results.versus = await runVersus(options.versus, { clientDir: client.dir, chromiumPath: found.path }, progress);
        results.errors.push(...results.versus.errors.map((e) => `versus: ${e}`));
        const version = results.versus.repetitions[0]?.chromiumVersion;
        if (version !== undefined && results.environment.chromium !== null) results.environment.chromium.version = version;
        progress(`versus done in ${(results.versus.durationMs / 60_000).toFixed(1)} min`);
      } catch (error: unknown) {
        results.errors.push(`versus: ${message(error)}`);
        progress(`versus FAILED: ${message(error)}`);
      }
      save(results, outDir);
    }
  } finally {
    client.cleanup();
  }
}

async function runModes(options: BenchOptions, results: BenchResults, outDir: string, clientDir: string, chromiumPath: string): Promise<void> {
  const b = options.browser;
  results.browser = [];
  {
    for (const tabs of b.tabs) {
      progress(`browser: ${tabs} tabs; modes ${b.modes.join(', ')}; ${b.warmupRumors} warm-up + ${b.rumors} rumors each`);
      try {
        const mesh = await measureBrowserMesh({ ...b, tabs, staticDir: clientDir, chromiumPath, onProgress: progress });
        results.browser.push(mesh);
        if (results.environment.chromium !== null) results.environment.chromium.version = mesh.chromiumVersion;
        progress(`browser: ${tabs} tabs done in ${(mesh.durationMs / 60_000).toFixed(1)} min`);
      } catch (error: unknown) {
        results.errors.push(`browser, ${tabs} tabs: ${message(error)}`);
        progress(`browser: ${tabs} tabs FAILED: ${message(error)}`);
      }
      save(results, outDir);
    }
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseBenchArgs(argv, cpus().length);
  if (parsed.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`bench: ${parsed.message}\n(see npm run bench -- --help)\n`);
    return 2;
  }
  const options = parsed.options;
  const browsers = options.browser.run || options.versus.run;
  if (browsers) {
    // As root on Linux: the whole benchmark again, inside a loopback-only network namespace.
    const outer = reexecInNamespace('bench', true);
    if (outer !== null) return outer;
  }
  const outDir = resolve(options.outDir);
  const results: BenchResults = {
    schema: RESULTS_SCHEMA,
    startedAt: new Date(started).toISOString(),
    finishedAt: '',
    durationMs: 0,
    argv: [...argv],
    options,
    environment: environmentAtStart(repoRoot),
    notes: methodNotes(options),
    sim: null,
    browser: null,
    versus: null,
    errors: [],
  };
  progress(`${results.environment.cpus} CPUs, load average ${results.environment.loadAverage.start.join(' ')}; results to ${outDir}`);
  for (const note of results.notes) progress(`note: ${note}`);
  if (options.sim.run) await runSim(options, results, outDir);
  if (browsers) await runBrowsers(options, results, outDir);
  results.environment.loadAverage.end = loadAverages();
  results.finishedAt = new Date().toISOString();
  results.durationMs = Date.now() - started;
  save(results, outDir);
  process.stdout.write(`${renderText(results)}\n`);
  progress(`done in ${(results.durationMs / 60_000).toFixed(1)} min: ${join(outDir, 'latest.json')}, ${join(outDir, 'report.html')}`);
  return results.errors.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);

/**
 * What the demo (e2e/demo.ts) and the churn benchmark (e2e/bench/churn.ts) share: an in-process
 * signaling server serving the built client, one Chromium with N tabs of the mesh page in one
 * context, per-tab snapshots through the page's test hook (`window.__mesh`), a table of them,
 * bounded waits, and re-running a CLI inside a loopback-only network namespace (as e2e/run.mjs does
 * for the tests). Plain Playwright library, no test runner.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { createSignalingServer, type SignalingServer, type SignalingServerOptions, type SignalingStats } from '../signaling-server/src/server.ts';
import { chromiumArgs, chromiumContextOptions } from './browsers.ts';
import { installProbes } from './churn.ts';
import { loadPages } from './load-pages.ts';
import { asymmetricLinks, reachable } from './mesh-graph.ts';
import { findChromium, inLoopbackNamespace, INSTALL_CHROMIUM_HINT, namespaceUnavailable } from './netns.mjs';

export const repoRoot: string = fileURLToPath(new URL('..', import.meta.url));

/** The built client: STATIC_DIR, or dist/ (built with `vite build` when it is missing). */
export function ensureBuiltClient(log: (line: string) => void): string {
  const fromEnv = process.env['STATIC_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') {
    const dir = resolve(fromEnv);
    if (!existsSync(resolve(dir, 'index.html'))) throw new Error(`STATIC_DIR=${dir} has no index.html`);
    return dir;
  }
  const dist = resolve(repoRoot, 'dist');
  if (existsSync(resolve(dist, 'index.html'))) return dist;
  log('dist/ is missing: building the client (vite build)...');
  const vite = resolve(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js');
  const built = spawnSync(process.execPath, [vite, 'build'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0 || !existsSync(resolve(dist, 'index.html'))) throw new Error('vite build failed; run `npm run build` to see why');
  return dist;
}

export interface TabRow {
  label: string;
  /** False once the tab was killed (or does not answer). */
  alive: boolean;
  /** Alive but its mesh has not started yet (no test hook): still loading, no id. */
  loading: boolean;
  id: string;
  server: boolean;
  neighbors: string[];
  known: string[];
  viaMesh: number;
  viaServer: number;
  rumors: string[];
  counter: number;
}

/** One snapshot of a tab through its test hook. */
export async function readTab(page: Page, label: string): Promise<TabRow> {
  const dead: TabRow = { label, alive: false, loading: false, id: '', server: false, neighbors: [], known: [], viaMesh: 0, viaServer: 0, rumors: [], counter: 0 };
  if (page.isClosed()) return dead;
  try {
    const row = await page.evaluate(() => {
      const mesh = window.__mesh;
      if (mesh === undefined) return null;
      const stats = mesh.stats();
      return {
        id: mesh.id,
        server: mesh.serverConnected(),
        neighbors: mesh.neighbors(),
        known: mesh.known(),
        viaMesh: stats.linksViaMesh ?? 0,
        viaServer: stats.linksViaServer ?? 0,
        rumors: mesh.rumors().map((r) => r.id),
        counter: mesh.counter(),
      };
    });
    return row === null ? { ...dead, alive: true, loading: true } : { label, alive: true, loading: false, ...row };
  } catch {
    return dead; // a crashed tab cannot answer: that is what "killed" means here
  }
}

export class MeshRun {
  readonly tabs: Page[] = [];
  readonly labels = new Map<Page, string>();
  private constructor(
    readonly browser: Browser,
    readonly context: BrowserContext,
    private server: SignalingServer | null,
    readonly url: string,
  ) {}

  /**
   * Starts the server (port 0; further options in `server`) and one Chromium (headless unless
   * `headed`); the client must be built.
   */
  static async start(opts: { staticDir: string; headed: boolean; query?: Record<string, string>; server?: Partial<SignalingServerOptions> }): Promise<MeshRun> {
    const found = await findChromium();
    if (found === null) throw new Error(['The demo needs a Chromium.', ...INSTALL_CHROMIUM_HINT].join('\n'));
    const server = await createSignalingServer({ ...opts.server, port: 0, staticDir: opts.staticDir });
    let browser: Browser;
    try {
      browser = await chromium.launch({ executablePath: found.path, args: [...chromiumArgs], headless: !opts.headed });
    } catch (error: unknown) {
      await server.close();
      throw error;
    }
    const context = await browser.newContext(chromiumContextOptions);
    await installProbes(context);
    const url = new URL(server.address.url);
    url.searchParams.set('room', `demo-${Date.now().toString(36)}`);
    for (const [key, value] of Object.entries(opts.query ?? {})) url.searchParams.set(key, value);
    return new MeshRun(browser, context, server, url.href);
  }

  get serverRunning(): boolean {
    return this.server !== null;
  }

  /** The signaling server's counters (refusals by reason among them); null once it is stopped. */
  serverStats(): SignalingStats | null {
    return this.server?.stats() ?? null;
  }

  /** Opens `count` tabs, `concurrency` loading at once. */
  async openTabs(count: number, concurrency = 4): Promise<Page[]> {
    const pages: Page[] = [];
    for (let i = 0; i < count; i++) {
      const page = await this.context.newPage();
      this.labels.set(page, `tab ${this.tabs.length}`);
      this.tabs.push(page);
      pages.push(page);
    }
    await loadPages(pages, this.url, concurrency);
    return pages;
  }

  label(page: Page): string {
    return this.labels.get(page) ?? 'tab ?';
  }

  async snapshot(pages: readonly Page[] = this.tabs): Promise<TabRow[]> {
    return Promise.all(pages.map((p) => readTab(p, this.label(p))));
  }

  /** Kills the signaling server: its sockets drop, the tabs see it go. */
  async stopServer(): Promise<void> {
    const server = this.server;
    this.server = null;
    await server?.close();
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await this.stopServer();
  }
}

/** Problems that keep `rows` (the live tabs) from being one connected mesh with links at both ends. */
export function meshProblems(rows: readonly TabRow[], minDegree: number): string[] {
  const problems: string[] = [];
  const live = new Set(rows.map((r) => r.id));
  for (const row of rows) {
    if (row.neighbors.length < minDegree) problems.push(`${row.label} has ${row.neighbors.length} neighbours`);
    for (const n of row.neighbors) if (!live.has(n)) problems.push(`${row.label} links to ${n}, not a live tab`);
  }
  problems.push(...asymmetricLinks(rows));
  const reached = reachable(rows);
  for (const row of rows) if (!reached.has(row.id)) problems.push(`${row.label} not reachable from ${rows[0]?.label}`);
  return problems;
}

/**
 * Polls `check` (a list of what is still wrong) every `intervalMs` until it is empty or `timeoutMs`
 * passed; returns the last list ([] = done) and how long it took.
 */
export async function waitUntil(
  check: () => Promise<string[]>,
  opts: { timeoutMs: number; intervalMs?: number; onPoll?: () => Promise<void> | void },
): Promise<{ problems: string[]; tookMs: number }> {
  const started = Date.now();
  for (;;) {
    const problems = await check();
    await opts.onPoll?.();
    if (problems.length === 0 || Date.now() - started >= opts.timeoutMs) return { problems, tookMs: Date.now() - started };
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 250));
  }
}

/** One tab's cells: a tab whose mesh has not started shows as loading, a killed one as KILLED. */
function tabCells(r: TabRow, rumorIds: readonly string[]): string[] {
  if (r.loading) return [r.label, '', 'loading', '', '', '', '', ''];
  if (!r.alive) return [r.label, '', 'KILLED', '', '', '', '', ''];
  return [
    r.label,
    r.id.slice(0, 8),
    r.server ? 'up' : 'DOWN',
    String(r.neighbors.length),
    String(r.viaMesh),
    String(r.viaServer),
    rumorIds.length === 0 ? String(r.rumors.length) : `${rumorIds.filter((id) => r.rumors.includes(id)).length}/${rumorIds.length}`,
    String(r.counter),
  ];
}

/** A fixed-width table of tab rows. */
export function formatTable(rows: readonly TabRow[], rumorIds: readonly string[]): string {
  const head = ['tab', 'peer', 'server', 'degree', 'via mesh', 'via server', 'rumors', 'counter'];
  const body = rows.map((r) => tabCells(r, rumorIds));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** Re-runs this CLI inside a loopback-only namespace when it can; resolves to its exit code, or null to run here. */
export function reexecInNamespace(tag: string, allowed: boolean): Promise<number> | null {
  if (process.env['E2E_NETNS'] === '1') return null; // already inside
  const why = allowed ? namespaceUnavailable() : 'a display is in use (headed browser)';
  if (why !== null) {
    process.stderr.write(`[${tag}] network: host network, no namespace (${why})\n`);
    return null;
  }
  process.stderr.write(`[${tag}] network: fresh loopback-only namespace (unshare -n; lo up; default routes via lo)\n`);
  const [file, ...args] = inLoopbackNamespace([process.execPath, ...process.execArgv, ...process.argv.slice(1)]);
  const child = spawn(file as string, args, { stdio: 'inherit', env: { ...process.env, E2E_NETNS: '1' } });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  return new Promise((resolveCode) => {
    child.on('error', (error) => {
      process.stderr.write(`[${tag}] could not start ${String(file)}: ${error.message}\n`);
      resolveCode(1);
    });
    child.on('exit', (code, signal) => resolveCode(code ?? (signal !== null ? 1 : 0)));
  });
}

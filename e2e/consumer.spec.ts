/**
 * The package as an app gets it (issue 13): `npm pack`, the tarball installed into an empty app
 * in a temporary folder (offline: the test may run with no network; see install()), that app's
 * page (e2e/consumer-app: only the documented imports) bundled by vite, served by the package's
 * own `gossip-mesh/server`, opened in two Chromium tabs beside a headless Node peer
 * (`gossip-mesh peer --json`, the package's bin over gossip-mesh/node): a rumor from a tab and one
 * from the Node peer reach all three, and so do counter adds from both sides. The declarations of
 * `gossip-mesh`, `gossip-mesh/node` and `gossip-mesh/server` type that app under `tsc --strict`,
 * and declare no globals (the project's test hook, `window.__mesh`, stays out of them); the
 * README's snippets compile against them.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Mesh } from '../client/src/lib/types.ts';
import { test, expect } from './fixtures.ts';
import { repoRoot } from './server.ts';

// What e2e/consumer-app/main.ts puts on the page (that app declares it for itself too).
declare global {
  interface Window {
    app?: { mesh: Mesh; texts: string[]; counter: number };
  }
}

const SPREAD_TIMEOUT_MS = 45_000;
/** Builds under load: tsc and two vite builds on two shared cores. */
const STEP_TIMEOUT_MS = 300_000;

test.describe.configure({ timeout: 900_000 });

function run(command: string, args: string[], cwd: string): string {
  process.stderr.write(`consumer: ${command} ${args.join(' ')} (in ${cwd})\n`);
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: STEP_TIMEOUT_MS, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/**
 * `npm install <tarball>` from npm's cache. npm ci caches tarballs but not the registry metadata
 * npm install needs, so with no network (the loopback-only namespace) that can fail: then the
 * tarball is unpacked as npm would (node_modules/gossip-mesh) and its dependencies resolve, by
 * Node's walk up the folders, from the repository's node_modules (the app lives below the
 * repository for that), which holds the lockfile's versions of exactly those dependencies.
 */
function install(app: string, tarball: string): void {
  try {
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', `./${tarball}`], app);
    return;
  } catch (error: unknown) {
    process.stderr.write(`consumer: npm install --offline failed (${String(error).split('\n').find((l) => l.includes('npm error')) ?? 'see above'}); unpacking the tarball\n`);
  }
  const target = join(app, 'node_modules/gossip-mesh');
  mkdirSync(target, { recursive: true });
  run('tar', ['-xzf', tarball, '-C', target, '--strip-components', '1'], app);
}

/** The TypeScript snippets of README "Use it in your app". */
function readmeSnippets(): string[] {
  const readme = readFileSync(resolve(repoRoot, 'README.md'), 'utf8');
  const start = readme.indexOf('## Use it in your app');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** JSON lines of a child process, kept for `waitForLine`. */
function jsonLines(child: ChildProcess): { lines: Record<string, unknown>[]; first: Promise<string> } {
  const lines: Record<string, unknown>[] = [];
  let resolveFirst: (line: string) => void = () => undefined;
  const first = new Promise<string>((done) => (resolveFirst = done));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    resolveFirst(line);
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // Not JSON (the server's URL line): only `first` wants it.
    }
  });
  return { lines, first };
}

test('an empty app installs the packed tarball; its page, a Node peer and its server mesh through the documented imports', async ({
  browser,
  room,
}) => {
  mkdirSync(resolve(repoRoot, 'test-results'), { recursive: true });
  const app = mkdtempSync(resolve(repoRoot, 'test-results', 'consumer-app-'));
  const children: ChildProcess[] = [];
  try {
    run('npm', ['run', 'build:lib'], repoRoot);
    run('npm', ['pack', '--ignore-scripts', '--pack-destination', app], repoRoot);
    const tarball = readdirSync(app).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer-app', private: true, type: 'module' }));
    install(app, tarball!);
    // No declaration of the package adds globals (types-check.ts proves the hook's in particular).
    const declarations = listFiles(join(app, 'node_modules/gossip-mesh/lib')).filter((f) => f.endsWith('.d.ts'));
    expect(declarations.length).toBeGreaterThan(0);
    expect(declarations.filter((f) => /declare global|interface Window\b/.test(readFileSync(f, 'utf8')))).toEqual([]);
    cpSync(resolve(repoRoot, 'e2e/consumer-app'), app, { recursive: true });
    const snippets = readmeSnippets();
    expect(snippets.length).toBe(3); // the page, the Node peer, the server
    snippets.forEach((code, i) => writeFileSync(join(app, `readme-${i + 1}.ts`), code));
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'ESNext',
          moduleResolution: 'Bundler',
          lib: ['ES2023', 'DOM'],
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          // @types/node for the Node entries' declarations (the app would install it itself).
          typeRoots: [resolve(repoRoot, 'node_modules/@types')],
          types: ['node'],
        },
        // The README's snippets too: what it tells an app to write compiles against the package.
        files: ['main.ts', 'types-check.ts', ...snippets.map((_, i) => `readme-${i + 1}.ts`)],
      }),
    );
    run(process.execPath, [resolve(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], app);
    run(process.execPath, [resolve(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], app);

    const server = spawn(process.execPath, ['server.mjs'], { cwd: app, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(server);
    const url = (await jsonLines(server).first).trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    // The package's own bin, as `npx gossip-mesh` runs it.
    const installed = JSON.parse(readFileSync(join(app, 'node_modules/gossip-mesh/package.json'), 'utf8')) as { bin: Record<string, string> };
    const bin = join(app, 'node_modules/gossip-mesh', installed.bin['gossip-mesh'] ?? 'missing-bin');
    const peer = spawn(process.execPath, [bin, 'peer', '--signaling', url, '--room', room, '--json'], {
      cwd: app,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    children.push(peer);
    const fromPeer = jsonLines(peer);
    const context = await browser.newContext({ permissions: ['microphone'] });
    const tabs = await Promise.all([context.newPage(), context.newPage()]);
    await Promise.all(tabs.map((tab) => tab.goto(`${url}?room=${room}`)));
    for (const tab of tabs) await tab.waitForFunction(() => window.app !== undefined && window.app.mesh.neighbors().length > 0, undefined, { timeout: SPREAD_TIMEOUT_MS });
    await expect.poll(() => fromPeer.lines.some((l) => l['type'] === 'peers' && Array.isArray(l['peers']) && l['peers'].length > 0), { timeout: SPREAD_TIMEOUT_MS }).toBe(true);

    await tabs[0]!.evaluate(() => window.app?.mesh.publish('hello from a tab'));
    await tabs[1]!.evaluate(() => window.app?.mesh.counter.add(2));
    peer.stdin!.write('hello from Node\n/add 3\n');

    for (const tab of tabs) {
      await tab.waitForFunction(() => ['hello from a tab', 'hello from Node'].every((t) => window.app?.texts.includes(t)), undefined, { timeout: SPREAD_TIMEOUT_MS });
      await tab.waitForFunction(() => window.app?.counter === 5 && window.app.mesh.counter.value === 5, undefined, { timeout: SPREAD_TIMEOUT_MS });
      // The page draws what its events said.
      await expect(tab.locator('#counter')).toHaveText('5');
    }
    const texts = (): unknown[] => fromPeer.lines.filter((l) => l['type'] === 'rumor').map((l) => l['text']);
    await expect.poll(texts, { timeout: SPREAD_TIMEOUT_MS }).toEqual(expect.arrayContaining(['hello from a tab', 'hello from Node']));
    await expect.poll(() => fromPeer.lines.filter((l) => l['type'] === 'counter').at(-1)?.['value'], { timeout: SPREAD_TIMEOUT_MS }).toBe(5);
    await context.close();
  } finally {
    for (const child of children) child.kill('SIGTERM');
    rmSync(app, { recursive: true, force: true });
  }
});

/**
 * The anchor, y-webrtc 10.3.0, as the comparison runs it: its page (ywebrtc-page.ts) bundled by
 * vite into a temporary folder at bench time, with the same Node polyfills the mesh client uses
 * for simple-peer (both stand on simple-peer 9); y-webrtc's own signaling server (its
 * bin/server.js, in a child process on a free port); the page's files served over HTTP by the
 * project's server, which here only serves files (no tab joins its socket.io).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { build, type PluginOption } from 'vite';
import viteConfig from '../../../vite.config.ts';
import { createSignalingServer } from '../../../signaling-server/src/server.ts';
import { withTimeout } from '../../bounded.ts';
import { repoRoot } from '../../scenario.ts';

const PAGE_SOURCE = resolve(repoRoot, 'e2e', 'bench', 'versus', 'ywebrtc-page.ts');
const SIGNALING_BIN = resolve(repoRoot, 'node_modules', 'y-webrtc', 'bin', 'server.js');
const START_TIMEOUT_MS = 15_000;

export interface BuiltPage {
  dir: string;
  cleanup(): void;
}

/** Bundles the y-webrtc page into a fresh temporary folder (index.html + assets). */
export async function buildYWebrtcPage(): Promise<BuiltPage> {
  const src = mkdtempSync(join(tmpdir(), 'gossip-bench-ywebrtc-src-'));
  const dir = mkdtempSync(join(tmpdir(), 'gossip-bench-ywebrtc-'));
  try {
    writeFileSync(
      join(src, 'index.html'),
      `<!doctype html><html><head><meta charset="utf-8"><title>y-webrtc anchor</title></head><body><script type="module" src="/@fs${PAGE_SOURCE}"></script></body></html>\n`,
    );
    const plugins: PluginOption[] = viteConfig.plugins ?? [];
    await build({ configFile: false, root: src, logLevel: 'warn', plugins, build: { outDir: dir, emptyOutDir: true } });
  } catch (error: unknown) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A TCP port nobody listens on right now (the kernel's pick, released at once). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => (port > 0 ? resolvePort(port) : reject(new Error('no free port'))));
    });
  });
}

export interface RunningAnchor {
  /** The page to open, with its signaling server and a fresh room in the query. */
  url: string;
  stop(): Promise<void>;
}

/** Starts y-webrtc's signaling server and a static server for `page`; resolves once both listen. */
export async function startYWebrtc(page: BuiltPage): Promise<RunningAnchor> {
  const port = await freePort();
  const child = spawn(process.execPath, [SIGNALING_BIN], { cwd: repoRoot, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const output: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const stopChild = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await withTimeout(exited, 5000, () => new Error(`y-webrtc signaling server (pid ${child.pid}) did not exit`));
  };
  try {
    const listening = new Promise<void>((resolveReady, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line.includes('Signaling server running')) resolveReady();
      });
      child.once('exit', (code) => reject(new Error(`y-webrtc signaling server exited (code ${code}): ${output.join('').trim()}`)));
    });
    await withTimeout(listening, START_TIMEOUT_MS, () => new Error(`y-webrtc signaling server did not start within ${START_TIMEOUT_MS} ms`));
    const files = await createSignalingServer({ port: 0, host: '127.0.0.1', staticDir: page.dir });
    const url = new URL(files.address.url);
    url.searchParams.set('signaling', `ws://127.0.0.1:${port}`);
    url.searchParams.set('room', `bench-${Date.now().toString(36)}`);
    return {
      url: url.href,
      stop: async () => {
        await files.close();
        await stopChild();
      },
    };
  } catch (error: unknown) {
    await stopChild().catch(() => undefined);
    throw error;
  }
}

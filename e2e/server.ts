/**
 * Starts the signaling server as a child process for a test, the way a user would:
 * `node --import tsx signaling-server/src/main.ts` with PORT and HOST=127.0.0.1 in the env.
 * The server prints its URL (`http://127.0.0.1:<port>/`) on stdout; the first stdout line that
 * contains `http://` is taken as the ready signal. Every wait here is on an event (a line, an
 * exit) with a bound; nothing sleeps.
 *
 * E2E_SERVER_ENTRY overrides the entry file (relative to the repository root or absolute).
 * E2E_SERVER_LOG=1 streams the server's output live to the test's stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { withTimeout } from './bounded.ts';

export const repoRoot: string = fileURLToPath(new URL('..', import.meta.url));

export const serverEntry: string = resolve(
  repoRoot,
  process.env['E2E_SERVER_ENTRY'] !== undefined && process.env['E2E_SERVER_ENTRY'] !== ''
    ? process.env['E2E_SERVER_ENTRY']
    : 'signaling-server/src/main.ts',
);

/** How long a start may take before it counts as failed. */
export const SERVER_START_TIMEOUT_MS = 20_000;
/** How long a killed or terminated server may take to exit. */
export const SERVER_EXIT_TIMEOUT_MS = 10_000;

export interface SignalingServer {
  /** The URL the server printed, always ending in `/`, e.g. `http://127.0.0.1:41234/`. */
  readonly url: string;
  /** The port in `url`; it stays the same across restart(). */
  readonly port: number;
  /** True while a server process is running. */
  readonly running: boolean;
  /** Kills the server with SIGKILL (a crash, not a goodbye) and waits until it has exited. */
  stop(): Promise<void>;
  /** Starts the server again on the same port; waits until it prints its URL again. */
  restart(): Promise<void>;
  /** Ends the server politely (SIGTERM, then SIGKILL if it does not exit in time). */
  shutdown(): Promise<void>;
  /** Everything the server processes printed so far, stdout and stderr, oldest first. */
  output(): string;
}

const MAX_LOG_LINES = 2_000;

/** Children still alive, so that a dying worker does not leave servers behind. */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackChild(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of liveChildren) c.kill('SIGKILL');
    });
  }
}

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
  hasExited: () => boolean;
}

class ServerProcess implements SignalingServer {
  private current: Running | null = null;
  private readonly log: string[] = [];
  private generation = 0;
  private _url = '';
  private _port = 0;

  constructor(private readonly env: Readonly<Record<string, string>> = {}) {}

  get url(): string {
    return this._url;
  }
  get port(): number {
    return this._port;
  }
  get running(): boolean {
    return this.current !== null && !this.current.hasExited();
  }

  output(): string {
    return this.log.join('\n');
  }

  private record(line: string): void {
    this.log.push(line);
    if (this.log.length > MAX_LOG_LINES) this.log.splice(0, this.log.length - MAX_LOG_LINES);
    if (process.env['E2E_SERVER_LOG'] === '1') process.stderr.write(`${line}\n`);
  }

  /** Spawns the server with PORT=port and resolves with the URL it prints. */
  async start(port: number): Promise<void> {
    if (!existsSync(serverEntry)) {
      throw new Error(`signaling server entry not found: ${serverEntry} (set E2E_SERVER_ENTRY to override)`);
    }
    const generation = ++this.generation;
    const tag = `[server#${generation}]`;
    const child = spawn(process.execPath, ['--import', 'tsx', serverEntry], {
      cwd: repoRoot,
      env: { ...process.env, ...this.env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    trackChild(child);
    let exitedFlag = false;
    let exitDescription = '';
    const exited = new Promise<void>((resolveExit) => {
      child.once('exit', (code, signal) => {
        exitedFlag = true;
        exitDescription = signal !== null ? `signal ${signal}` : `code ${String(code)}`;
        this.record(`${tag} exited (${exitDescription})`);
        resolveExit();
      });
    });
    const running: Running = { child, exited, hasExited: () => exitedFlag };
    this.current = running;

    const stdout = child.stdout;
    const stderr = child.stderr;
    if (stdout === null || stderr === null) throw new Error('spawn gave no stdout/stderr pipes');
    createInterface({ input: stderr }).on('line', (line) => this.record(`${tag} stderr: ${line}`));

    const urlPromise = new Promise<string>((resolveUrl, reject) => {
      let found = false;
      createInterface({ input: stdout }).on('line', (line) => {
        this.record(`${tag} stdout: ${line}`);
        if (found || !line.includes('http://')) return;
        const match = /http:\/\/[^\s"'<>`]+/.exec(line);
        if (match === null) return;
        found = true;
        resolveUrl(match[0]);
      });
      child.once('error', (error) => reject(new Error(`could not spawn the signaling server: ${error.message}`)));
      void exited.then(() => {
        if (!found) reject(new Error(`signaling server exited (${exitDescription}) before printing its URL`));
      });
    });

    let printed: string;
    try {
      printed = await withTimeout(
        urlPromise,
        SERVER_START_TIMEOUT_MS,
        () => new Error(`signaling server printed no http:// line within ${SERVER_START_TIMEOUT_MS} ms`),
      );
    } catch (error: unknown) {
      if (!exitedFlag) child.kill('SIGKILL');
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${message}\ncommand: node --import tsx ${serverEntry} (PORT=${port})\n--- server output ---\n${this.output()}`);
    }

    const parsed = new URL(printed);
    const url = `${parsed.origin}/`;
    const actualPort = Number(parsed.port);
    if (this._url !== '' && url !== this._url) {
      child.kill('SIGKILL');
      throw new Error(`signaling server came back at ${url}, expected the same URL as before (${this._url})`);
    }
    this._url = url;
    this._port = actualPort;
  }

  private async waitExit(running: Running, why: string): Promise<void> {
    await withTimeout(running.exited, SERVER_EXIT_TIMEOUT_MS, () => new Error(`signaling server did not exit within ${SERVER_EXIT_TIMEOUT_MS} ms after ${why}`));
  }

  async stop(): Promise<void> {
    const running = this.current;
    if (running === null || running.hasExited()) return;
    running.child.kill('SIGKILL');
    await this.waitExit(running, 'SIGKILL');
  }

  async restart(): Promise<void> {
    if (this._port === 0) throw new Error('restart() before the server ever started');
    await this.stop();
    await this.start(this._port);
  }

  async shutdown(): Promise<void> {
    const running = this.current;
    if (running === null || running.hasExited()) return;
    running.child.kill('SIGTERM');
    try {
      await this.waitExit(running, 'SIGTERM');
    } catch (error: unknown) {
      this.record(`[harness] ${error instanceof Error ? error.message : String(error)}; sending SIGKILL`);
      running.child.kill('SIGKILL');
      await this.waitExit(running, 'SIGKILL');
    }
  }
}

/** Starts a signaling server on a free port (PORT=0) and waits for its URL; `env` adds variables (REDIS_URL, TURN_*). */
export async function startSignalingServer(env: Readonly<Record<string, string>> = {}): Promise<SignalingServer> {
  const server = new ServerProcess(env);
  await server.start(0);
  return server;
}

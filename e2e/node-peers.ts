/**
 * Node peers for the end-to-end specs and the scale script: a child process (e2e/peer-host.ts)
 * holds `count` peers made with the public `gossip-mesh/node` API and answers JSON requests,
 * one per line, on stdin/stdout. Several processes spread the peers (file descriptors: about
 * 55-65 per WebRTC connection, 20000 per process here).
 *
 *   const host = await startPeerHost({ signaling: server.url, room, count: 3 });
 *   await host.request({ op: 'publish', peer: 0, text: 'hi' });
 *   const { peers } = await host.request({ op: 'state' });
 *   await host.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { DeliveredRumor, MeshStats } from '../client/src/lib/types.ts';
import { repoRoot } from './server.ts';

export type HostRequest =
  | { op: 'publish'; peer: number; text: string }
  | { op: 'add'; peer: number; delta: number }
  | { op: 'invite'; peer: number }
  | { op: 'complete'; peer: number; code: string }
  | { op: 'state' }
  | { op: 'close' };

export interface PeerState {
  id: string;
  neighbors: string[];
  counter: number;
  serverConnected: boolean;
  rumors: DeliveredRumor[];
  stats: MeshStats;
}

export type HostReply =
  | { ok: true; op: 'publish'; rumorId: string }
  | { ok: true; op: 'add' | 'close' | 'complete' }
  | { ok: true; op: 'invite'; code: string }
  | { ok: true; op: 'state'; peers: PeerState[]; rssBytes: number; heapUsedBytes: number }
  | { ok: false; error: string };

export interface PeerHostOptions {
  signaling: string;
  room: string;
  count: number;
  /** Further joinMesh options as JSON (e.g. periodMs). */
  meshOptions?: Record<string, unknown>;
  /** Bound on the start (every peer joined). Default 120 s. */
  startTimeoutMs?: number;
}

export interface PeerHost {
  readonly pid: number;
  request<R extends HostRequest>(req: R): Promise<Extract<HostReply, { op: R['op'] }>>;
  /** Closes every peer (goodbyes), then the process; SIGKILL if it does not exit in time. */
  stop(): Promise<void>;
  output(): string;
}

/** A bound for a CPU-starved host (two shared cores, dozens of WebRTC peers per process). */
const REQUEST_TIMEOUT_MS = 180_000;

export async function startPeerHost(options: PeerHostOptions): Promise<PeerHost> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', resolve(repoRoot, 'e2e/peer-host.ts')], {
    cwd: repoRoot,
    env: { ...process.env, PEER_HOST_OPTIONS: JSON.stringify(options) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const waiting: ((line: string) => void)[] = [];
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (line) => waiting.shift()?.(line));
  const nextLine = (timeoutMs: number, what: string): Promise<string> =>
    new Promise((resolveLine, reject) => {
      const timer = setTimeout(() => reject(new Error(`peer host ${child.pid}: no answer to ${what} within ${timeoutMs} ms\n${log.join('')}`)), timeoutMs);
      const onExit = (): void => reject(new Error(`peer host ${child.pid} exited during ${what}\n${log.join('')}`));
      child.once('exit', onExit);
      waiting.push((line) => {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolveLine(line);
      });
    });
  const ready = await nextLine(options.startTimeoutMs ?? 120_000, 'start');
  if (!ready.startsWith('{"ready"')) throw new Error(`peer host: unexpected first line ${ready}\n${log.join('')}`);
  // Requests are answered in order: one at a time keeps lines and replies paired.
  let chain: Promise<unknown> = Promise.resolve();
  const host: PeerHost = {
    pid: child.pid ?? -1,
    request<R extends HostRequest>(req: R) {
      const result = chain.then(async () => {
        child.stdin?.write(`${JSON.stringify(req)}\n`);
        const reply = JSON.parse(await nextLine(REQUEST_TIMEOUT_MS, req.op)) as HostReply;
        if (!reply.ok) throw new Error(`peer host ${child.pid}: ${req.op} failed: ${reply.error}`);
        return reply as Extract<HostReply, { op: R['op'] }>;
      });
      chain = result.catch(() => undefined);
      return result;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
    output: () => log.join(''),
  };
  return host;
}

/** Every peer of every host, with its host's index. */
export async function allPeerStates(hosts: readonly PeerHost[]): Promise<PeerState[]> {
  const states = await Promise.all(hosts.map((h) => h.request({ op: 'state' })));
  return states.flatMap((s) => s.peers);
}

/**
 * Polls the hosts until `missing(peers)` returns no complaint, or fails after `timeoutMs` with the
 * last complaints (which peers, what is missing). A bound, not a threshold: nothing is timed.
 */
export async function waitForPeers(
  hosts: readonly PeerHost[],
  what: string,
  missing: (peer: PeerState) => string | null,
  timeoutMs: number,
): Promise<PeerState[]> {
  const deadline = Date.now() + timeoutMs;
  let complaints: string[] = [];
  for (let pause = 50; ; pause = Math.min(pause * 2, 500)) {
    const peers = await allPeerStates(hosts);
    complaints = peers.flatMap((p) => {
      const why = missing(p);
      return why === null ? [] : [`${p.id}: ${why}`];
    });
    if (complaints.length === 0) return peers;
    if (Date.now() > deadline) break;
    await new Promise((done) => setTimeout(done, pause));
  }
  throw new Error(`waited ${timeoutMs} ms for ${what} on the Node peers; still missing:\n  ${complaints.slice(0, 20).join('\n  ')}`);
}

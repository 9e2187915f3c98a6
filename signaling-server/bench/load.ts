/**
 * Load on the signaling server, loopback only and bounded (not a test): N socket.io clients,
 * spread over a few client processes (clients.ts), join one room spread over the instances, then
 * send signals to random members at a paced rate. Reports join and relay latency (median, p99),
 * and per instance the CPU seconds, CPU share of the run and RSS (from each instance's own
 * /metrics), with two instances over a real redis-server and with one instance (no Redis).
 *
 *   npm run bench:signaling -- [--clients 2000] [--procs 4] [--signals 4000] [--rate 400] [--runs 3]
 *                              [--concurrency 50] [--timeout-ms 300000] [--out file.json]
 *
 * Each run does both set-ups, alternating; `summary` has the median over the runs of each figure.
 *
 * Clients and servers share this machine's cores: the figures compare the set-ups within one
 * run (and say the load average), they are not a capacity claim.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { redisServer } from '../../e2e/redis.ts';
import { startSignalingServer, type SignalingServer } from '../../e2e/server.ts';
import { reply, type Command, type Reply } from './protocol.ts';

const args = parseArgs({
  options: {
    clients: { type: 'string', default: '2000' },
    procs: { type: 'string', default: '4' },
    signals: { type: 'string', default: '4000' },
    rate: { type: 'string', default: '400' },
    concurrency: { type: 'string', default: '50' },
    runs: { type: 'string', default: '3' },
    'timeout-ms': { type: 'string', default: '300000' },
    out: { type: 'string' },
  },
}).values;
const positive = (name: string, raw: string, max: number): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    process.stderr.write(`bench:signaling: --${name} must be an integer from 1 to ${max}, got ${JSON.stringify(raw)}\n`);
    process.exit(2);
  }
  return n;
};
const CLIENTS = positive('clients', args.clients, 10_000);
const PROCS = Math.min(positive('procs', args.procs, 32), CLIENTS);
const SIGNALS = positive('signals', args.signals, 1_000_000);
const RATE = positive('rate', args.rate, 100_000);
const CONCURRENCY = positive('concurrency', args.concurrency, 1000);
const RUNS = positive('runs', args.runs, 20);
const TIMEOUT_MS = positive('timeout-ms', args['timeout-ms'], 3_600_000);
const CLIENT_ENTRY = fileURLToPath(new URL('./clients.ts', import.meta.url));

const round = (x: number): number => Math.round(x * 100) / 100;
function summary(values: number[]): { median: number; p99: number; n: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  return { median: round(q(0.5)), p99: round(q(0.99)), n: sorted.length };
}
const log = (line: string): void => void process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').trim().split(' ').slice(0, 3).join(' ');

/** One forked client process: one request at a time, progress reported on the side. */
class ClientProcess {
  private readonly child: ChildProcess;
  private pending: { resolve: (r: Reply) => void; reject: (e: Error) => void } | null = null;
  constructor(onProgress: (joined: number) => void) {
    this.child = fork(CLIENT_ENTRY, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (raw: unknown) => {
      const parsed = reply.safeParse(raw);
      if (!parsed.success) return this.fail(new Error(`bad reply from client process ${this.child.pid}: ${parsed.error.message}`));
      if (parsed.data.op === 'progress') return onProgress(parsed.data.joined);
      if (parsed.data.op === 'error') return this.fail(new Error(`client process ${this.child.pid}: ${parsed.data.error}`));
      const waiting = this.pending;
      this.pending = null;
      waiting?.resolve(parsed.data);
    });
    this.child.once('exit', (code) => this.fail(new Error(`client process ${this.child.pid} exited (${code})`)));
  }
  request<Op extends Reply['op']>(cmd: Command, expect: Op, timeoutMs: number): Promise<Extract<Reply, { op: Op }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`client process ${this.child.pid}: no ${expect} within ${timeoutMs} ms`)), timeoutMs);
      this.pending = {
        resolve: (r) => {
          clearTimeout(timer);
          if (r.op === expect) resolve(r as Extract<Reply, { op: Op }>);
          else reject(new Error(`client process ${this.child.pid}: ${r.op} instead of ${expect}`));
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.child.send(cmd);
    });
  }
  /** Ends the process by its own PID (SIGKILL if it does not leave in time). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  private fail(error: Error): void {
    const waiting = this.pending;
    this.pending = null;
    waiting?.reject(error);
  }
}

async function processFigures(server: SignalingServer): Promise<{ cpuSec: number; rssMiB: number }> {
  const text = await (await fetch(new URL('/metrics', server.url))).text();
  const read = (name: string): number => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)`, 'm').exec(text)?.[1] ?? 'NaN');
  return { cpuSec: read('process_cpu_seconds_total'), rssMiB: round(read('process_resident_memory_bytes') / 2 ** 20) };
}

type Figures = { median: number; p99: number; n: number };
interface ScenarioResult {
  scenario: string;
  run: number;
  joinMs: Figures;
  relayMs: Figures;
  perInstance: { cpuSec: number; cpuPercentOfRun: number; rssMiB: number }[];
  [more: string]: unknown;
}

async function scenario(name: string, run: number, servers: SignalingServer[]): Promise<ScenarioResult> {
  const deadline = Date.now() + TIMEOUT_MS;
  const left = (): number => Math.max(1, deadline - Date.now());
  const room = `bench-${name}-${run}-${process.pid}`;
  const joinedBy = new Array<number>(PROCS).fill(0);
  let lastShown = 0;
  const procs = Array.from(
    { length: PROCS },
    (_, p) =>
      new ClientProcess((joined) => {
        joinedBy[p] = joined;
        const total = joinedBy.reduce((a, b) => a + b, 0);
        if (total - lastShown >= 250) {
          lastShown = total;
          log(`[${name}] ${total}/${CLIENTS} joined (load ${loadavg()})`);
        }
      }),
  );
  try {
    const before = await Promise.all(servers.map(processFigures));
    const startedAt = performance.now();
    log(`[${name}] joining ${CLIENTS} clients from ${PROCS} processes over ${servers.length} instance(s)`);
    const urls = servers.map((s) => s.url);
    const share = (p: number, total: number): [number, number] => [Math.floor((p * total) / PROCS), Math.floor(((p + 1) * total) / PROCS)];
    const joined = await Promise.all(
      procs.map((proc, p) => {
        const [from, to] = share(p, CLIENTS);
        return proc.request({ op: 'join', urls, room, from, to, concurrency: CONCURRENCY }, 'joined', left());
      }),
    );
    const joinDoneAt = performance.now();
    log(`[${name}] all joined in ${round((joinDoneAt - startedAt) / 1000)} s; relaying ${SIGNALS} signals at ${RATE}/s`);
    const sent = await Promise.all(
      procs.map((proc, p) => {
        const [from, to] = share(p, SIGNALS);
        return proc.request({ op: 'signal', count: to - from, perSec: RATE / PROCS, clients: CLIENTS, seed: p + 1 }, 'sent', left());
      }),
    );
    const refused = sent.reduce((a, s) => a + s.refused, 0);
    const relayMs: number[] = [];
    let received = 0;
    for (;;) {
      const counts = await Promise.all(procs.map((proc) => proc.request({ op: 'received' }, 'received', left())));
      received = counts.reduce((a, c) => a + c.count, 0);
      for (const c of counts) relayMs.push(...c.relayMs);
      if (received >= SIGNALS - refused) break;
      if (Date.now() > deadline) throw new Error(`[${name}] ${received}/${SIGNALS - refused} signals arrived within ${TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const endedAt = performance.now();
    const after = await Promise.all(servers.map(processFigures));
    const wallSec = (endedAt - startedAt) / 1000;
    log(`[${name}] done in ${round(wallSec)} s (load ${loadavg()})`);
    return {
      scenario: name,
      run,
      instances: servers.length,
      clients: CLIENTS,
      clientProcesses: PROCS,
      signals: SIGNALS,
      signalRatePerSec: RATE,
      signalsRefused: refused,
      signalsReceived: received,
      joinMs: summary(joined.flatMap((j) => j.joinMs)),
      connectMs: summary(joined.flatMap((j) => j.connectMs)),
      relayMs: summary(relayMs),
      joinPhaseSec: round((joinDoneAt - startedAt) / 1000),
      wallSec: round(wallSec),
      perInstance: after.map((a, i) => {
        const cpuSec = round(a.cpuSec - (before[i]?.cpuSec ?? 0));
        return { cpuSec, cpuPercentOfRun: round((100 * cpuSec) / wallSec), rssMiB: a.rssMiB };
      }),
      loadavgAfter: loadavg(),
    };
  } finally {
    await Promise.all(procs.map(async (proc) => proc.request({ op: 'close' }, 'closed', 10_000).catch(() => undefined)));
    await Promise.all(procs.map((proc) => proc.stop()));
  }
}

// The bench is one address with thousands of sockets: lift the per-address limits for it.
// The clients join with plain ids (c0, c1, ...): unsigned joins, so the figures stay comparable with
// the earlier runs; a signed join adds one key import and Ed25519 verification on the server (median 127 µs, join-proof.ts).
const LIMITS = { MAX_SOCKETS_PER_ADDRESS: String(CLIENTS + 10), ADDRESS_EVENTS_PER_SEC: '1000000', LOG_LEVEL: 'warn', ALLOW_UNSIGNED: '1' };
const loadBefore = loadavg();
const redis = await redisServer();
const results: ScenarioResult[] = [];
const started: SignalingServer[] = [];
try {
  const two = [
    await startSignalingServer({ REDIS_URL: redis.url, INSTANCE_ID: 'bench-a', ...LIMITS }),
    await startSignalingServer({ REDIS_URL: redis.url, INSTANCE_ID: 'bench-b', ...LIMITS }),
  ];
  const one = await startSignalingServer({ INSTANCE_ID: 'bench-one', ...LIMITS });
  started.push(...two, one);
  for (let run = 1; run <= RUNS; run++) {
    // Alternate which goes first, so neither always gets the quieter machine.
    const order: [string, SignalingServer[]][] = [['two-instances-redis', two], ['one-instance', [one]]];
    if (run % 2 === 0) order.reverse();
    for (const [name, servers] of order) {
      log(`run ${run}/${RUNS}`);
      results.push(await scenario(name, run, servers));
    }
  }
} finally {
  for (const server of started) if (server.running) await server.shutdown();
  await redis.stop();
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return round(s.length % 2 === 1 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2);
};
const overRuns = ['two-instances-redis', 'one-instance'].map((name) => {
  const runs = results.filter((r) => r.scenario === name);
  const instances = runs[0]?.perInstance.length ?? 0;
  return {
    scenario: name,
    runs: runs.length,
    joinMedianMs: median(runs.map((r) => r.joinMs.median)),
    joinP99Ms: median(runs.map((r) => r.joinMs.p99)),
    relayMedianMs: median(runs.map((r) => r.relayMs.median)),
    relayP99Ms: median(runs.map((r) => r.relayMs.p99)),
    perInstance: Array.from({ length: instances }, (_, i) => ({
      cpuSecPerRun: median(runs.map((r) => r.perInstance[i]?.cpuSec ?? NaN)),
      cpuPercentOfRun: median(runs.map((r) => r.perInstance[i]?.cpuPercentOfRun ?? NaN)),
      rssMiBAfter: median(runs.map((r) => r.perInstance[i]?.rssMiB ?? NaN)),
    })),
  };
});
const report = { date: new Date().toISOString(), cpus: (await import('node:os')).cpus().length, loadavgBefore: loadBefore, loadavgAfter: loadavg(), summary: overRuns, results };
const text = `${JSON.stringify(report, null, 2)}\n`;
if (args.out !== undefined) writeFileSync(args.out, text);
process.stdout.write(text);

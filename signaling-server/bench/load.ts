/**
 * Load on the signaling server, loopback only and bounded (not a test): N socket.io clients join
 * one room spread over the instances, then send M signals to random members. Reports join and
 * relay latency (median, p99) and per-instance CPU seconds and RSS (from each instance's own
 * /metrics), with two instances over a real redis-server and with one instance (no Redis).
 *
 *   npm run bench:signaling -- [--clients 2000] [--signals 4000] [--concurrency 100] [--timeout-ms 180000]
 *
 * The clients run in this one process, on the same cores as the servers: figures are for
 * comparing the two set-ups in one run, not absolute capacity.
 */
import { parseArgs } from 'node:util';
import { io as connectClient, type Socket } from 'socket.io-client';
import { redisServer } from '../../e2e/redis.ts';
import { startSignalingServer, type SignalingServer } from '../../e2e/server.ts';

const args = parseArgs({
  options: {
    clients: { type: 'string', default: '2000' },
    signals: { type: 'string', default: '4000' },
    concurrency: { type: 'string', default: '100' },
    'timeout-ms': { type: 'string', default: '180000' },
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
const CLIENTS = positive('clients', args.clients, 5000);
const SIGNALS = positive('signals', args.signals, 100_000);
const CONCURRENCY = positive('concurrency', args.concurrency, 1000);
const TIMEOUT_MS = positive('timeout-ms', args['timeout-ms'], 600_000);

/** Each scenario gets the whole bound. */
let deadline = Date.now() + TIMEOUT_MS;
const checkDeadline = (): void => {
  if (Date.now() > deadline) throw new Error(`bench:signaling: over the ${TIMEOUT_MS} ms bound`);
};

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}
const summary = (values: number[]): { median: number; p99: number; n: number } => {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: round(quantile(sorted, 0.5)), p99: round(quantile(sorted, 0.99)), n: sorted.length };
};
const round = (x: number): number => Math.round(x * 100) / 100;

async function pool(count: number, limit: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) {
        checkDeadline();
        await work(next++);
      }
    }),
  );
}

async function processFigures(server: SignalingServer): Promise<{ cpuSec: number; rssMiB: number }> {
  const text = await (await fetch(new URL('/metrics', server.url))).text();
  const read = (name: string): number => Number(new RegExp(`^${name}\\{[^}]*\\} ([0-9.e+]+)`, 'm').exec(text)?.[1] ?? 'NaN');
  return { cpuSec: read('process_cpu_seconds_total'), rssMiB: round(read('process_resident_memory_bytes') / 2 ** 20) };
}

async function scenario(name: string, servers: SignalingServer[]): Promise<Record<string, unknown>> {
  deadline = Date.now() + TIMEOUT_MS;
  const room = `bench-${name}-${process.pid}`;
  const before = await Promise.all(servers.map(processFigures));
  const sockets: Socket[] = [];
  const joinMs: number[] = [];
  const relayMs: number[] = [];
  let received = 0;
  process.stderr.write(`[${name}] connecting and joining ${CLIENTS} clients over ${servers.length} instance(s)\n`);
  try {
    await pool(CLIENTS, CONCURRENCY, async (i) => {
      const server = servers[i % servers.length] as SignalingServer;
      const socket = connectClient(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
      sockets[i] = socket;
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (err) => reject(err));
      });
      socket.on('signal', (message: { data?: { sentAt?: unknown } }) => {
        const sentAt = message.data?.sentAt;
        if (typeof sentAt === 'number') relayMs.push(performance.now() - sentAt);
        received++;
      });
      const start = performance.now();
      const reply = (await socket.timeout(10_000).emitWithAck('join', { room, peerId: `c${i}` })) as { ok?: unknown };
      if (reply.ok !== true) throw new Error(`join c${i} refused: ${JSON.stringify(reply)}`);
      joinMs.push(performance.now() - start);
      if ((i + 1) % 500 === 0) process.stderr.write(`[${name}] ${i + 1}/${CLIENTS} joined\n`);
    });
    process.stderr.write(`[${name}] relaying ${SIGNALS} signals\n`);
    // A deterministic spread of sender/target pairs (no randomness needed for a load pattern).
    const sdp = 'x'.repeat(1000);
    await pool(SIGNALS, CONCURRENCY, async (k) => {
      const from = (k * 7919) % CLIENTS;
      let to = (k * 104_729 + 1) % CLIENTS;
      if (to === from) to = (to + 1) % CLIENTS;
      const socket = sockets[from] as Socket;
      const reply = (await socket.timeout(10_000).emitWithAck('signal', { to: `c${to}`, data: { type: 'offer', sdp, sentAt: performance.now() } })) as { ok?: unknown };
      if (reply.ok !== true) throw new Error(`signal c${from}->c${to} refused: ${JSON.stringify(reply)}`);
    });
    while (received < SIGNALS) {
      checkDeadline();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const after = await Promise.all(servers.map(processFigures));
    return {
      scenario: name,
      instances: servers.length,
      clients: CLIENTS,
      signals: SIGNALS,
      joinMs: summary(joinMs),
      relayMs: summary(relayMs),
      perInstance: after.map((a, i) => ({ cpuSec: round(a.cpuSec - (before[i]?.cpuSec ?? 0)), rssMiB: a.rssMiB })),
    };
  } finally {
    for (const socket of sockets) socket?.disconnect();
  }
}

// The bench is one address with thousands of sockets: lift the per-address limits for it.
const LIMITS = { MAX_SOCKETS_PER_ADDRESS: String(CLIENTS + 10), ADDRESS_EVENTS_PER_SEC: '1000000', LOG_LEVEL: 'warn' };
const redis = await redisServer();
const results: Record<string, unknown>[] = [];
const started: SignalingServer[] = [];
try {
  const two = [
    await startSignalingServer({ REDIS_URL: redis.url, INSTANCE_ID: 'bench-a', ...LIMITS }),
    await startSignalingServer({ REDIS_URL: redis.url, INSTANCE_ID: 'bench-b', ...LIMITS }),
  ];
  started.push(...two);
  results.push(await scenario('two-instances-redis', two));
  const one = await startSignalingServer({ INSTANCE_ID: 'bench-one', ...LIMITS });
  started.push(one);
  results.push(await scenario('one-instance', [one]));
} finally {
  for (const server of started) await server.shutdown();
  await redis.stop();
}
const loadavg = (await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').trim();
process.stdout.write(`${JSON.stringify({ loadavg, results }, null, 2)}\n`);

/**
 * One client process of the signaling load bench (load.ts forks a few): holds a slice of the
 * socket.io clients, joins them, sends its share of the signals at a paced rate, and measures
 * the relay latency of the signals its clients receive (sender's epoch ms inside the signal).
 */
import { io as connectClient, type Socket } from 'socket.io-client';
import { command, epochMs, type Command, type Reply } from './protocol.ts';

const sockets = new Map<number, Socket>();
let received = 0;
let relayMs: number[] = [];

function say(message: Reply): void {
  process.send?.(message);
}

async function pool(items: number[], limit: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as number);
    }),
  );
}

async function join(cmd: Extract<Command, { op: 'join' }>): Promise<Reply> {
  const joinMs: number[] = [];
  const connectMs: number[] = [];
  const ids = Array.from({ length: cmd.to - cmd.from }, (_, k) => cmd.from + k);
  let done = 0;
  await pool(ids, cmd.concurrency, async (i) => {
    const url = cmd.urls[i % cmd.urls.length] as string;
    const started = performance.now();
    const socket = connectClient(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    sockets.set(i, socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => reject(new Error(`c${i} to ${url}: ${err.message}`)));
    });
    connectMs.push(performance.now() - started);
    socket.on('signal', (message: { data?: { sentAt?: unknown } }) => {
      const sentAt = message.data?.sentAt;
      if (typeof sentAt === 'number') relayMs.push(epochMs() - sentAt);
      received++;
    });
    const start = performance.now();
    const ack: unknown = await socket.timeout(30_000).emitWithAck('join', { room: cmd.room, peerId: `c${i}` });
    if (typeof ack !== 'object' || ack === null || !('ok' in ack) || ack.ok !== true) throw new Error(`join c${i} refused: ${JSON.stringify(ack)}`);
    joinMs.push(performance.now() - start);
    if (++done % 100 === 0) say({ op: 'progress', joined: done });
  });
  return { op: 'joined', joinMs, connectMs };
}

/** A small seeded generator: the same targets every run. */
function lcg(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

async function signal(cmd: Extract<Command, { op: 'signal' }>): Promise<Reply> {
  const own = [...sockets.keys()];
  const random = lcg(cmd.seed);
  const sdp = 'x'.repeat(1000);
  const gapMs = 1000 / cmd.perSec;
  const start = performance.now();
  let refused = 0;
  const inFlight: Promise<void>[] = [];
  for (let k = 0; k < cmd.count; k++) {
    // Paced (open loop): the latency is the server's at this rate, not a queue we built ourselves.
    const due = start + k * gapMs;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const from = own[Math.floor(random() * own.length)] as number;
    let to = Math.floor(random() * cmd.clients);
    if (to === from) to = (to + 1) % cmd.clients;
    const socket = sockets.get(from) as Socket;
    inFlight.push(
      socket
        .timeout(30_000)
        .emitWithAck('signal', { to: `c${to}`, data: { type: 'offer', sdp, sentAt: epochMs() } })
        .then((ack: unknown) => {
          if (typeof ack !== 'object' || ack === null || !('ok' in ack) || ack.ok !== true) refused++;
        }),
    );
  }
  await Promise.all(inFlight);
  return { op: 'sent', sent: cmd.count, refused };
}

async function handle(cmd: Command): Promise<Reply> {
  switch (cmd.op) {
    case 'join':
      return join(cmd);
    case 'signal':
      return signal(cmd);
    case 'received': {
      const out = relayMs;
      relayMs = [];
      return { op: 'received', count: received, relayMs: out };
    }
    case 'close':
      for (const socket of sockets.values()) socket.disconnect();
      sockets.clear();
      return { op: 'closed' };
  }
}

process.on('message', (raw: unknown) => {
  const parsed = command.safeParse(raw);
  if (!parsed.success) {
    say({ op: 'error', error: `bad command: ${parsed.error.message}` });
    return;
  }
  handle(parsed.data).then(
    (r) => {
      say(r);
      if (r.op === 'closed') process.disconnect();
    },
    (error: unknown) => say({ op: 'error', error: error instanceof Error ? error.message : String(error) }),
  );
});

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server } from 'socket.io';
import { describeIssues, type ClientToServerEvents, type ServerToClientEvents } from '#signaling/protocol';
import { createAdmission, queuedBytes } from './admission.ts';
import { newNonce } from './join-proof.ts';
import { createHandlers, reject as refusal, route, type Member, type Outcome, type RejectReason, type Session } from './handlers.ts';
import { originAllowed } from './limits.ts';
import { countRejection, createMetrics } from './metrics.ts';
import { createRedisRegistry, redisConnection, type RedisRegistry } from './redis-registry.ts';
import { createMemoryRegistry } from './registry.ts';
import { parseServerOptions, type SignalingServerOptions } from './server-options.ts';
import { createStaticHandler } from './static-files.ts';
import { iceServersFor } from './turn.ts';

export { DEFAULT_SIGNALING_OPTIONS, type SignalingServerOptions } from './server-options.ts';

export interface SignalingStats {
  /** Counters since start. */
  connections: number;
  joins: number;
  signalsRelayed: number;
  badPayloads: number;
  disconnectsForAbuse: number;
  /** Refusals by reason (bad or not). */
  rejections: Partial<Record<RejectReason, number>>;
  /** Current gauges, for this instance's sockets. */
  openConnections: number;
  rooms: number;
  members: number;
}

export type SignalingIo = Server<ClientToServerEvents, ServerToClientEvents>;

export type RedisState = 'none' | 'up' | 'down';

export interface SignalingServer {
  /** `host` is the bound address; `url` is what to open in a browser. */
  address: { host: string; port: number; url: string };
  /** Stops accepting, tells clients to move to another instance, closes within `shutdownMs`. */
  close(): Promise<void>;
  io: SignalingIo;
  stats(): SignalingStats;
  redis(): RedisState;
}

function browserUrl(host: string, port: number): string {
  // A wildcard bind is reachable as localhost; IPv6 literals need brackets in URLs.
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}/`;
}

export async function createSignalingServer(
  options: Partial<SignalingServerOptions> = {},
): Promise<SignalingServer> {
  const parsed = parseServerOptions(options);
  if (!parsed.success) {
    throw new RangeError(`createSignalingServer: invalid options: ${describeIssues(parsed.error)}`);
  }
  const opts = parsed.data;
  const log = opts.logger;

  const counters = { connections: 0, joins: 0, signalsRelayed: 0, badPayloads: 0, disconnectsForAbuse: 0 };
  const rejections: Partial<Record<RejectReason, number>> = {};
  let redisRegistry: RedisRegistry | undefined;
  if (!opts.registry && opts.redisUrl !== undefined) {
    redisRegistry = createRedisRegistry({
      url: opts.redisUrl,
      instanceId: opts.instanceId,
      onStateChange: (up) => (up ? log.info({ event: 'redis-up' }, 'redis connected') : log.warn({ event: 'redis-down' }, 'redis unreachable: serving local members only')),
    });
  }
  const registry = opts.registry ?? redisRegistry ?? createMemoryRegistry();
  const redisState = (): RedisState => (redisRegistry ? (redisRegistry.up ? 'up' : 'down') : 'none');
  /** This instance's joined sockets (the registry may hold other instances' too). */
  const members = new Map<string, Member>();
  const localRooms = (): number => new Set([...members.values()].map((m) => m.room)).size;
  const handlers = createHandlers({
    registry,
    random: opts.random,
    introductions: opts.introductions,
    iceServers: (peerId) => iceServersFor(opts.iceServers, opts.turn, peerId, opts.now()),
    allowUnsigned: opts.allowUnsigned,
    evict: async (holder) => {
      log.info({ event: 'evict', socket: holder }, 'the id\'s key proved itself on another socket');
      const local = io.sockets.sockets.get(holder);
      if (local) {
        local.disconnect(true);
        return true;
      }
      // Another instance's socket (Redis adapter): it goes and releases the id; the owner's retry gets it.
      io.in(holder).disconnectSockets(true);
      return false;
    },
  });

  let draining = false;
  const metrics = createMetrics(opts.instanceId, {
    sockets: () => io.sockets.sockets.size,
    rooms: localRooms,
    members: () => members.size,
    redisUp: () => ({ none: -1, up: 1, down: 0 })[redisState()],
  });
  const reject = (reason: RejectReason): void => {
    rejections[reason] = (rejections[reason] ?? 0) + 1;
    countRejection(metrics, reason);
  };

  const serveStatic = createStaticHandler(opts.staticDir);
  const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };
  const admission = createAdmission(opts, () => draining, reject);
  // Against slow clients: bounded headers, and requests that must finish in time.
  const httpOptions = { maxHeaderSize: 16 * 1024, headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000 };
  const httpServer = createServer(httpOptions, (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      // Alive while not draining; Redis being down is reported, not fatal: local peers are served.
      sendJson(res, draining ? 503 : 200, { ok: !draining, instance: opts.instanceId, redis: redisState(), sockets: io.sockets.sockets.size, draining });
      return;
    }
    if (path === '/metrics') {
      metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'Content-Type': metrics.registry.contentType });
          res.end(text);
        },
        (err: unknown) => sendJson(res, 500, { error: String(err) }),
      );
      return;
    }
    serveStatic(req, res);
  });
  const io: SignalingIo = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: opts.maxHttpBufferSize,
    // Cross-origin pages: only the allowed ones (same-origin pages need no CORS).
    cors: { origin: (origin, callback) => callback(null, originAllowed(origin, undefined, opts.allowedOrigins)) },
    // Draining, Origin, sockets and polling sessions per address (admission.ts).
    allowRequest: (req, callback) => admission.allowRequest(req, callback),
  });
  io.engine.on('connection', (conn: Parameters<typeof admission.track>[0]) => admission.track(conn));
  const adapterClients = redisRegistry && opts.redisUrl !== undefined
    ? [redisConnection(opts.redisUrl, { offlineQueue: true }), redisConnection(opts.redisUrl, { offlineQueue: true })] as const
    : undefined;
  if (adapterClients) {
    for (const client of adapterClients) client.on('error', () => undefined);
    io.adapter(createAdapter(adapterClients[0], adapterClients[1], { key: 'gm-socket.io' }));
  }

  /** Relays `outcome`'s signal; returns the outcome to answer (a refusal if the target cannot take it). */
  const deliver = (outcome: Outcome, member: Member | undefined): Outcome => {
    const relay = outcome.relay;
    if (!relay || !member) return outcome;
    if (!admission.signalAllowed(member.room, member.peerId, relay.to, opts.now())) {
      return refusal('too many signals to this peer: slow down', 'rate-limited');
    }
    // A local target is reached directly; another instance's through the adapter.
    const local = io.sockets.sockets.get(relay.to);
    if (local) {
      // A reader that does not keep up is cut, not buffered for: the server's memory is bounded.
      if (queuedBytes(local.conn) > opts.maxQueuedBytes) {
        reject('slow-reader');
        log.warn({ event: 'cut', socket: local.id, reason: 'slow-reader' }, 'cut a slow reader');
        local.disconnect(true);
        return refusal('the target peer is not reading: try again later', 'unknown-peer', false);
      }
      local.emit('signal', relay.message);
    } else io.to(relay.to).emit('signal', relay.message);
    counters.signalsRelayed++;
    metrics.signalsRelayed.inc();
    return outcome;
  };

  let lastSocketGone: (() => void) | undefined;

  io.on('connection', (socket) => {
    counters.connections++;
    metrics.connections.inc();
    const address = socket.handshake.address;
    log.info({ event: 'connect', socket: socket.id, address, origin: socket.handshake.headers.origin ?? null, transport: socket.conn.transport.name }, 'connect');
    const session: Session = { socket: socket.id, nonce: newNonce(), member: undefined };
    // Before any request can arrive: a signed join signs this socket's nonce.
    socket.emit('challenge', { nonce: session.nonce });
    let badPayloads = 0;
    /** Requests of one socket run one at a time, in order, though the registry is async. */
    let queue: Promise<void> = Promise.resolve();
    const enqueue = (task: () => Promise<void>): void => {
      queue = queue.then(task).catch((err: unknown) => log.error({ event: 'queue-error', socket: socket.id, err }, 'request failed'));
    };

    const countBad = (): void => {
      counters.badPayloads++;
      badPayloads++;
      if (badPayloads > opts.maxBadPayloads && socket.connected) {
        counters.disconnectsForAbuse++;
        reject('abuse');
        log.warn({ event: 'cut', socket: socket.id, address, reason: 'abuse', badPayloads }, 'disconnected for bad payloads');
        socket.disconnect(true);
      }
    };

    const run = async (event: unknown, args: unknown[]): Promise<void> => {
      const routed = route(handlers, event, args);
      let outcome: Outcome;
      try {
        outcome = routed.ok ? await routed.handler(session, routed.payload) : routed.outcome;
      } catch (err: unknown) {
        // A bug or a store failure must cost this one request, not the process or other sockets.
        log.error({ event: 'handler-error', socket: socket.id, err }, 'handler error');
        outcome = { reply: { ok: false, error: 'internal error', code: 'internal' }, rejected: { reason: 'internal', bad: false } };
      }
      if (outcome.joined) {
        if (socket.connected) {
          session.member = outcome.joined;
          members.set(socket.id, outcome.joined);
          counters.joins++;
          metrics.joins.inc();
          log.info({ event: 'join', socket: socket.id, room: outcome.joined.room, peer: outcome.joined.peerId }, 'join');
        } else {
          // Gone while the claim was in flight: give the id back at once.
          await registry.release(outcome.joined.room, outcome.joined.peerId, socket.id);
        }
      }
      outcome = deliver(outcome, session.member);
      routed.ack?.(outcome.reply);
      if (outcome.rejected) {
        reject(outcome.rejected.reason);
        log.debug({ event: 'reject', socket: socket.id, reason: outcome.rejected.reason, error: outcome.reply.ok ? undefined : outcome.reply.error }, 'reject');
        if (outcome.rejected.bad) countBad();
      }
    };

    // One entry point for every event, so unknown names are caught like any other bad input.
    socket.onAny((event: unknown, ...args: unknown[]) => {
      if (!admission.requestAllowed(socket.id, address, opts.now())) {
        // Refused before queueing, so a flood costs no memory; it counts towards the cut-off.
        const last = args.at(-1);
        if (typeof last === 'function') (last as (reply: unknown) => void)({ ok: false, error: 'rate limited: slow down', code: 'rate-limited' });
        reject('rate-limited');
        countBad();
        return;
      }
      enqueue(() => run(event, args));
    });

    socket.on('disconnect', (reason) => {
      log.info({ event: 'disconnect', socket: socket.id, reason, peer: session.member?.peerId ?? null }, 'disconnect');
      const member = session.member;
      session.member = undefined;
      members.delete(socket.id);
      if (io.sockets.sockets.size === 0) lastSocketGone?.();
      // Only our own entry goes; a rejoin under the same id may already own it.
      if (member) enqueue(() => registry.release(member.room, member.peerId, socket.id));
    });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(opts.port, opts.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const bound = httpServer.address() as AddressInfo;
  log.info({ event: 'listen', url: browserUrl(opts.host, bound.port), redis: redisState() }, 'listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      draining = true;
      // Give the ids back first, so moving clients can claim them on another instance at once.
      if (!opts.registry) await registry.close();
      if (io.sockets.sockets.size > 0) {
        const allGone = new Promise<void>((resolve) => (lastSocketGone = resolve));
        io.local.emit('move', { reason: 'instance shutting down' });
        await Promise.race([allGone, new Promise((resolve) => setTimeout(resolve, opts.shutdownMs).unref())]);
      }
      const done = io.close();
      // Drop idle keep-alive HTTP connections too, or close() would wait for them to time out.
      httpServer.closeAllConnections();
      await done;
      for (const client of adapterClients ?? []) client.disconnect();
      log.info({ event: 'closed' }, 'closed');
    })();
    return closing;
  };

  return {
    address: { host: bound.address, port: bound.port, url: browserUrl(opts.host, bound.port) },
    close,
    io,
    redis: redisState,
    stats: () => ({
      ...counters,
      rejections: { ...rejections },
      openConnections: io.sockets.sockets.size,
      rooms: localRooms(),
      members: members.size,
    }),
  };
}

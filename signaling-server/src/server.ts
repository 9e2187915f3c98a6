import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { z } from 'zod';
import { describeIssues, type ClientToServerEvents, type ServerToClientEvents } from '#signaling/protocol';
import { createHandlers, route, type Member, type Outcome, type Session } from './handlers.ts';
import { createMemoryRegistry, type Random, type RoomRegistry } from './registry.ts';
import { createStaticHandler } from './static-files.ts';

export interface SignalingServerOptions {
  /** TCP port to listen on; 0 picks any free port. Default 0. */
  port: number;
  /** Interface to bind. Default '127.0.0.1' (local only). */
  host: string;
  /** How many random room members a joiner (or `introduce` caller) gets. Default 4. */
  introductions: number;
  /** Folder served over HTTP on the same port (e.g. the built client `dist/`). Default: none. */
  staticDir: string | undefined;
  /** Largest socket.io message in bytes; bigger ones close the connection. Default 32 KiB. */
  maxHttpBufferSize: number;
  /** CORS origin(s) allowed to connect. Default '*' (fine for local use). */
  corsOrigin: string | string[];
  /** Invalid payloads tolerated per socket; the next one disconnects it. Default 5. */
  maxBadPayloads: number;
  /** Where rooms live. Default: a fresh in-memory registry (one process). */
  registry: RoomRegistry | undefined;
  /** Random source for introductions. Default Math.random. */
  random: Random;
}

export const DEFAULT_SIGNALING_OPTIONS: Readonly<SignalingServerOptions> = {
  port: 0,
  host: '127.0.0.1',
  introductions: 4,
  staticDir: undefined,
  maxHttpBufferSize: 32 * 1024,
  corsOrigin: '*',
  maxBadPayloads: 5,
  registry: undefined,
  random: Math.random,
};

const optionsSchema = z.object({
  port: z.number().int().min(0).max(65535),
  host: z.string().min(1),
  introductions: z.number().int().min(1).max(1000),
  staticDir: z.string().min(1).optional(),
  maxHttpBufferSize: z.number().int().min(1024),
  corsOrigin: z.union([z.string(), z.array(z.string())]),
  maxBadPayloads: z.number().int().min(0),
  registry: z.custom<RoomRegistry>((v) => typeof v === 'object' && v !== null).optional(),
  random: z.custom<Random>((v) => typeof v === 'function'),
});

export interface SignalingStats {
  /** Counters since start. */
  connections: number;
  joins: number;
  signalsRelayed: number;
  badPayloads: number;
  disconnectsForAbuse: number;
  /** Current gauges, for this instance's sockets. */
  openConnections: number;
  rooms: number;
  members: number;
}

export type SignalingIo = Server<ClientToServerEvents, ServerToClientEvents>;

export interface SignalingServer {
  /** `host` is the bound address; `url` is what to open in a browser. */
  address: { host: string; port: number; url: string };
  close(): Promise<void>;
  io: SignalingIo;
  stats(): SignalingStats;
}

function browserUrl(host: string, port: number): string {
  // A wildcard bind is reachable as localhost; IPv6 literals need brackets in URLs.
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}/`;
}

export async function createSignalingServer(
  options: Partial<SignalingServerOptions> = {},
): Promise<SignalingServer> {
  // Drop explicit undefineds so they fall back to defaults instead of overriding them.
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const parsed = optionsSchema.safeParse({ ...DEFAULT_SIGNALING_OPTIONS, ...given });
  if (!parsed.success) {
    throw new RangeError(`createSignalingServer: invalid options: ${describeIssues(parsed.error)}`);
  }
  const opts = parsed.data;

  const counters = { connections: 0, joins: 0, signalsRelayed: 0, badPayloads: 0, disconnectsForAbuse: 0 };
  const registry = opts.registry ?? createMemoryRegistry();
  /** This instance's joined sockets (the registry may hold other instances' too). */
  const members = new Map<string, Member>();
  const handlers = createHandlers({
    registry,
    random: opts.random,
    introductions: opts.introductions,
    iceServers: () => [],
  });

  const httpServer = createServer(createStaticHandler(opts.staticDir));
  const io: SignalingIo = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: opts.maxHttpBufferSize,
    cors: { origin: opts.corsOrigin },
  });

  const deliver = (outcome: Outcome): void => {
    const relay = outcome.relay;
    if (!relay) return;
    // A local target is reached directly; another instance's through the adapter.
    const local = io.sockets.sockets.get(relay.to);
    if (local) local.emit('signal', relay.message);
    else io.to(relay.to).emit('signal', relay.message);
    counters.signalsRelayed++;
  };

  io.on('connection', (socket) => {
    counters.connections++;
    const session: Session = { socket: socket.id, member: undefined };
    let badPayloads = 0;
    /** Requests of one socket run one at a time, in order, though the registry is async. */
    let queue: Promise<void> = Promise.resolve();

    const countBad = (): void => {
      counters.badPayloads++;
      badPayloads++;
      if (badPayloads > opts.maxBadPayloads && socket.connected) {
        counters.disconnectsForAbuse++;
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
        console.error('signaling-server: handler error:', err);
        outcome = { reply: { ok: false, error: 'internal error' }, rejected: { reason: 'internal', bad: false } };
      }
      if (outcome.joined) {
        if (socket.connected) {
          session.member = outcome.joined;
          members.set(socket.id, outcome.joined);
          counters.joins++;
        } else {
          // Gone while the claim was in flight: give the id back at once.
          await registry.release(outcome.joined.room, outcome.joined.peerId, socket.id);
        }
      }
      deliver(outcome);
      routed.ack?.(outcome.reply);
      if (outcome.rejected?.bad === true) countBad();
    };

    // One entry point for every event, so unknown names are caught like any other bad input.
    socket.onAny((event: unknown, ...args: unknown[]) => {
      queue = queue.then(() => run(event, args));
    });

    socket.on('disconnect', () => {
      const member = session.member;
      if (!member) return;
      session.member = undefined;
      members.delete(socket.id);
      // Only our own entry goes; a rejoin under the same id may already own it.
      queue = queue.then(() => registry.release(member.room, member.peerId, socket.id));
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

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const done = io.close();
      // Drop idle keep-alive HTTP connections too, or close() would wait for them to time out.
      httpServer.closeAllConnections();
      await done;
      // A registry handed in belongs to the caller; ours goes with the server.
      if (!opts.registry) await registry.close();
    })();
    return closing;
  };

  return {
    address: { host: bound.address, port: bound.port, url: browserUrl(opts.host, bound.port) },
    close,
    io,
    stats: () => ({
      ...counters,
      openConnections: io.sockets.sockets.size,
      rooms: new Set([...members.values()].map((m) => m.room)).size,
      members: members.size,
    }),
  };
}

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { z } from 'zod';
import {
  describeIssues,
  introduceRequest,
  joinRequest,
  signalRequest,
  type ClientToServerEvents,
  type JoinAck,
  type ServerToClientEvents,
  type SignalAck,
} from './protocol.ts';
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
}

export const DEFAULT_SIGNALING_OPTIONS: Readonly<SignalingServerOptions> = {
  port: 0,
  host: '127.0.0.1',
  introductions: 4,
  staticDir: undefined,
  maxHttpBufferSize: 32 * 1024,
  corsOrigin: '*',
  maxBadPayloads: 5,
};

const optionsSchema = z.object({
  port: z.number().int().min(0).max(65535),
  host: z.string().min(1),
  introductions: z.number().int().min(1).max(1000),
  staticDir: z.string().min(1).optional(),
  maxHttpBufferSize: z.number().int().min(1024),
  corsOrigin: z.union([z.string(), z.array(z.string())]),
  maxBadPayloads: z.number().int().min(0),
});

export interface SignalingStats {
  /** Counters since start. */
  connections: number;
  joins: number;
  signalsRelayed: number;
  badPayloads: number;
  disconnectsForAbuse: number;
  /** Current gauges. */
  openConnections: number;
  rooms: number;
  members: number;
}

export type SignalingIo = Server<ClientToServerEvents, ServerToClientEvents>;
type SignalingSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

export interface SignalingServer {
  /** `host` is the bound address; `url` is what to open in a browser. */
  address: { host: string; port: number; url: string };
  close(): Promise<void>;
  io: SignalingIo;
  stats(): SignalingStats;
}

type AckFn = (reply: JoinAck | SignalAck) => void;
/** `bad: true` marks a client bug or abuse; races with other peers (taken id, gone peer) are not. */
type Outcome = { reply: JoinAck | SignalAck; bad: boolean };
type Member = { room: string; peerId: string };

const fail = (error: string, bad: boolean): Outcome => ({ reply: { ok: false, error }, bad });

/** Up to `count` distinct random picks (partial Fisher-Yates). */
function sample<T>(items: T[], count: number): T[] {
  const n = Math.min(count, items.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(Math.random() * (items.length - i));
    const a = items[i] as T;
    items[i] = items[j] as T;
    items[j] = a;
  }
  return items.slice(0, n);
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
  /** The only state: room -> peerId -> socket. Gossip state lives in the browsers. */
  const rooms = new Map<string, Map<string, SignalingSocket>>();

  const httpServer = createServer(createStaticHandler(opts.staticDir));
  const io: SignalingIo = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: opts.maxHttpBufferSize,
    cors: { origin: opts.corsOrigin },
  });

  const introductionsFor = (member: Member): string[] => {
    const others = [...(rooms.get(member.room)?.keys() ?? [])].filter((id) => id !== member.peerId);
    return sample(others, opts.introductions);
  };

  io.on('connection', (socket) => {
    counters.connections++;
    let member: Member | undefined;
    let badPayloads = 0;

    const handlers: Record<string, (payload: unknown) => Outcome> = {
      join(payload) {
        const req = joinRequest.safeParse(payload);
        if (!req.success) return fail(`invalid join: ${describeIssues(req.error)}`, true);
        if (member) return fail(`already joined room "${member.room}" as "${member.peerId}"`, true);
        const { room, peerId } = req.data;
        const peers = rooms.get(room) ?? new Map<string, SignalingSocket>();
        const holder = peers.get(peerId);
        if (holder?.connected) return fail(`peerId "${peerId}" is already in room "${room}"`, false);
        peers.set(peerId, socket);
        rooms.set(room, peers);
        member = { room, peerId };
        counters.joins++;
        return { reply: { ok: true, introductions: introductionsFor(member) }, bad: false };
      },
      introduce(payload) {
        const req = introduceRequest.safeParse(payload);
        if (!req.success) return fail(`invalid introduce: ${describeIssues(req.error)}`, true);
        if (!member) return fail('join a room before asking for introductions', true);
        return { reply: { ok: true, introductions: introductionsFor(member) }, bad: false };
      },
      signal(payload) {
        const req = signalRequest.safeParse(payload);
        if (!req.success) return fail(`invalid signal: ${describeIssues(req.error)}`, true);
        if (!member) return fail('join a room before sending signals', true);
        const { to, data } = req.data;
        if (to === member.peerId) return fail('cannot signal yourself', true);
        const target = rooms.get(member.room)?.get(to);
        // Not counted as bad: the peer may have left a moment ago.
        if (!target) return fail(`unknown peer "${to}" in room "${member.room}"`, false);
        target.emit('signal', { from: member.peerId, data });
        counters.signalsRelayed++;
        return { reply: { ok: true }, bad: false };
      },
    };

    const countBad = (): void => {
      counters.badPayloads++;
      badPayloads++;
      if (badPayloads > opts.maxBadPayloads && socket.connected) {
        counters.disconnectsForAbuse++;
        socket.disconnect(true);
      }
    };

    // One entry point for every event, so unknown names are caught like any other bad input.
    socket.onAny((event: unknown, ...args: unknown[]) => {
      const last = args.at(-1);
      const ack = typeof last === 'function' ? (last as AckFn) : undefined;
      const payloads = ack ? args.slice(0, -1) : args;
      let outcome: Outcome;
      try {
        const handler = typeof event === 'string' && Object.hasOwn(handlers, event) ? handlers[event] : undefined;
        if (!handler) outcome = fail(`unknown event "${String(event).slice(0, 64)}"`, true);
        else if (!ack) outcome = fail(`${String(event)} needs an ack callback`, true);
        else if (payloads.length !== 1) outcome = fail(`${String(event)} takes exactly one payload`, true);
        else outcome = handler(payloads[0]);
      } catch (err: unknown) {
        // A bug here must cost this one request, not the process or other sockets.
        console.error('signaling-server: handler error:', err);
        outcome = fail('internal error', false);
      }
      ack?.(outcome.reply);
      if (outcome.bad) countBad();
    });

    socket.on('disconnect', () => {
      if (!member) return;
      const peers = rooms.get(member.room);
      // Only remove our own entry; a rejoin under the same id may already own it.
      if (peers?.get(member.peerId) === socket) peers.delete(member.peerId);
      if (peers?.size === 0) rooms.delete(member.room);
      member = undefined;
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
      rooms: rooms.size,
      members: [...rooms.values()].reduce((sum, peers) => sum + peers.size, 0),
    }),
  };
}

import { hostname } from 'node:os';
import { z } from 'zod';
import { iceServerSchema, type IceServer } from '#signaling/protocol';
import { silentLogger, type Logger } from './log.ts';
import type { Random, RoomRegistry } from './registry.ts';
import type { TurnConfig } from './turn.ts';

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
  /**
   * Browser origins allowed to connect besides the server's own and localhost; '*' allows any.
   * Requests without an Origin (non-browser clients) are allowed. Default none.
   */
  allowedOrigins: string[];
  /** Live sockets from one address; more are refused ('too-many-sockets'). Default 256. */
  maxSocketsPerAddress: number;
  /** Live long-polling sessions from one address (each costs a pending request). Default 16. */
  maxPollingPerAddress: number;
  /** Requests per second from one socket (burst twice that); over it is 'rate-limited', a bad payload. Default 50. */
  socketEventsPerSec: number;
  /** Signals per second from one peer to one target (burst twice that). Default 25. */
  pairSignalsPerSec: number;
  /** Requests per second from one address, all its sockets together (burst twice that). Default 1000. */
  addressEventsPerSec: number;
  /** Bytes queued towards one socket before it counts as a slow reader and is cut. Default 1 MiB. */
  maxQueuedBytes: number;
  /** Invalid payloads tolerated per socket; the next one disconnects it. Default 5. */
  maxBadPayloads: number;
  /** Where rooms live. Default: in memory, or in Redis when `redisUrl` is set. */
  registry: RoomRegistry | undefined;
  /**
   * Accept joins without a proof (peers running with signing off, `?signed=false`): any id, first
   * come. A signed join still takes its id back from an unsigned holder. Default false: every join
   * signs this socket's challenge with the key its id is derived from.
   */
  allowUnsigned: boolean;
  /** Random source for introductions. Default Math.random. */
  random: Random;
  /** With it, rooms live in Redis and sockets reach other instances' (socket.io Redis adapter). Default: none. */
  redisUrl: string | undefined;
  /** Names this instance in Redis, logs and metrics. Default "<hostname>-<pid>-<random>". */
  instanceId: string;
  /** STUN/TURN servers handed to every peer at join. Default none. */
  iceServers: IceServer[];
  /** TURN servers whose credentials are minted per peer at join (TURN REST). Default none. */
  turn: TurnConfig | undefined;
  /** Structured logs. Default: silent. */
  logger: Logger;
  /** Bound on close(): clients are told to move, then cut after at most this. Default 5000 ms. */
  shutdownMs: number;
  /** Wall clock for credential expiry. Default Date.now. */
  now: () => number;
}

export const DEFAULT_SIGNALING_OPTIONS: Readonly<SignalingServerOptions> = {
  port: 0,
  host: '127.0.0.1',
  introductions: 4,
  staticDir: undefined,
  maxHttpBufferSize: 32 * 1024,
  allowedOrigins: [],
  maxSocketsPerAddress: 256,
  maxPollingPerAddress: 16,
  socketEventsPerSec: 50,
  pairSignalsPerSec: 25,
  addressEventsPerSec: 1000,
  maxQueuedBytes: 1024 * 1024,
  maxBadPayloads: 5,
  registry: undefined,
  allowUnsigned: false,
  random: Math.random,
  redisUrl: undefined,
  instanceId: `${hostname().replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60)}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
  iceServers: [],
  turn: undefined,
  logger: silentLogger,
  shutdownMs: 5000,
  now: Date.now,
};

const fn = <T>() => z.custom<T>((v) => typeof v === 'function', 'must be a function');
const obj = <T>() => z.custom<T>((v) => typeof v === 'object' && v !== null, 'must be an object');

const optionsSchema = z.object({
  port: z.number().int().min(0).max(65535),
  host: z.string().min(1),
  introductions: z.number().int().min(1).max(1000),
  staticDir: z.string().min(1).optional(),
  maxHttpBufferSize: z.number().int().min(1024),
  allowedOrigins: z.array(z.string().min(1)),
  maxSocketsPerAddress: z.number().int().min(1),
  maxPollingPerAddress: z.number().int().min(0),
  socketEventsPerSec: z.number().positive(),
  pairSignalsPerSec: z.number().positive(),
  addressEventsPerSec: z.number().positive(),
  maxQueuedBytes: z.number().int().min(1024),
  maxBadPayloads: z.number().int().min(0),
  registry: obj<RoomRegistry>().optional(),
  allowUnsigned: z.boolean(),
  random: fn<Random>(),
  redisUrl: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  instanceId: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must match [A-Za-z0-9_.-]{1,100}'),
  iceServers: z.array(iceServerSchema).max(16),
  turn: z
    .object({
      urls: z.array(z.string().regex(/^turns?:/, 'must be turn: or turns: URLs')).min(1),
      secret: z.string().min(1),
      ttlSec: z.number().int().min(1),
    })
    .optional(),
  logger: obj<Logger>(),
  shutdownMs: z.number().int().min(0),
  now: fn<() => number>(),
});

export type ParsedOptions = z.infer<typeof optionsSchema>;

export function parseServerOptions(options: Partial<SignalingServerOptions>): ReturnType<typeof optionsSchema.safeParse> {
  // Drop explicit undefineds so they fall back to defaults instead of overriding them.
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return optionsSchema.safeParse({ ...DEFAULT_SIGNALING_OPTIONS, ...given });
}

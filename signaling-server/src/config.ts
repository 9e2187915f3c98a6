import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { describeIssues, iceServerSchema, type IceServer } from '#signaling/protocol';
import { LOG_LEVELS, type LogLevel } from './log.ts';
import type { TurnConfig } from './turn.ts';

/** What `main.ts` needs, from environment variables and CLI flags (flags win). */
export interface MainConfig {
  port: number;
  host: string;
  staticDir: string;
  introductions: number;
  /** `--dev`: the client is served elsewhere (vite), so a missing build is expected. */
  dev: boolean;
  redisUrl: string | undefined;
  instanceId: string | undefined;
  iceServers: IceServer[];
  turn: TurnConfig | undefined;
  logLevel: LogLevel;
  shutdownMs: number;
  /** Undefined: the server's defaults. */
  maxSocketsPerAddress: number | undefined;
  addressEventsPerSec: number | undefined;
  /** ALLOW_UNSIGNED=1: joins without a key's proof are accepted too. */
  allowUnsigned: boolean;
}

/** `help`: print USAGE to stdout and exit 0. */
export type ConfigResult = { ok: true; config: MainConfig } | { ok: true; help: true } | { ok: false; error: string };

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_INTRODUCTIONS = 4;

export const USAGE = `usage: main.ts [--port <0-65535>] [--host <address>] [--dev] [--help]

Environment (flags win over PORT and HOST):
  PORT            port to listen on, 0 = any free port (default 8080)
  HOST            address to bind (default 127.0.0.1)
  STATIC_DIR      folder served over HTTP (default <repo>/dist)
  INTRODUCTIONS   random room members handed to a joiner (default 4)
  REDIS_URL       redis://host:port: share rooms with other instances (default: none, in memory)
  INSTANCE_ID     this instance's name in Redis, logs and metrics (default host-pid-random)
  ICE_SERVERS     JSON array of RTCIceServer handed to peers at join, e.g. [{"urls":"stun:stun.example:3478"}]
  TURN_URLS       comma-separated turn:/turns: URLs whose credentials are minted per peer
  TURN_SECRET     the TURN server's static-auth-secret (required with TURN_URLS)
  TURN_TTL_SEC    lifetime of minted TURN credentials (default 3600)
  LOG_LEVEL       ${LOG_LEVELS.join('|')} (default info); JSON lines on stderr
  SHUTDOWN_MS     on SIGTERM, clients are told to move and cut after this (default 5000)
  MAX_SOCKETS_PER_ADDRESS   live sockets from one address (default 256)
  ADDRESS_EVENTS_PER_SEC    requests per second from one address (default 1000)
  ALLOW_UNSIGNED  1: also accept joins without a signed challenge (peers with signing off); default 0

Endpoints: GET /healthz (liveness, Redis state), GET /metrics (Prometheus text).`;

/** `undefined` for unset or empty; empty env vars are treated as unset, like most tools do. */
function pick(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function parseIntIn(name: string, raw: string, min: number, max: number): number | string {
  const value = /^[0-9]{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) {
    return `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`;
  }
  return value;
}

function parseHost(name: string, raw: string): string | { error: string } {
  // Hostnames and IPv4/IPv6 literals; "[::1]" is accepted and unbracketed for listen().
  const host = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  if (host.length > 253 || !/^[A-Za-z0-9.:%_-]+$/.test(host)) {
    return { error: `${name} must be a hostname or IP address, got ${JSON.stringify(raw)}` };
  }
  return host;
}

/** Pure: no process access, so it can be tested directly. */
export function parseConfig(
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[],
  defaultStaticDir: string,
): ConfigResult {
  let flags: { port?: string | undefined; host?: string | undefined; dev?: boolean | undefined; help?: boolean | undefined };
  try {
    flags = parseArgs({
      args: [...argv],
      options: { port: { type: 'string' }, host: { type: 'string' }, dev: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err: unknown) {
    return { ok: false, error: `${err instanceof Error ? err.message : String(err)}\n${USAGE}` };
  }
  if (flags.help === true) return { ok: true, help: true };

  const portName = flags.port !== undefined ? '--port' : 'PORT';
  const portRaw = flags.port ?? pick(env['PORT']);
  const port = portRaw === undefined ? DEFAULT_PORT : parseIntIn(portName, portRaw, 0, 65535);
  if (typeof port === 'string') return { ok: false, error: port };

  const hostName = flags.host !== undefined ? '--host' : 'HOST';
  const hostRaw = flags.host ?? pick(env['HOST']);
  const host = hostRaw === undefined ? DEFAULT_HOST : parseHost(hostName, hostRaw);
  if (typeof host !== 'string') return { ok: false, error: host.error };

  const introRaw = pick(env['INTRODUCTIONS']);
  const introductions =
    introRaw === undefined ? DEFAULT_INTRODUCTIONS : parseIntIn('INTRODUCTIONS', introRaw, 1, 1000);
  if (typeof introductions === 'string') return { ok: false, error: introductions };

  const staticRaw = pick(env['STATIC_DIR']);
  const staticDir = staticRaw === undefined ? defaultStaticDir : resolve(staticRaw);

  const ops = parseOperations(env);
  if (typeof ops === 'string') return { ok: false, error: ops };

  return { ok: true, config: { port, host, staticDir, introductions, dev: flags.dev === true, ...ops } };
}

const iceServersJson = z.array(iceServerSchema).max(16);

/** REDIS_URL, INSTANCE_ID, ICE_SERVERS, TURN_*, LOG_LEVEL, SHUTDOWN_MS; a string is the error. */
function parseOperations(env: Readonly<Record<string, string | undefined>>): Omit<MainConfig, 'port' | 'host' | 'staticDir' | 'introductions' | 'dev'> | string {
  const redisUrl = pick(env['REDIS_URL']);
  if (redisUrl !== undefined && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) {
    return `REDIS_URL must be a redis:// or rediss:// URL, got ${JSON.stringify(redisUrl)}`;
  }
  const instanceId = pick(env['INSTANCE_ID']);
  if (instanceId !== undefined && !/^[A-Za-z0-9_.-]{1,100}$/.test(instanceId)) {
    return `INSTANCE_ID must match [A-Za-z0-9_.-]{1,100}, got ${JSON.stringify(instanceId)}`;
  }
  let iceServers: IceServer[] = [];
  const iceRaw = pick(env['ICE_SERVERS']);
  if (iceRaw !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(iceRaw);
    } catch {
      return `ICE_SERVERS must be a JSON array of {urls, username?, credential?}, got ${JSON.stringify(iceRaw.slice(0, 80))}`;
    }
    const parsed = iceServersJson.safeParse(json);
    if (!parsed.success) return `ICE_SERVERS: ${describeIssues(parsed.error)}`;
    iceServers = parsed.data;
  }
  let turn: TurnConfig | undefined;
  const turnUrls = pick(env['TURN_URLS']);
  const turnSecret = pick(env['TURN_SECRET']);
  if (turnUrls !== undefined) {
    const urls = turnUrls.split(',').map((u) => u.trim()).filter((u) => u !== '');
    const wrong = urls.find((u) => !/^turns?:[^\s]+$/.test(u));
    if (urls.length === 0 || wrong !== undefined) return `TURN_URLS must be comma-separated turn: or turns: URLs, got ${JSON.stringify(wrong ?? turnUrls)}`;
    if (turnSecret === undefined) return 'TURN_SECRET is required with TURN_URLS (the TURN server\'s static-auth-secret)';
    const ttlRaw = pick(env['TURN_TTL_SEC']);
    const ttlSec = ttlRaw === undefined ? 3600 : parseIntIn('TURN_TTL_SEC', ttlRaw, 1, 7 * 86400);
    if (typeof ttlSec === 'string') return ttlSec;
    turn = { urls, secret: turnSecret, ttlSec };
  } else if (turnSecret !== undefined) {
    return 'TURN_SECRET is set but TURN_URLS is not';
  }
  const levelRaw = pick(env['LOG_LEVEL']) ?? 'info';
  const logLevel = LOG_LEVELS.find((l) => l === levelRaw);
  if (logLevel === undefined) return `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(levelRaw)}`;
  const shutdownRaw = pick(env['SHUTDOWN_MS']);
  const shutdownMs = shutdownRaw === undefined ? 5000 : parseIntIn('SHUTDOWN_MS', shutdownRaw, 0, 600_000);
  if (typeof shutdownMs === 'string') return shutdownMs;
  const limit = (name: string): number | undefined | string => {
    const raw = pick(env[name]);
    return raw === undefined ? undefined : parseIntIn(name, raw, 1, 1_000_000);
  };
  const maxSocketsPerAddress = limit('MAX_SOCKETS_PER_ADDRESS');
  if (typeof maxSocketsPerAddress === 'string') return maxSocketsPerAddress;
  const addressEventsPerSec = limit('ADDRESS_EVENTS_PER_SEC');
  if (typeof addressEventsPerSec === 'string') return addressEventsPerSec;
  const unsignedRaw = pick(env['ALLOW_UNSIGNED']) ?? '0';
  if (unsignedRaw !== '0' && unsignedRaw !== '1') return `ALLOW_UNSIGNED must be 0 or 1, got ${JSON.stringify(unsignedRaw)}`;
  const allowUnsigned = unsignedRaw === '1';
  return { redisUrl, instanceId, iceServers, turn, logLevel, shutdownMs, maxSocketsPerAddress, addressEventsPerSec, allowUnsigned };
}

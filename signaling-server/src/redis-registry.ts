import { Redis } from 'ioredis';
import { createMemoryRegistry, sample, type RoomRegistry, type SocketRef } from './registry.ts';

/**
 * Rooms shared by several instances through Redis. Per room: a sorted set of members scored by
 * their expiry (Redis time, so instance clocks may disagree) and a hash peerId -> holder
 * ("<instance>|<socket>"). Each instance refreshes its own members and a liveness key every
 * `ttlMs / 3`, so a crashed instance's members stop being handed out within `ttlMs` and its ids
 * can be taken over as soon as its liveness key lapses (`instanceTtlMs`).
 *
 * Redis down: requests fail fast (no offline queue) and the registry answers from this
 * instance's own members, so local peers still meet and relay; the refresh loop writes them all
 * back when Redis returns.
 */

export interface RedisRegistryOptions {
  url: string;
  /** Distinguishes this instance's sockets in the holder hash. */
  instanceId: string;
  /** Key prefix, so several deployments can share one Redis. Default 'gm:'. */
  prefix?: string;
  /** How long a member stays listed without a refresh. Default 30 000 ms. */
  ttlMs?: number;
  /** How long an instance counts as alive without a refresh. Default 6 000 ms. */
  instanceTtlMs?: number;
  /** Up (true) or down (false), on every change. */
  onStateChange?: (up: boolean) => void;
}

export interface RedisRegistry extends RoomRegistry {
  readonly up: boolean;
  /** The connection, for health checks. */
  readonly client: Redis;
}

/** Redis' own clock in ms, so instances whose clocks disagree still agree on expiry. */
const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** Lists ARGV[1] in the room held by ARGV[2] until now + ARGV[3] ms. */
const WRITE_MEMBER = `
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[3]) * 2)
return 1`;

// claim: KEYS zset, hash, liveness-prefix; ARGV peerId, ref, ttlMs. Refuses a holder that is
// another socket, still listed, and whose instance is alive.
const CLAIM = NOW + `
local held = redis.call('HGET', KEYS[2], ARGV[1])
if held and held ~= ARGV[2] then
  local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
  local inst = string.match(held, '^([^|]*)|')
  if score and tonumber(score) > now and inst and redis.call('EXISTS', KEYS[3] .. inst) == 1 then return 0 end
end
` + WRITE_MEMBER;

// refresh: like claim, but never takes an id that another socket holds now.
const REFRESH = NOW + `
local held = redis.call('HGET', KEYS[2], ARGV[1])
if held and held ~= ARGV[2] then return 0 end
` + WRITE_MEMBER;

const RELEASE = `
if redis.call('HGET', KEYS[2], ARGV[1]) == ARGV[2] then
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[1], ARGV[1])
end
return 1`;

// sample: drops expired members, then ARGV[1] random ones (Redis picks; the caller shuffles).
const SAMPLE = NOW + `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZRANDMEMBER', KEYS[1], tonumber(ARGV[1]))`;

const HOLDER = NOW + `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) <= now then return false end
return redis.call('HGET', KEYS[2], ARGV[1])`;

/** Fails fast while disconnected, reconnects forever with a capped backoff. */
export function redisConnection(url: string, options: { offlineQueue: boolean }): Redis {
  return new Redis(url, {
    enableOfflineQueue: options.offlineQueue,
    // null: queued commands wait for the reconnection instead of rejecting (pub/sub clients).
    maxRetriesPerRequest: options.offlineQueue ? null : 1,
    retryStrategy: (times) => Math.min(100 * times, 1000),
    connectTimeout: 2000,
    lazyConnect: false,
  });
}

export function createRedisRegistry(options: RedisRegistryOptions): RedisRegistry {
  const prefix = options.prefix ?? 'gm:';
  const ttlMs = options.ttlMs ?? 30_000;
  const instanceTtlMs = options.instanceTtlMs ?? 6_000;
  const client = redisConnection(options.url, { offlineQueue: false });
  const liveKey = `${prefix}inst:`;
  const keys = (room: string): [string, string, string] => [`${prefix}room:${room}`, `${prefix}holder:${room}`, liveKey];
  const ref = (socket: SocketRef): string => `${options.instanceId}|${socket}`;

  /** This instance's members: the fallback while Redis is down, and what the refresh rewrites. */
  const local = createMemoryRegistry();
  let up = false;
  const setUp = (value: boolean): void => {
    if (up === value) return;
    up = value;
    options.onStateChange?.(value);
    if (value) void refresh();
  };
  client.on('ready', () => setUp(true));
  client.on('close', () => setUp(false));
  // Errors arrive with 'close' and reconnects; without a listener ioredis would print each one.
  client.on('error', () => undefined);

  const refresh = async (): Promise<void> => {
    if (!up) return;
    try {
      const pipeline = client.pipeline();
      pipeline.set(`${liveKey}${options.instanceId}`, '1', 'PX', instanceTtlMs);
      for (const [room, peerId, socket] of local.entries()) pipeline.eval(REFRESH, 3, ...keys(room), peerId, ref(socket), ttlMs);
      await pipeline.exec();
    } catch {
      // Redis went away mid-refresh: 'close' has marked it down, the next 'ready' retries.
    }
  };
  const timer = setInterval(() => void refresh(), Math.min(ttlMs / 3, instanceTtlMs / 3));
  timer.unref();

  return {
    get up() {
      return up;
    },
    client,
    async claim(room, peerId, socket) {
      const held = await local.holder(room, peerId);
      if (held !== undefined && held !== socket) return false;
      if (up) {
        try {
          if ((await client.eval(CLAIM, 3, ...keys(room), peerId, ref(socket), ttlMs)) !== 1) return false;
        } catch {
          // Down: this instance can only vouch for its own sockets, so it takes the join.
        }
      }
      return local.claim(room, peerId, socket);
    },
    async release(room, peerId, socket) {
      await local.release(room, peerId, socket);
      if (!up) return;
      try {
        await client.eval(RELEASE, 3, ...keys(room), peerId, ref(socket));
      } catch {
        // Left for the expiry to clean up.
      }
    },
    async sample(room, count, except, random) {
      if (up) {
        try {
          const found = await client.eval(SAMPLE, 3, ...keys(room), count + 1);
          if (Array.isArray(found)) {
            const ids = found.filter((id): id is string => typeof id === 'string' && id !== except);
            return sample(ids, count, random);
          }
        } catch {
          // Fall through to this instance's members.
        }
      }
      return local.sample(room, count, except, random);
    },
    async holder(room, peerId) {
      const mine = await local.holder(room, peerId);
      if (mine !== undefined) return mine;
      if (!up) return undefined;
      try {
        const held = await client.eval(HOLDER, 3, ...keys(room), peerId);
        if (typeof held !== 'string') return undefined;
        const bar = held.indexOf('|');
        return bar < 0 ? undefined : held.slice(bar + 1);
      } catch {
        return undefined;
      }
    },
    async close() {
      clearInterval(timer);
      if (up) {
        // Leaving cleanly: give every id back now, so its peers can rejoin elsewhere at once.
        try {
          const pipeline = client.pipeline();
          pipeline.del(`${liveKey}${options.instanceId}`);
          for (const [room, peerId, socket] of local.entries()) pipeline.eval(RELEASE, 3, ...keys(room), peerId, ref(socket));
          await pipeline.exec();
        } catch {
          // Expiry cleans up.
        }
      }
      await local.close();
      client.disconnect();
    },
  };
}

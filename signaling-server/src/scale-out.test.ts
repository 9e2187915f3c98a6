import { io as connectClient } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { asPeerId, type PeerId } from '../../client/src/core/ids.ts';
import { SignalingClient } from '../../client/src/transport/signaling.ts';
import { redisServer, type RedisProcess } from '../../e2e/redis.ts';
import { startSignalingServer } from '../../e2e/server.ts';
import type { SignalingServer } from './server.ts';
import { Identity } from '../../client/src/identity/identity.ts';
import { Harness, introduce, nextSignal, once, signal, signedJoin } from './test-helpers.ts';

/**
 * Several instances sharing rooms through a real redis-server (started here on a free port,
 * stopped after): introductions and relays across instances, a shutdown that moves clients,
 * Redis going down and coming back.
 */

const WAIT_MS = 15_000;

/** Waits for `condition`, checking every 50 ms, failing after `ms`. */
async function waitFor(what: string, condition: () => boolean | Promise<boolean>, ms = WAIT_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function health(server: SignalingServer): Promise<{ redis: string; ok: boolean }> {
  const response = await fetch(new URL('/healthz', server.address.url));
  return (await response.json()) as { redis: string; ok: boolean };
}

let redis: RedisProcess;
beforeAll(async () => {
  redis = await redisServer();
}, 20_000);
afterAll(() => redis.stop());

// Plain ids (unsigned joins, allowed here); signed joins are join-challenge.test.ts.
const h = new Harness({ allowUnsigned: true });
const clients: SignalingClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await h.cleanup();
});

let roomCount = 0;
/** A fresh room per test: Redis outlives each test's servers. */
const freshRoom = (): string => `room${++roomCount}-${process.pid}`;

const instance = (id: string, extra: { shutdownMs?: number } = {}): Promise<SignalingServer> =>
  h.server({ redisUrl: redis.url, instanceId: id, ...extra });

function client(urls: string[], onSignal: (from: PeerId) => void = () => undefined): SignalingClient {
  const c = new SignalingClient({
    urls,
    failoverAfter: 1,
    ackTimeoutMs: 2000,
    onSignal: (from) => onSignal(from),
    connect: (url) => connectClient(url ?? '', { transports: ['websocket'], forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 300 }),
  });
  clients.push(c);
  return c;
}

describe('several instances over Redis', () => {
  it('introduces members across instances and relays signals between them', async () => {
    const servers = [await instance('a'), await instance('b'), await instance('c')];
    await waitFor('redis up on all', () => servers.every((s) => s.redis() === 'up'));
    const room = freshRoom();
    const members = [];
    for (let i = 0; i < 6; i++) members.push(await h.member(servers[i % 3] as SignalingServer, room, `p${i}`));
    // The last joiner (on c) sees 4 of 5 others, so some are on a and b.
    const last = members[5];
    if (!last) throw new Error('no members');
    expect(last.introductions).toHaveLength(4);
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const reply = await introduce(last.socket);
      if (reply.ok) for (const id of reply.introductions) seen.add(id);
    }
    expect([...seen].sort()).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);

    // p0 on a -> p2 on c, p4 on b -> p0 on a.
    const first = members[0];
    const third = members[2];
    const fifth = members[4];
    if (!first || !third || !fifth) throw new Error('no members');
    const atThird = nextSignal(third.socket);
    expect(await signal(first.socket, 'p2', { type: 'offer', sdp: 'x' })).toEqual({ ok: true });
    expect(await atThird).toEqual({ from: 'p0', data: { type: 'offer', sdp: 'x' } });
    const atFirst = nextSignal(first.socket);
    expect(await signal(fifth.socket, 'p0', { type: 'answer' })).toEqual({ ok: true });
    expect(await atFirst).toEqual({ from: 'p4', data: { type: 'answer' } });
    // An id held on another instance is still one id.
    const dup = await h.client(servers[1] as SignalingServer);
    const refused = (await dup.timeout(3000).emitWithAck('join', { room, peerId: 'p0' })) as { ok: boolean; error?: string };
    expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/already in room/) });
  }, 30_000);

  it('moves the clients of an instance that shuts down to another, and new clients still join', async () => {
    const a = await instance('a2', { shutdownMs: 3000 });
    const b = await instance('b2');
    await waitFor('redis up', () => a.redis() === 'up' && b.redis() === 'up');
    const room = freshRoom();
    const received: string[] = [];
    const moving = client([a.address.url, b.address.url], (from) => received.push(from));
    expect(await moving.join(room, asPeerId('mover'))).toEqual([]);
    expect(moving.stats().url).toBe(a.address.url);

    await a.close();
    await waitFor('the client to rejoin on b', () => moving.joined && moving.stats().url === b.address.url);
    expect(moving.stats().failovers).toBe(1);
    // Its id was handed back at shutdown, so the rejoin was not refused as taken.
    const newcomer = client([b.address.url, a.address.url]);
    expect(await newcomer.join(room, asPeerId('newcomer'))).toEqual(['mover']);
    expect(await newcomer.signal(asPeerId('mover'), { type: 'offer', sdp: 'v=0' })).toBe(true);
    await waitFor('the relayed signal', () => received.includes('newcomer'));
  }, 30_000);

  it('keeps serving local members while Redis is down, says so, and recovers when it returns', async () => {
    const a = await instance('a3');
    const b = await instance('b3');
    await waitFor('redis up', () => a.redis() === 'up' && b.redis() === 'up');
    const room = freshRoom();
    const onA = await h.member(a, room, 'x1');
    await redis.stop();
    try {
      await waitFor('healthz to report redis down', async () => (await health(a)).redis === 'down' && (await health(b)).redis === 'down');
      expect((await health(a)).ok).toBe(true);
      // Same instance: still introduced and relayed.
      const alsoOnA = await h.member(a, room, 'x2');
      expect(alsoOnA.introductions).toEqual(['x1']);
      const arrived = nextSignal(onA.socket);
      expect(await signal(alsoOnA.socket, 'x1', { n: 1 })).toEqual({ ok: true });
      expect(await arrived).toEqual({ from: 'x2', data: { n: 1 } });
      // Another instance cannot see them now: an empty room, not an error.
      const onB = await h.member(b, room, 'y1');
      expect(onB.introductions).toEqual([]);
    } finally {
      await redis.start();
    }
    await waitFor('healthz to report redis up', async () => (await health(a)).redis === 'up' && (await health(b)).redis === 'up');
    // Back: every instance wrote its members back, so a newcomer on b meets a's members.
    const later = await h.member(b, room, 'y2');
    const seen = new Set(later.introductions);
    for (let i = 0; i < 5 && seen.size < 3; i++) {
      const reply = await introduce(later.socket);
      if (reply.ok) for (const id of reply.introductions) seen.add(id);
    }
    expect([...seen].sort()).toEqual(['x1', 'x2', 'y1']);
  }, 40_000);

  it('the key\'s owner takes its id back from its stale socket on another instance', async () => {
    const [a, b] = [await instance('a5'), await instance('b5')];
    await waitFor('redis up on both', () => a.redis() === 'up' && b.redis() === 'up');
    const room = freshRoom();
    const owner = Identity.fromSeed(new Uint8Array(32).fill(5));
    const stale = await h.signedMember(a, room, owner);
    const cut = once<[string]>(stale.socket, 'disconnect', WAIT_MS);
    const fresh = await h.client(b);
    // a's socket is asked to go (through the adapter); until a releases the id, b says it is taken.
    expect(await signedJoin(fresh, room, owner)).toMatchObject({ ok: false, code: 'id-taken' });
    expect((await cut)[0]).toBe('io server disconnect');
    let joined = false;
    await waitFor('the id on b', async () => (joined = (await signedJoin(fresh, room, owner)).ok));
    expect(joined).toBe(true);
    const senderKey = Identity.fromSeed(new Uint8Array(32).fill(6));
    const sender = await h.signedMember(a, room, senderKey);
    const arrived = nextSignal(fresh);
    expect(await signal(sender.socket, owner.id, { n: 5 })).toEqual({ ok: true });
    expect(await arrived).toEqual({ from: senderKey.id, data: { n: 5 } });
  }, 30_000);

  it('lets a client move and keep its id when its instance is killed without a goodbye (SIGKILL)', async () => {
    const room = freshRoom();
    const killed = await startSignalingServer({ REDIS_URL: redis.url, INSTANCE_ID: 'killed', LOG_LEVEL: 'warn', ALLOW_UNSIGNED: '1' });
    try {
      const b = await instance('b4');
      const moving = client([killed.url, b.address.url]);
      expect(await moving.join(room, asPeerId('phoenix'))).toEqual([]);
      await killed.stop();
      // The dead instance never gave the id back: it lapses with the instance's liveness key.
      await waitFor('the client to rejoin on b', () => moving.joined && moving.stats().url === b.address.url, 30_000);
      const newcomer = client([b.address.url]);
      expect(await newcomer.join(room, asPeerId('newcomer'))).toEqual(['phoenix']);
    } finally {
      await killed.shutdown();
    }
  }, 60_000);
});

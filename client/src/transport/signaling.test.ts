import { io as connectClient } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createSignalingServer, type SignalingServer } from '../../../signaling-server/src/server.ts';
import { freePort } from '../../../e2e/redis.ts';
import { asPeerId } from '../core/ids.ts';
import { Identity } from '../identity/identity.ts';
import { openSignalingSocket, SignalingClient } from './signaling.ts';

/**
 * SignalingClient against real servers on free ports: URL failover, `move`, ICE servers at join,
 * and the signed join (the server's challenge, signed with the peer's key).
 */

const keyOf = (n: number): Identity => Identity.fromSeed(new Uint8Array(32).fill(n));

const servers: SignalingServer[] = [];
const clients: SignalingClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(options: Parameters<typeof createSignalingServer>[0] = {}): Promise<SignalingServer> {
  const s = await createSignalingServer(options);
  servers.push(s);
  return s;
}

/** Signs its joins with `identity`; unsigned without one. */
function client(urls: string[], identity?: Identity): SignalingClient {
  const c = new SignalingClient({
    urls,
    ...(identity !== undefined ? { prove: (text: string) => identity.sign(text) } : {}),
    failoverAfter: 1,
    ackTimeoutMs: 2000,
    onSignal: () => undefined,
    connect: (url) => connectClient(url ?? '', { transports: ['websocket'], forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 100 }),
  });
  clients.push(c);
  return c;
}

async function waitFor(what: string, condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('SignalingClient', () => {
  it('skips a server that does not answer and joins on the next URL', async () => {
    const dead = `http://127.0.0.1:${await freePort()}/`;
    const live = await server();
    const key = keyOf(1);
    const c = client([dead, live.address.url], key);
    expect(await c.join('r', key.id)).toEqual([]);
    expect(c.stats()).toMatchObject({ url: live.address.url, failovers: 1, joins: 1 });
    // The dead server's error stays visible for diagnostics.
    expect(c.stats().lastError).toMatch(/connect error/);
  });

  it('hands out the ICE servers of the join, TURN credentials minted for this peer', async () => {
    const live = await server({
      iceServers: [{ urls: 'stun:127.0.0.1:3478' }],
      turn: { urls: ['turn:127.0.0.1:3478'], secret: 'k', ttlSec: 60 },
      now: () => 1_000_000,
    });
    const key = keyOf(2);
    const c = client([live.address.url], key);
    await c.join('r', key.id);
    expect(c.iceServers).toEqual([
      { urls: 'stun:127.0.0.1:3478' },
      { urls: ['turn:127.0.0.1:3478'], username: `1060:${key.id}`, credential: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/) },
    ]);
  });

  it('moves to the next server when told to, and rejoins there', async () => {
    const a = await server({ shutdownMs: 2000 });
    const b = await server();
    const key = keyOf(3);
    const c = client([a.address.url, b.address.url], key);
    await c.join('r', key.id);
    await a.close();
    // The rejoin signs b's own challenge: a's proof would not do there.
    await waitFor('rejoin on b', () => c.joined && c.stats().url === b.address.url);
    expect(c.stats()).toMatchObject({ failovers: 1, joins: 2, badPayloads: 0 });
    expect(b.stats().rejections).toEqual({});
  });

  it('is refused for good, with the code, when unsigned against a server of signed joins', async () => {
    const live = await server();
    const c = client([live.address.url]);
    void c.join('r', asPeerId('plain'));
    await waitFor('the refusal', () => c.refused !== null);
    expect(c.refused).toMatch(/^join refused \(unsigned\): this server takes signed joins only/);
    expect(c.joined).toBe(false);
    expect(live.stats().rejections).toEqual({ unsigned: 1 });
  });

  it('joins unsigned where the server allows it', async () => {
    const live = await server({ allowUnsigned: true });
    const c = client([live.address.url]);
    expect(await c.join('r', asPeerId('plain'))).toEqual([]);
    expect(c.refused).toBeNull();
  });

  it('joins on a socket that connected before the client existed (opened while the key was made)', async () => {
    const live = await server({ allowUnsigned: true });
    const early = connectClient(live.address.url, { transports: ['websocket'], forceNew: true });
    await waitFor('early socket connected', () => early.connected);
    const changes: boolean[] = [];
    const c = new SignalingClient({ url: live.address.url, onSignal: () => undefined, onConnectionChange: (up) => changes.push(up), connect: () => early });
    clients.push(c);
    expect(await c.join('r', asPeerId('early'))).toEqual([]);
    expect(c.stats()).toMatchObject({ connects: 1, joins: 1 });
    expect(changes).toEqual([true]);
  });

  it('signs the challenge an early socket got before the client existed', async () => {
    const live = await server();
    const early = openSignalingSocket(live.address.url);
    // The challenge comes right after 'connect', before any client listens.
    await new Promise((done) => early.once('challenge', done));
    const key = keyOf(7);
    const c = new SignalingClient({ url: live.address.url, onSignal: () => undefined, connect: () => early, prove: (text) => key.sign(text) });
    clients.push(c);
    expect(await c.join('r', key.id)).toEqual([]);
    expect(live.stats().rejections).toEqual({});
  });

  it('connects over WebSocket first by default', async () => {
    const live = await server();
    const socket = openSignalingSocket(live.address.url);
    try {
      await waitFor('connected', () => socket.connected);
      expect(socket.io.engine.transport.name).toBe('websocket');
    } finally {
      socket.close();
    }
  });
});

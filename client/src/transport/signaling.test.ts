import { io as connectClient } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createSignalingServer, type SignalingServer } from '../../../signaling-server/src/server.ts';
import { freePort } from '../../../e2e/redis.ts';
import { asPeerId } from '../core/ids.ts';
import { openSignalingSocket, SignalingClient } from './signaling.ts';

/** SignalingClient against real servers on free ports: URL failover, `move`, ICE servers at join. */

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

function client(urls: string[]): SignalingClient {
  const c = new SignalingClient({
    urls,
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
    const c = client([dead, live.address.url]);
    expect(await c.join('r', asPeerId('a'))).toEqual([]);
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
    const c = client([live.address.url]);
    await c.join('r', asPeerId('peer1'));
    expect(c.iceServers).toEqual([
      { urls: 'stun:127.0.0.1:3478' },
      { urls: ['turn:127.0.0.1:3478'], username: '1060:peer1', credential: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/) },
    ]);
  });

  it('moves to the next server when told to, and rejoins there', async () => {
    const a = await server({ shutdownMs: 2000 });
    const b = await server();
    const c = client([a.address.url, b.address.url]);
    await c.join('r', asPeerId('a'));
    await a.close();
    await waitFor('rejoin on b', () => c.joined && c.stats().url === b.address.url);
    expect(c.stats()).toMatchObject({ failovers: 1, joins: 2, badPayloads: 0 });
  });

  it('joins on a socket that connected before the client existed (opened while the key was made)', async () => {
    const live = await server();
    const early = connectClient(live.address.url, { transports: ['websocket'], forceNew: true });
    await waitFor('early socket connected', () => early.connected);
    const changes: boolean[] = [];
    const c = new SignalingClient({ url: live.address.url, onSignal: () => undefined, onConnectionChange: (up) => changes.push(up), connect: () => early });
    clients.push(c);
    expect(await c.join('r', asPeerId('early'))).toEqual([]);
    expect(c.stats()).toMatchObject({ connects: 1, joins: 1 });
    expect(changes).toEqual([true]);
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

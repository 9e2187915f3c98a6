import { io as connectClient, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, join, nextSignal, once, request, signal } from './test-helpers.ts';
import type { SignalingServer } from './server.ts';

/**
 * Attacks on the server, each with an honest pair relaying a signal during it. The honest round
 * trip is measured and printed (figures for the report, not thresholds); the assertions are on
 * behaviour: the attack is refused and counted, the honest relay still arrives.
 */

// Plain ids (unsigned joins, allowed here): these tests are the relay's; join-challenge.test.ts signs.
const h = new Harness({ allowUnsigned: true });
afterEach(() => h.cleanup(), 30_000);

async function honestPair(server: SignalingServer, room: string): Promise<() => Promise<number>> {
  const a = await h.member(server, room, 'honest-a');
  const b = await h.member(server, room, 'honest-b');
  return async () => {
    const start = performance.now();
    const arrived = nextSignal(b.socket);
    expect(await signal(a.socket, 'honest-b', { type: 'offer' })).toEqual({ ok: true });
    await arrived;
    return performance.now() - start;
  };
}

const report = (attack: string, ms: number): void => {
  process.stdout.write(`[attack] ${attack}: honest relay round trip ${ms.toFixed(1)} ms\n`);
};

describe('attacks', () => {
  it('malformed events: refused, counted, the socket cut after the limit', async () => {
    const server = await h.server({ maxBadPayloads: 5 });
    const roundTrip = await honestPair(server, 'r');
    const bad = await h.client(server);
    const cut = once(bad, 'disconnect');
    for (const payload of [null, 1, 'x', [], { room: 1 }, { __proto__: { room: 'r' } }]) bad.emit('join', payload, () => undefined);
    await cut;
    report('malformed events', await roundTrip());
    expect(server.stats().rejections['invalid-payload']).toBeGreaterThanOrEqual(5);
    expect(server.stats().rejections.abuse).toBe(1);
  });

  it('a flood from one socket is rate limited and cut; honest relays go on', async () => {
    const server = await h.server({ socketEventsPerSec: 20, maxBadPayloads: 10 });
    const roundTrip = await honestPair(server, 'r');
    const flooder = await h.member(server, 'r', 'flooder');
    const cut = once(flooder.socket, 'disconnect');
    for (let i = 0; i < 500; i++) flooder.socket.emit('signal', { to: 'honest-a', data: { n: i } }, () => undefined);
    await cut;
    report('flood 500 signals from one socket', await roundTrip());
    expect(server.stats().rejections['rate-limited']).toBeGreaterThan(0);
    expect(server.stats().signalsRelayed).toBeLessThan(100);
  });

  it('signals from one peer to one target are limited per pair', async () => {
    const server = await h.server({ pairSignalsPerSec: 5, socketEventsPerSec: 1000, maxBadPayloads: 1000 });
    const roundTrip = await honestPair(server, 'r');
    const spammer = await h.member(server, 'r', 'spammer');
    const replies = await Promise.all(Array.from({ length: 40 }, (_, n) => request(spammer.socket, 'signal', { to: 'honest-b', data: { n } })));
    const refused = replies.filter((r) => typeof r === 'object' && r !== null && 'ok' in r && r.ok === false).length;
    report('40 signals to one target at once', await roundTrip());
    // Burst is twice the rate: about 10 pass, the rest are refused.
    expect(refused).toBeGreaterThanOrEqual(25);
  });

  it('id hijack: a second socket cannot take a live id, and the owner keeps its signals', async () => {
    const server = await h.server();
    const roundTrip = await honestPair(server, 'r');
    const thief = await h.client(server);
    expect(await join(thief, 'r', 'honest-b')).toMatchObject({ ok: false, error: expect.stringMatching(/already in room/) });
    report('id hijack attempt', await roundTrip());
    expect(server.stats().rejections['id-taken']).toBe(1);
  });

  it('many sockets from one address are capped', async () => {
    const server = await h.server({ maxSocketsPerAddress: 10 });
    const roundTrip = await honestPair(server, 'r');
    const extra: Socket[] = [];
    let refusedAt = -1;
    for (let i = 0; i < 20 && refusedAt < 0; i++) {
      const socket = connectClient(server.address.url, { transports: ['websocket'], reconnection: false, forceNew: true });
      extra.push(socket);
      const outcome = await Promise.race([once(socket, 'connect').then(() => 'ok'), once(socket, 'connect_error').then(() => 'refused')]);
      if (outcome === 'refused') refusedAt = i;
    }
    report('20 sockets from one address', await roundTrip());
    for (const socket of extra) socket.disconnect();
    // The honest pair holds 2 of the 10.
    expect(refusedAt).toBe(8);
    expect(server.stats().rejections['too-many-sockets']).toBe(1);
  });

  it('a foreign Origin is refused; none, own and localhost are allowed', async () => {
    const server = await h.server();
    const url = server.address.url;
    const handshake = (origin: string | undefined) =>
      fetch(new URL('/socket.io/?EIO=4&transport=polling', url), origin === undefined ? {} : { headers: { Origin: origin } }).then((r) => r.status);
    expect(await handshake('https://evil.example')).toBe(403);
    expect(await handshake('null')).toBe(403);
    expect(await handshake(undefined)).toBe(200);
    expect(await handshake('http://localhost:5173')).toBe(200);
    expect(server.stats().rejections.origin).toBe(2);
  });

  it('a slow reader is cut instead of being buffered for', async () => {
    const server = await h.server({ maxQueuedBytes: 64 * 1024, socketEventsPerSec: 10_000, pairSignalsPerSec: 10_000, shutdownMs: 0 });
    const roundTrip = await honestPair(server, 'r');
    const sender = await h.member(server, 'r', 'sender');
    const slow = await h.member(server, 'r', 'slow');
    // Stop reading: pause the TCP socket under slow's WebSocket.
    const serverSide = server.io.sockets.sockets.get(slow.socket.id ?? '');
    if (!serverSide) throw new Error('no server socket');
    const gone = once(serverSide, 'disconnect', 40_000);
    const raw: unknown = Reflect.get(Reflect.get(Reflect.get(slow.socket.io.engine, 'transport') as object, 'ws') as object, '_socket');
    if (typeof raw === 'object' && raw !== null && 'pause' in raw && typeof raw.pause === 'function') raw.pause();
    const sdp = 'x'.repeat(15_000);
    // Enough to fill the kernel's socket buffers too (a few MB on loopback), in batches.
    for (let i = 0; i < 40 && serverSide.connected; i++) {
      await Promise.all(Array.from({ length: 50 }, () => request(sender.socket, 'signal', { to: 'slow', data: { sdp } })));
    }
    await gone;
    report('slow reader', await roundTrip());
    // The paused client never reads its close frame either: drop its TCP socket for teardown.
    if (typeof raw === 'object' && raw !== null && 'destroy' in raw && typeof raw.destroy === 'function') raw.destroy();
    expect(server.stats().rejections['slow-reader']).toBe(1);
  }, 60_000);

  it('path traversal in static files gets 404 or 400, never a file outside the folder', async () => {
    const server = await h.server({ staticDir: new URL('.', import.meta.url).pathname });
    const roundTrip = await honestPair(server, 'r');
    for (const path of ['/../package.json', '/%2e%2e/%2e%2e/package.json', '/..%2f..%2fpackage.json', '/%00']) {
      const response = await fetch(new URL(path, server.address.url).href.replace(/\/\.\.\//g, '/%2e%2e/'));
      expect([400, 403, 404], path).toContain(response.status);
    }
    report('path traversal', await roundTrip());
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { MAX_SIGNAL_BYTES } from '#signaling/protocol';
import { createSignalingServer } from './server.ts';
import { Harness, introduce, join, nextSignal, once, recordSignals, request, signal } from './test-helpers.ts';

// Plain ids (unsigned joins, allowed here): these tests are the relay's; join-challenge.test.ts signs.
const h = new Harness({ allowUnsigned: true });
afterEach(() => h.cleanup());

describe('options', () => {
  it('rejects invalid options instead of starting a broken server', async () => {
    await expect(createSignalingServer({ port: -1 })).rejects.toThrow(/port/);
    await expect(createSignalingServer({ introductions: 0 })).rejects.toThrow(/introductions/);
  });

  it('listens on a free port on 127.0.0.1 by default', async () => {
    const server = await h.server();
    expect(server.address.host).toBe('127.0.0.1');
    expect(server.address.port).toBeGreaterThan(0);
    expect(server.address.url).toBe(`http://127.0.0.1:${server.address.port}/`);
  });
});

describe('join and introductions', () => {
  it('introduces at most `introductions` other members, never the joiner itself', async () => {
    const server = await h.server({ introductions: 3 });
    const first = await h.member(server, 'r', 'p0');
    expect(first.introductions).toEqual([]);
    for (let i = 1; i < 8; i++) {
      const { introductions } = await h.member(server, 'r', `p${i}`);
      expect(introductions.length).toBe(Math.min(i, 3));
      expect(new Set(introductions).size).toBe(introductions.length);
      expect(introductions).not.toContain(`p${i}`);
      for (const id of introductions) expect(Number(id.slice(1))).toBeLessThan(i);
    }
    expect(server.stats()).toMatchObject({ joins: 8, rooms: 1, members: 8 });
  });

  it('gives the whole rest of the room when it is smaller than `introductions`', async () => {
    const server = await h.server({ introductions: 4 });
    await h.member(server, 'small', 'a');
    await h.member(server, 'small', 'b');
    const { introductions } = await h.member(server, 'small', 'c');
    expect([...introductions].sort()).toEqual(['a', 'b']);
  });

  it('picks a random subset each time', async () => {
    const server = await h.server({ introductions: 4 });
    const members = [];
    for (let i = 0; i < 10; i++) members.push(await h.member(server, 'big', `m${i}`));
    const asker = members[0]?.socket;
    if (!asker) throw new Error('no members');
    const seen = new Set<string>();
    // 20 draws of 4 out of 9: the chance that all are equal is (1/126)^19, i.e. never.
    for (let i = 0; i < 20; i++) {
      const reply = await introduce(asker);
      if (!reply.ok) throw new Error(reply.error);
      expect(reply.introductions).toHaveLength(4);
      expect(reply.introductions).not.toContain('m0');
      seen.add([...reply.introductions].sort().join(','));
    }
    expect(seen.size).toBeGreaterThan(1);
  });

  it('keeps rooms apart', async () => {
    const server = await h.server();
    await h.member(server, 'one', 'a');
    const { introductions } = await h.member(server, 'two', 'b');
    expect(introductions).toEqual([]);
  });

  it('removes members on disconnect, and their id can be used again', async () => {
    const server = await h.server();
    await h.member(server, 'r', 'stay');
    const leaving = await h.member(server, 'r', 'leave');
    const serverSide = server.io.sockets.sockets.get(leaving.socket.id ?? '');
    if (!serverSide) throw new Error('server socket not found');
    const gone = once(serverSide, 'disconnect');
    leaving.socket.disconnect();
    await gone;
    expect(server.stats().members).toBe(1);
    const later = await h.member(server, 'r', 'later');
    expect(later.introductions).toEqual(['stay']);
    const again = await h.member(server, 'r', 'leave');
    expect([...again.introductions].sort()).toEqual(['later', 'stay']);
  });
});

describe('signal relay', () => {
  it('relays only to the addressed peer in the same room', async () => {
    const server = await h.server();
    const a = await h.member(server, 'r1', 'a');
    const b = await h.member(server, 'r1', 'b');
    const c = await h.member(server, 'r1', 'c');
    // Same id as b, other room: must never see r1's signals.
    const otherB = await h.member(server, 'r2', 'b');
    const otherX = await h.member(server, 'r2', 'x');
    const seenByC = recordSignals(c.socket);
    const seenByOtherB = recordSignals(otherB.socket);

    const arrived = nextSignal(b.socket);
    expect(await signal(a.socket, 'b', { type: 'offer', sdp: 'v=0' })).toEqual({ ok: true });
    expect(await arrived).toEqual({ from: 'a', data: { type: 'offer', sdp: 'v=0' } });

    // Markers sent after the relay: a socket receives in order, so a stray copy would precede them.
    const markerC = nextSignal(c.socket);
    await signal(a.socket, 'c', { marker: 1 });
    await markerC;
    const markerOtherB = nextSignal(otherB.socket);
    await signal(otherX.socket, 'b', { marker: 2 });
    await markerOtherB;
    expect(seenByC).toEqual([{ from: 'a', data: { marker: 1 } }]);
    expect(seenByOtherB).toEqual([{ from: 'x', data: { marker: 2 } }]);
    expect(server.stats().signalsRelayed).toBe(3);
  });

  it('answers "unknown peer" for a peer that is not in the sender\'s room', async () => {
    const server = await h.server();
    const a = await h.member(server, 'r1', 'a');
    await h.member(server, 'r2', 'elsewhere');
    const reply = await signal(a.socket, 'elsewhere', { type: 'offer' });
    expect(reply).toEqual({ ok: false, error: expect.stringMatching(/unknown peer/), code: 'unknown-peer' });
    expect(await signal(a.socket, 'nobody', {})).toMatchObject({ ok: false });
    expect(server.stats().badPayloads).toBe(0);
  });
});

describe('bad payloads', () => {
  it('answers each kind with an error, and the server keeps serving others', async () => {
    const server = await h.server({ maxBadPayloads: 100 });
    const bad = await h.client(server);
    const rejected = async (event: string, ...args: unknown[]): Promise<string> => {
      const reply = (await request(bad, event, ...args)) as { ok?: unknown; error?: unknown };
      expect(reply.ok).toBe(false);
      expect(typeof reply.error).toBe('string');
      return String(reply.error);
    };
    expect(await rejected('join', 'not an object')).toMatch(/payload must be an object/);
    expect(await rejected('join', null)).toMatch(/payload must be an object/);
    expect(await rejected('join', [1, 2])).toMatch(/payload must be an object/);
    expect(await rejected('join', { room: 'r' })).toMatch(/peerId is required/);
    expect(await rejected('join', { room: 'r', peerId: 7 })).toMatch(/peerId must be a string/);
    expect(await rejected('join', { room: 'r', peerId: 'no spaces' })).toMatch(/peerId must match/);
    expect(await rejected('join', { room: '../r', peerId: 'p' })).toMatch(/room must match/);
    expect(await rejected('join', { room: 'r', peerId: 'x'.repeat(65) })).toMatch(/peerId must match/);
    expect(await rejected('join', { room: 'r', peerId: 'p', extra: 1 })).toMatch(/Unrecognized key/);
    expect(await rejected('bogus', {})).toMatch(/unknown event "bogus"/);
    expect(await rejected('signal', { to: 'b', data: {} })).toMatch(/join a room/);
    expect(await rejected('introduce', {})).toMatch(/join a room/);
    expect(await rejected('join', { room: 'r', peerId: 'p' }, 'second arg')).toMatch(/exactly one payload/);

    const taken = await h.member(server, 'r', 'taken');
    expect(await rejected('join', { room: 'r', peerId: 'taken' })).toMatch(/already in room/);
    expect(await join(bad, 'r', 'mine')).toMatchObject({ ok: true, introductions: ['taken'] });
    expect(await rejected('join', { room: 'r', peerId: 'other' })).toMatch(/already joined/);
    const oversized = { sdp: 'x'.repeat(MAX_SIGNAL_BYTES) };
    expect(await rejected('signal', { to: 'taken', data: oversized })).toMatch(/at most 16384 bytes/);
    expect(await rejected('signal', { to: 'taken', data: 'string' })).toMatch(/data must be a JSON object/);
    expect(await rejected('signal', { to: 'taken' })).toMatch(/data is required/);
    expect(await rejected('signal', { to: 'mine', data: {} })).toMatch(/yourself/);
    expect(await rejected('introduce', { please: true })).toMatch(/Unrecognized key/);

    // Still connected, still useful, and nobody else was affected.
    expect(bad.connected).toBe(true);
    const arrived = nextSignal(taken.socket);
    expect(await signal(bad, 'taken', { ok: 1 })).toEqual({ ok: true });
    expect(await arrived).toEqual({ from: 'mine', data: { ok: 1 } });
    const other = await h.member(server, 'r', 'fresh');
    expect([...other.introductions].sort()).toEqual(['mine', 'taken']);
    // The taken-id rejection is a race, not abuse, so it is the one error not counted.
    expect(server.stats()).toMatchObject({ badPayloads: 19, disconnectsForAbuse: 0 });
  });

  it('counts events without an ack callback, and ignores them otherwise', async () => {
    const server = await h.server();
    const a = await h.client(server);
    a.emit('join', { room: 'r', peerId: 'a' });
    a.emit('nonsense');
    // Acked requests are processed in order, so by this reply both earlier ones were handled.
    expect(await join(a, 'r', 'a')).toEqual({ ok: true, introductions: [] });
    expect(server.stats()).toMatchObject({ badPayloads: 2, joins: 1 });
  });

  it('disconnects a socket after more than maxBadPayloads bad payloads', async () => {
    const server = await h.server({ maxBadPayloads: 3 });
    const bystander = await h.member(server, 'r', 'bystander');
    const abuser = await h.client(server);
    for (let i = 0; i < 3; i++) await request(abuser, 'join', 'junk');
    // Exactly at the limit: still connected and served.
    expect(await join(abuser, 'r', 'abuser')).toMatchObject({ ok: true });
    const disconnected = once<[string]>(abuser, 'disconnect');
    abuser.emit('junk', 'one too many');
    const [reason] = await disconnected;
    expect(reason).toBe('io server disconnect');
    expect(server.stats()).toMatchObject({ badPayloads: 4, disconnectsForAbuse: 1 });
    // Its membership is gone; the bystander is unaffected.
    const reply = await introduce(bystander.socket);
    expect(reply).toEqual({ ok: true, introductions: [] });
  });

  it('drops a connection whose message exceeds maxHttpBufferSize, without harming others', async () => {
    const server = await h.server({ maxHttpBufferSize: 4096 });
    const a = await h.member(server, 'r', 'a');
    const big = await h.member(server, 'r', 'big');
    const disconnected = once(big.socket, 'disconnect');
    big.socket.emit('signal', { to: 'a', data: { sdp: 'x'.repeat(8000) } }, () => undefined);
    await disconnected;
    expect(await introduce(a.socket)).toMatchObject({ ok: true });
  });
});

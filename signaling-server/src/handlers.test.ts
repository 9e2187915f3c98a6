import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../client/src/core/env.ts';
import { createHandlers, route, type HandlerDeps, type Session } from './handlers.ts';
import { createMemoryRegistry, sample, type Random, type RoomRegistry } from './registry.ts';

const seeded = seededRandom;

/** A registry that records every call, over the memory one. */
function recording(): { registry: RoomRegistry; calls: string[] } {
  const inner = createMemoryRegistry();
  const calls: string[] = [];
  return {
    calls,
    registry: {
      claim: (room, peerId, socket) => (calls.push(`claim ${room}/${peerId}@${socket}`), inner.claim(room, peerId, socket)),
      release: (room, peerId, socket) => (calls.push(`release ${room}/${peerId}@${socket}`), inner.release(room, peerId, socket)),
      sample: (room, count, except, random) => (calls.push(`sample ${room} ${count} -${except}`), inner.sample(room, count, except, random)),
      holder: (room, peerId) => (calls.push(`holder ${room}/${peerId}`), inner.holder(room, peerId)),
      close: () => inner.close(),
    },
  };
}

function deps(registry: RoomRegistry, random: Random = seeded(1)): HandlerDeps {
  // Plain ids, unsigned: these are the relay's rules; signed joins are join-challenge.test.ts's.
  return {
    registry,
    random,
    introductions: 3,
    iceServers: (peerId) => [{ urls: 'turn:127.0.0.1:3478', username: `u-${peerId}` }],
    allowUnsigned: true,
    evict: async () => true,
  };
}

const session = (socket: string): Session => ({ socket, nonce: `nonce-of-${socket}`, member: undefined });

async function joined(handlers: ReturnType<typeof createHandlers>, socket: string, room: string, peerId: string): Promise<Session> {
  const s = session(socket);
  const outcome = await handlers.join(s, { room, peerId });
  if (!outcome.joined) throw new Error(`join failed: ${JSON.stringify(outcome.reply)}`);
  s.member = outcome.joined;
  return s;
}

describe('join', () => {
  it('claims the id, introduces others and hands out the ICE servers for that peer', async () => {
    const { registry, calls } = recording();
    const handlers = createHandlers(deps(registry));
    await joined(handlers, 's1', 'r', 'a');
    const outcome = await handlers.join(session('s2'), { room: 'r', peerId: 'b' });
    expect(outcome).toEqual({
      reply: { ok: true, introductions: ['a'], iceServers: [{ urls: 'turn:127.0.0.1:3478', username: 'u-b' }] },
      joined: { room: 'r', peerId: 'b' },
    });
    expect(calls).toEqual(['claim r/a@s1', 'sample r 3 -a', 'claim r/b@s2', 'sample r 3 -b']);
  });

  it('refuses a taken id as a race (not bad), and a second join as bad', async () => {
    const handlers = createHandlers(deps(createMemoryRegistry()));
    const first = await joined(handlers, 's1', 'r', 'a');
    expect(await handlers.join(session('s2'), { room: 'r', peerId: 'a' })).toMatchObject({
      reply: { ok: false, error: 'peerId "a" is already in room "r"' },
      rejected: { reason: 'id-taken', bad: false },
    });
    expect(await handlers.join(first, { room: 'r', peerId: 'z' })).toMatchObject({
      rejected: { reason: 'already-joined', bad: true },
    });
  });

  it('rejects malformed payloads before touching the registry', async () => {
    const { registry, calls } = recording();
    const handlers = createHandlers(deps(registry));
    for (const payload of [null, 'x', [], { room: 'r' }, { room: '../x', peerId: 'p' }, { room: 'r', peerId: 'p', more: 1 }]) {
      expect((await handlers.join(session('s'), payload)).rejected).toEqual({ reason: 'invalid-payload', bad: true });
    }
    expect(calls).toEqual([]);
  });

  it('draws introductions from the injected random source: same seed, same picks', async () => {
    const draw = async (seed: number): Promise<string[][]> => {
      const handlers = createHandlers(deps(createMemoryRegistry(), seeded(seed)));
      const picks: string[][] = [];
      for (let i = 0; i < 12; i++) {
        const outcome = await handlers.join(session(`s${i}`), { room: 'r', peerId: `p${i}` });
        picks.push(outcome.reply.ok && 'introductions' in outcome.reply ? outcome.reply.introductions : []);
      }
      return picks;
    };
    const a = await draw(7);
    expect(await draw(7)).toEqual(a);
    expect(await draw(8)).not.toEqual(a);
    for (const [i, picks] of a.entries()) expect(picks).toHaveLength(Math.min(i, 3));
  });
});

describe('introduce and signal', () => {
  it('needs a membership', async () => {
    const handlers = createHandlers(deps(createMemoryRegistry()));
    expect((await handlers.introduce(session('s'), {})).rejected).toEqual({ reason: 'not-joined', bad: true });
    expect((await handlers.signal(session('s'), { to: 'b', data: {} })).rejected).toEqual({ reason: 'not-joined', bad: true });
  });

  it('relays to the socket that holds the target, with `from` set by the server', async () => {
    const handlers = createHandlers(deps(createMemoryRegistry()));
    const a = await joined(handlers, 'sa', 'r', 'a');
    await joined(handlers, 'sb', 'r', 'b');
    expect(await handlers.signal(a, { to: 'b', data: { type: 'offer' } })).toEqual({
      reply: { ok: true },
      relay: { to: 'sb', message: { from: 'a', data: { type: 'offer' } } },
    });
    expect((await handlers.signal(a, { to: 'a', data: {} })).rejected).toEqual({ reason: 'self-signal', bad: true });
    expect((await handlers.signal(a, { to: 'gone', data: {} })).rejected).toEqual({ reason: 'unknown-peer', bad: false });
    expect((await handlers.signal(a, { to: 'b', data: 'str' })).rejected).toEqual({ reason: 'invalid-payload', bad: true });
  });

  it('sees a released id as gone, and lets it be claimed again', async () => {
    const registry = createMemoryRegistry();
    const handlers = createHandlers(deps(registry));
    const a = await joined(handlers, 'sa', 'r', 'a');
    await joined(handlers, 'sb', 'r', 'b');
    await registry.release('r', 'b', 'other-socket');
    expect((await handlers.signal(a, { to: 'b', data: {} })).relay?.to).toBe('sb');
    await registry.release('r', 'b', 'sb');
    expect((await handlers.signal(a, { to: 'b', data: {} })).rejected?.reason).toBe('unknown-peer');
    expect((await handlers.join(session('sb2'), { room: 'r', peerId: 'b' })).joined).toEqual({ room: 'r', peerId: 'b' });
  });
});

describe('route', () => {
  const handlers = createHandlers(deps(createMemoryRegistry()));
  const ack = (): void => undefined;
  it('checks name, ack and arity', () => {
    expect(route(handlers, 'bogus', [{}, ack])).toMatchObject({ ok: false, outcome: { rejected: { reason: 'unknown-event' } } });
    expect(route(handlers, 7, [])).toMatchObject({ ok: false, outcome: { rejected: { reason: 'unknown-event' } } });
    expect(route(handlers, 'toString', [{}, ack])).toMatchObject({ ok: false });
    expect(route(handlers, 'join', [{}])).toMatchObject({ ok: false, outcome: { rejected: { reason: 'no-ack' } } });
    expect(route(handlers, 'join', [{}, {}, ack])).toMatchObject({ ok: false, outcome: { rejected: { reason: 'invalid-payload' } } });
    expect(route(handlers, 'signal', [{ to: 'x' }, ack])).toMatchObject({ ok: true, payload: { to: 'x' } });
  });
});

describe('sample', () => {
  it('returns distinct items, at most count, driven by the random source', () => {
    expect(sample([1, 2, 3, 4, 5], 3, () => 0)).toEqual([1, 2, 3]);
    expect(sample([1, 2, 3, 4, 5], 3, () => 0.999)).toEqual([5, 1, 2]);
    expect(sample([1, 2], 5, Math.random)).toHaveLength(2);
  });
});

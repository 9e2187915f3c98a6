import { afterEach, describe, expect, it } from 'vitest';
import { joinText } from '#signaling/protocol';
import { Identity, splitProof } from '../../client/src/identity/identity.ts';
import { toBase64Url } from '../../client/src/identity/encoding.ts';
import type { SignalingServer } from './server.ts';
import { challengeOf, Harness, join, nextSignal, once, request, signal, signedJoin } from './test-helpers.ts';

/**
 * The join challenge with real socket.io clients: the server sends each socket a nonce, a join
 * carries the key's signature of (room, id, nonce), and the id must be the key's hash. Whoever
 * lacks the key cannot join as its id, neither while the owner is there nor in the moment it
 * reconnects; the owner's proof takes the id back from a stale socket or an unsigned squatter.
 */

const h = new Harness();
afterEach(() => h.cleanup());

const key = (n: number): Identity => Identity.fromSeed(new Uint8Array(32).fill(n));
const victim = key(1);
const thief = key(2);

async function metric(server: SignalingServer, reason: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', server.address.url))).text();
  const line = text.split('\n').find((l) => l.startsWith('signaling_rejections_total{') && l.includes(`reason="${reason}"`));
  return Number(line?.split(' ').at(-1));
}

describe('join challenge', () => {
  it('sends every socket its own nonce, and a signed join of the key\'s id gets in', async () => {
    const server = await h.server();
    const [a, b] = [await h.client(server), await h.client(server)];
    const [na, nb] = [await challengeOf(a), await challengeOf(b)];
    expect(na).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(na).not.toBe(nb);
    expect(await signedJoin(a, 'r', victim)).toEqual({ ok: true, introductions: [] });
    expect(await signedJoin(b, 'r', thief)).toEqual({ ok: true, introductions: [victim.id] });
    expect(server.stats()).toMatchObject({ joins: 2, badPayloads: 0, rejections: {} });
  });

  it('refuses a join with someone else\'s id, each way a thief could try, with a code, counted', async () => {
    const server = await h.server({ maxBadPayloads: 100 });
    const owner = await h.signedMember(server, 'r', victim);
    const socket = await h.client(server);
    const nonce = await challengeOf(socket);
    const attempt = (proof: string | undefined) => request(socket, 'join', { room: 'r', peerId: victim.id, ...(proof !== undefined ? { proof } : {}) });

    // No proof: this server takes signed joins only.
    expect(await attempt(undefined)).toMatchObject({ ok: false, code: 'unsigned' });
    // Its own key, signing the victim's id: the id is not that key's.
    expect(await attempt(thief.sign(joinText('r', victim.id, nonce)))).toMatchObject({ ok: false, code: 'id-not-key' });
    // The victim's public key (it is public) with the thief's signature.
    const forged = splitProof(thief.sign(joinText('r', victim.id, nonce)));
    if (forged === undefined) throw new Error('no proof');
    const withVictimKey = toBase64Url(new Uint8Array([...victim.publicKey, ...forged.signature]));
    expect(await attempt(withVictimKey)).toMatchObject({ ok: false, code: 'bad-proof' });
    // A real proof of the victim, but over another socket's nonce (seen by a relay, replayed).
    const replayed = victim.sign(joinText('r', victim.id, await challengeOf(owner.socket)));
    expect(await attempt(replayed)).toMatchObject({ ok: false, code: 'bad-proof' });
    // The victim's proof for this nonce but another room.
    expect(await attempt(victim.sign(joinText('other', victim.id, nonce)))).toMatchObject({ ok: false, code: 'bad-proof' });
    // Not base64url of 96 bytes.
    expect(await attempt('!'.repeat(128))).toMatchObject({ ok: false, error: expect.stringMatching(/proof must be 128 base64url/) });

    expect(server.stats().rejections).toEqual({ unsigned: 1, 'id-not-key': 1, 'bad-proof': 3, 'invalid-payload': 1 });
    expect(server.stats().badPayloads).toBe(6);
    expect(await metric(server, 'bad-proof')).toBe(3);
    expect(await metric(server, 'id-not-key')).toBe(1);
    expect(await metric(server, 'unsigned')).toBe(1);
    // The owner still gets what is sent to its id.
    const sender = await h.signedMember(server, 'r', key(3));
    const arrived = nextSignal(owner.socket);
    expect(await signal(sender.socket, victim.id, { type: 'offer' })).toEqual({ ok: true });
    expect(await arrived).toEqual({ from: key(3).id, data: { type: 'offer' } });
  });

  it('a thief cannot take the id in the moment its owner reconnects; the owner gets it back', async () => {
    const server = await h.server();
    const first = await h.signedMember(server, 'r', victim);
    const serverSide = server.io.sockets.sockets.get(first.socket.id ?? '');
    if (!serverSide) throw new Error('no server socket');
    const gone = once(serverSide, 'disconnect');
    first.socket.disconnect();
    await gone;
    // The id is free: the thief tries it with everything it has seen (the old proof) and its own key.
    const socket = await h.client(server);
    const nonce = await challengeOf(socket);
    expect(await request(socket, 'join', { room: 'r', peerId: victim.id })).toMatchObject({ code: 'unsigned' });
    const oldProof = victim.sign(joinText('r', victim.id, await challengeOf(first.socket)));
    expect(await request(socket, 'join', { room: 'r', peerId: victim.id, proof: oldProof })).toMatchObject({ code: 'bad-proof' });
    expect(await request(socket, 'join', { room: 'r', peerId: victim.id, proof: thief.sign(joinText('r', victim.id, nonce)) })).toMatchObject({ code: 'id-not-key' });
    // The owner reconnects and joins at once.
    const again = await h.signedMember(server, 'r', victim);
    const sender = await h.signedMember(server, 'r', key(3));
    const arrived = nextSignal(again.socket);
    expect(await signal(sender.socket, victim.id, { n: 1 })).toEqual({ ok: true });
    expect(await arrived).toEqual({ from: key(3).id, data: { n: 1 } });
  });

  it('the owner\'s proof takes its id back from its own stale socket at once', async () => {
    const server = await h.server();
    const stale = await h.signedMember(server, 'r', victim);
    // The old socket is still held (the server has not noticed it is dead): the new one proves the key.
    const cut = once<[string]>(stale.socket, 'disconnect');
    const fresh = await h.signedMember(server, 'r', victim);
    expect((await cut)[0]).toBe('io server disconnect');
    const sender = await h.signedMember(server, 'r', key(3));
    expect(sender.introductions).toEqual([victim.id]);
    const arrived = nextSignal(fresh.socket);
    expect(await signal(sender.socket, victim.id, { n: 2 })).toEqual({ ok: true });
    expect(await arrived).toEqual({ from: key(3).id, data: { n: 2 } });
    expect(server.stats()).toMatchObject({ members: 2, badPayloads: 0, rejections: {} });
  });

  it('with unsigned joins allowed, an unsigned squatter is evicted by the owner\'s proof and refused after', async () => {
    const server = await h.server({ allowUnsigned: true });
    const squatter = await h.client(server);
    expect(await join(squatter, 'r', victim.id)).toMatchObject({ ok: true });
    const cut = once<[string]>(squatter, 'disconnect');
    const owner = await h.signedMember(server, 'r', victim);
    expect((await cut)[0]).toBe('io server disconnect');
    const again = await h.client(server);
    expect(await join(again, 'r', victim.id)).toMatchObject({ ok: false, code: 'id-taken' });
    // And plain ids still work, first come.
    expect(await join(again, 'r', 'plain-id')).toMatchObject({ ok: true, introductions: [victim.id] });
    const arrived = nextSignal(owner.socket);
    expect(await signal(again, victim.id, { n: 3 })).toEqual({ ok: true });
    expect(await arrived).toEqual({ from: 'plain-id', data: { n: 3 } });
  });
});

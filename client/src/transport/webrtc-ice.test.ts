import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { asPeerId } from '../core/ids.ts';
import { fakeTransport, type FakePeer } from './test-peers.ts';

const low = asPeerId('aaaa');
const high = asPeerId('zzzz');
const OFFER_SDP = 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n';
const RESTART_SDP = 'v=0\r\no=- 4611731400430051336 3 IN IP4 127.0.0.1\r\n';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

async function openInitiator() {
  const t = fakeTransport(low);
  t.transport.connect(high);
  await vi.advanceTimersByTimeAsync(0);
  const fake = t.peers[0] as FakePeer;
  t.transport.handleSignal(high, { type: 'answer', sdp: 'v=0 answer' }, 'server');
  fake.emit('connect');
  return { ...t, fake };
}

function openResponder() {
  const t = fakeTransport(high);
  t.transport.handleSignal(low, { type: 'offer', sdp: OFFER_SDP }, 'server');
  const fake = t.peers[0] as FakePeer;
  fake.emit('connect');
  return { ...t, fake };
}

describe('WebRtcTransport: ICE restart', () => {
  it("initiator: ICE 'disconnected' past iceRestartAfterMs renegotiates once with iceRestart, off the link's own path; 'connected' again is a recovery", async () => {
    const { transport, fake, sent, down } = await openInitiator();
    fake.emit('iceStateChange', 'disconnected', 'complete');
    await vi.advanceTimersByTimeAsync(2_999);
    expect(transport.stats().iceRestarts).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(transport.stats().iceRestarts).toBe(1);
    // simple-peer is asked to renegotiate; its next createOffer reads iceRestart from our offerOptions.
    expect(fake.signals.at(-1)).toBe('{"type":"renegotiate","renegotiate":true}');
    expect(fake.options.offerOptions).toEqual({ iceRestart: true });
    fake.emit('signal', { type: 'offer', sdp: RESTART_SDP });
    expect(sent.at(-1)).toEqual({ to: high, data: { type: 'offer', sdp: RESTART_SDP }, purpose: 'restart' });
    expect(fake.options.offerOptions).toEqual({});
    // Still disconnected: no second restart while this one runs.
    fake.emit('iceStateChange', 'disconnected', 'complete');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(transport.stats().iceRestarts).toBe(1);
    fake.emit('iceStateChange', 'connected', 'complete');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(transport.stats()).toMatchObject({ iceRestarts: 1, iceRestartsRecovered: 1, iceRestartsFailed: 0, open: 1, linksOpened: 1 });
    expect(down).toEqual([]);
    expect(fake.destroyed).toBe(false);
  });

  it('a restart that does not reconnect within iceRestartTimeoutMs closes the link (the node replaces it)', async () => {
    const { transport, fake, down } = await openInitiator();
    fake.emit('iceStateChange', 'disconnected', 'complete');
    await vi.advanceTimersByTimeAsync(3_000 + 9_999);
    expect(down).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(down).toEqual([high]);
    expect(fake.destroyed).toBe(true);
    expect(transport.stats()).toMatchObject({ iceRestarts: 1, iceRestartsRecovered: 0, iceRestartsFailed: 1, open: 0 });
  });

  it('a short disconnect that recovers by itself restarts nothing', async () => {
    const { transport, fake } = await openInitiator();
    fake.emit('iceStateChange', 'disconnected', 'complete');
    await vi.advanceTimersByTimeAsync(1_000);
    fake.emit('iceStateChange', 'connected', 'complete');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(transport.stats()).toMatchObject({ iceRestarts: 0, iceRestartsRecovered: 0 });
  });

  it("responder: asks the initiator to restart; the initiator's restart offer (same session) goes to the same connection", async () => {
    const { transport, fake, peers, sent, down } = openResponder();
    fake.emit('iceStateChange', 'disconnected', 'complete');
    await vi.advanceTimersByTimeAsync(3_000);
    expect(sent.at(-1)).toEqual({ to: low, data: { type: 'renegotiate', renegotiate: true }, purpose: 'restart' });
    transport.handleSignal(low, { type: 'offer', sdp: RESTART_SDP }, 'server');
    expect(peers).toHaveLength(1);
    expect(fake.signals.at(-1)).toBe(JSON.stringify({ type: 'offer', sdp: RESTART_SDP }));
    fake.emit('signal', { type: 'answer', sdp: 'v=0 answer' });
    expect(sent.at(-1)?.purpose).toBe('restart');
    fake.emit('iceStateChange', 'connected', 'complete');
    expect(transport.stats()).toMatchObject({ iceRestarts: 1, iceRestartsRecovered: 1, open: 1 });
    expect(down).toEqual([]);
  });

  it("an offer of a new session still replaces the responder's link, and the initiator restarts on the responder's request", async () => {
    const r = openResponder();
    r.transport.handleSignal(low, { type: 'offer', sdp: 'v=0\r\no=- 99 2 IN IP4 127.0.0.1\r\n' }, 'server');
    expect(r.peers).toHaveLength(2);
    expect(r.fake.destroyed).toBe(true);

    const i = await openInitiator();
    i.transport.handleSignal(high, { type: 'renegotiate', renegotiate: true }, 'server');
    expect(i.transport.stats().iceRestarts).toBe(1);
    expect(i.fake.options.offerOptions).toEqual({ iceRestart: true });
  });

  it("the node's request restarts at once with ICE still 'connected'; data is the recovery, a gathering change repeating 'connected' is not; one restart per window", async () => {
    const alive: Array<[string, number]> = [];
    const t = fakeTransport(low, { onPeerAlive: (peer, graceMs) => alive.push([peer, graceMs]) });
    t.transport.connect(high);
    await vi.advanceTimersByTimeAsync(0);
    const fake = t.peers[0] as FakePeer;
    t.transport.handleSignal(high, { type: 'answer', sdp: 'v=0 answer' }, 'server');
    fake.emit('connect');
    expect(alive).toEqual([]);

    t.transport.restartIce(high);
    expect(t.transport.stats().iceRestarts).toBe(1);
    expect(fake.signals.at(-1)).toBe('{"type":"renegotiate","renegotiate":true}');
    // simple-peer reports gathering changes as iceStateChange with the unchanged state.
    fake.emit('iceStateChange', 'connected', 'gathering');
    expect(t.transport.stats().iceRestartsRecovered).toBe(0);
    // The peer's answer to the restart came through the server: alive, wait for the link.
    t.transport.handleSignal(high, { type: 'answer', sdp: 'v=0 restart answer' }, 'server');
    expect(alive).toEqual([[high, 10_000]]);
    fake.emit('data', '{"t":"pong","n":1}');
    expect(t.transport.stats()).toMatchObject({ iceRestarts: 1, iceRestartsRecovered: 1, iceRestartsFailed: 0 });
    // Silent again while SCTP catches up: no second restart within iceRestartTimeoutMs of the first.
    await vi.advanceTimersByTimeAsync(9_999);
    t.transport.restartIce(high);
    t.transport.handleSignal(high, { type: 'renegotiate', renegotiate: true }, 'server');
    expect(t.transport.stats().iceRestarts).toBe(1);
    // A later failure may restart again.
    await vi.advanceTimersByTimeAsync(1);
    t.transport.restartIce(high);
    expect(t.transport.stats()).toMatchObject({ iceRestarts: 2, open: 1, linksOpened: 1 });
    expect(t.down).toEqual([]);
  });

  it("responder: the initiator's restart offer tells the node the peer is alive for the restart's time", () => {
    const alive: Array<[string, number]> = [];
    const t = fakeTransport(high, { onPeerAlive: (peer, graceMs) => alive.push([peer, graceMs]), iceRestartTimeoutMs: 7_000 });
    t.transport.handleSignal(low, { type: 'offer', sdp: OFFER_SDP }, 'server');
    (t.peers[0] as FakePeer).emit('connect');
    t.transport.handleSignal(low, { type: 'offer', sdp: RESTART_SDP }, 'server');
    expect(alive).toEqual([[low, 7_000]]);
    expect(t.transport.stats()).toMatchObject({ iceRestarts: 1, open: 1 });
  });
});

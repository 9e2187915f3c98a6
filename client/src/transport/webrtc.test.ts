import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { asPeerId, type PeerId } from '../core/ids.ts';
import { fakeTransport, type FakePeer } from './test-peers.ts';

const low = asPeerId('aaaa');
const high = asPeerId('zzzz');

function setup(self: PeerId) {
  return fakeTransport(self);
}

describe('WebRtcTransport: early signal', () => {
  it("reports an open link whose ICE goes 'disconnected' as doubted, not down; nothing before it opened", async () => {
    const { transport, peers, doubted, down } = setup(low);
    transport.connect(high);
    await Promise.resolve();
    const fake = peers[0] as FakePeer;
    fake.emit('iceStateChange', 'disconnected', 'complete');
    expect(doubted).toEqual([]);
    fake.emit('connect');
    fake.emit('iceStateChange', 'checking', 'complete');
    fake.emit('iceStateChange', 'disconnected', 'complete');
    expect(doubted).toEqual([high]);
    expect(down).toEqual([]);
    expect(transport.openPeers()).toEqual([high]);
  });
});

describe('WebRtcTransport: a peer that never answers', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('gives up an offer nobody answers after answerTimeoutMs, long before connectTimeoutMs', async () => {
    const { transport, peers, sent, down } = setup(low);
    transport.connect(high);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((s) => s.data.type)).toEqual(['offer']);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(down).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(down).toEqual([high]);
    expect(peers[0]?.destroyed).toBe(true);
    expect(transport.stats()).toMatchObject({ linksUnanswered: 1, linkTimeouts: 0, connecting: 0 });
  });

  it('gives up a knock nobody answers the same way', async () => {
    const { transport, sent, down } = setup(high);
    transport.connect(low);
    expect(sent.map((s) => s.data.type)).toEqual(['knock']);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(down).toEqual([low]);
    expect(transport.stats().linksUnanswered).toBe(1);
  });

  it('an answer stops the clock: then only connectTimeoutMs applies', async () => {
    const { transport, peers, down } = setup(low);
    transport.connect(high);
    await vi.advanceTimersByTimeAsync(1_000);
    transport.handleSignal(high, { type: 'answer', sdp: 'v=0 fake answer' }, 'mesh');
    expect(peers[0]?.signals).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(down).toEqual([]);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(down).toEqual([high]);
    expect(transport.stats()).toMatchObject({ linksUnanswered: 0, linkTimeouts: 1 });
  });
});

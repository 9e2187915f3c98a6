import { describe, expect, it } from 'vitest';
import { asPeerId } from '../core/ids.ts';
import { fakeTransport, type FakePeer } from './test-peers.ts';

const low = asPeerId('aaaa');
const high = asPeerId('zzzz');

describe('LinkIo: frames straight off the data channel', () => {
  it("takes an open link's messages from the channel's message event, with simple-peer's handler unset, until the link closes", async () => {
    const t = fakeTransport(low);
    t.transport.connect(high);
    await Promise.resolve();
    const fake = t.peers[0] as FakePeer;
    // What simple-peer sets on its RTCDataChannel: its own handler, which feeds its stream.
    let streamed = 0;
    const channel = Object.assign(fake._channel, { onmessage: (() => streamed++) as (() => number) | null });
    fake.emit('connect');
    expect(channel.onmessage).toBeNull();
    channel.dispatchEvent(new MessageEvent('message', { data: '{"t":"ping","n":1}' }));
    const bytes = new TextEncoder().encode('{"t":"ping","n":2}');
    channel.dispatchEvent(new MessageEvent('message', { data: bytes.buffer }));
    expect(t.data.map((d) => d.data)).toEqual(['{"t":"ping","n":1}', bytes]);
    expect(streamed).toBe(0);
    expect(t.transport.stats().messagesReceived).toBe(2);
    t.transport.disconnect(high);
    channel.dispatchEvent(new MessageEvent('message', { data: '{"t":"ping","n":3}' }));
    expect(t.data).toHaveLength(2);
  });
});

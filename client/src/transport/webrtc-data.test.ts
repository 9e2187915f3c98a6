import { describe, expect, it } from 'vitest';
import { asPeerId } from '../core/ids.ts';
import { MAX_MESSAGE_BYTES } from '../core/wire.ts';
import { fakeTransport, type FakePeer } from './test-peers.ts';

const low = asPeerId('aaaa');
const high = asPeerId('zzzz');

/** An initiator transport with one open link to `high`. */
async function openLink(extra: Parameters<typeof fakeTransport>[1] = {}) {
  const t = fakeTransport(low, extra);
  t.transport.connect(high);
  await Promise.resolve();
  const fake = t.peers[0] as FakePeer;
  fake.emit('connect');
  return { ...t, fake };
}

/** A rumor push of about `bytes` bytes, numbered. */
const push = (n: number, bytes = 2048): string => JSON.stringify({ t: 'push', n, payload: 'r'.repeat(bytes) });

describe('WebRtcTransport: send queue', () => {
  it('a 5 MB burst waits for bufferedAmount instead of being dropped, and all of it goes out in order', async () => {
    const { transport, fake } = await openLink();
    const count = 2500; // 2500 × ~2 KB ≈ 5 MB
    for (let n = 0; n < count; n++) expect(transport.send(high, push(n), 'bulk')).toBe(true);
    const mid = transport.stats();
    expect(mid.sendsDropped).toBe(0);
    expect(mid.queuedMessages).toBeGreaterThan(0);
    // The channel was filled up to the high-water mark (32 KiB) and no further.
    expect(fake._channel.bufferedAmount).toBeGreaterThanOrEqual(32 * 1024);
    expect(fake._channel.bufferedAmount).toBeLessThan(32 * 1024 + 3000);
    expect(fake._channel.bufferedAmountLowThreshold).toBe(8 * 1024);
    while (transport.stats().queuedMessages > 0) fake._channel.drain();
    const sent = fake.sent.map((d) => (typeof d === 'string' ? (JSON.parse(d) as { n: number }).n : -1));
    expect(sent).toEqual(Array.from({ length: count }, (_, n) => n));
    const end = transport.stats();
    expect(end).toMatchObject({ sendsDropped: 0, messagesSent: count, queuedBytes: 0, queuedMessages: 0, linksCutForFraming: 0 });
    // About 32 KiB went straight into the channel; the rest had to wait.
    expect(end.sendsQueued).toBeGreaterThan(count / 2);
    expect(end.queueWakeups).toBeGreaterThan(2);
    expect(end.queuePeakBytes).toBeGreaterThan(3_000_000);
    expect(fake.destroyed).toBe(false);
  });

  it('control messages overtake a waiting bulk burst', async () => {
    const { transport, fake } = await openLink();
    for (let n = 0; n < 1000; n++) transport.send(high, push(n), 'bulk');
    const before = fake.sent.length;
    transport.send(high, '{"t":"ping","n":1}', 'control');
    expect(fake.sent.length).toBe(before); // the channel is full: it waits too
    fake._channel.drain();
    expect(fake.sent[before]).toBe('{"t":"ping","n":1}');
  });

  it('refuses (and counts) a send beyond maxQueuedBytes and one over maxMessageBytes; the link stays', async () => {
    const { transport, fake } = await openLink({ maxQueuedBytes: 100_000, maxBufferedBytes: 10_000 });
    let refused = 0;
    for (let n = 0; n < 100; n++) if (!transport.send(high, push(n), 'bulk')) refused++;
    expect(refused).toBeGreaterThan(40);
    expect(transport.send(high, 'x'.repeat(MAX_MESSAGE_BYTES + 1))).toBe(false);
    expect(transport.stats()).toMatchObject({ sendsDroppedBackpressure: refused, sendsTooLarge: 1, sendsDropped: refused + 1, open: 1 });
    expect(fake.destroyed).toBe(false);
  });

  it('loses (and counts) what still waits when the link closes', async () => {
    const { transport, fake } = await openLink({ maxBufferedBytes: 4096 });
    for (let n = 0; n < 10; n++) transport.send(high, push(n));
    const waiting = transport.stats().queuedMessages;
    expect(waiting).toBeGreaterThan(0);
    fake.emit('close');
    expect(transport.stats()).toMatchObject({ sendsDropped: waiting, queuedMessages: 0, open: 0 });
  });
});

describe('WebRtcTransport: chunking and the receive limit', () => {
  it('chunks a message over maxFrameBytes; the other side hands on the whole text', async () => {
    const a = await openLink({ maxFrameBytes: 1024 });
    const text = push(1, 10_000);
    expect(a.transport.send(high, text)).toBe(true);
    expect(a.fake.sent.length).toBe(Math.ceil(new TextEncoder().encode(text).byteLength / (1024 - 9)));
    expect(a.fake.sent.every((f) => typeof f !== 'string' && f.byteLength <= 1024)).toBe(true);

    const b = fakeTransport(high);
    b.transport.handleSignal(low, { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' }, 'mesh');
    const fb = b.peers[0] as FakePeer;
    fb.emit('connect');
    for (const frame of a.fake.sent) fb.emit('data', frame);
    expect(b.data).toEqual([{ from: low, data: text }]);
    expect(b.transport.stats()).toMatchObject({ messagesReceived: 1, messagesReassembled: 1, framesReceived: a.fake.sent.length });
    expect(a.transport.stats()).toMatchObject({ messagesChunked: 1, messagesSent: 1, framesSent: a.fake.sent.length });
  });

  it('drops a whole message over maxMessageBytes before anyone parses it, and keeps the link', async () => {
    const { transport, fake, data } = await openLink();
    fake.emit('data', `{"t":"push","payload":"${'x'.repeat(MAX_MESSAGE_BYTES)}"}`);
    fake.emit('data', new Uint8Array(MAX_MESSAGE_BYTES + 1).fill(0x7b));
    fake.emit('data', '{"t":"ping","n":1}');
    expect(data.map((d) => d.data)).toEqual(['{"t":"ping","n":1}']);
    expect(transport.stats()).toMatchObject({ messagesTooLarge: 2, framesRejected: 2, messagesReceived: 1, open: 1 });
  });

  it('cuts a peer whose chunks break the rules or exceed the reassembly bound', async () => {
    const sender = await openLink({ maxFrameBytes: 1024, maxMessageBytes: 1 << 20 });
    sender.transport.send(high, 'q'.repeat(40_000));
    const { transport, down, fake } = await openLink();
    // The receiver allows 16 KiB: the 40 KB message is refused while it grows, and the sender cut.
    for (const frame of sender.fake.sent) fake.emit('data', frame);
    expect(down).toEqual([high]);
    expect(fake.destroyed).toBe(true);
    expect(transport.stats()).toMatchObject({ linksCutForFraming: 1, framesRejected: 1, messagesReceived: 0 });
    expect(transport.stats().lastError).toMatch(/over 16384 bytes/);
  });
});

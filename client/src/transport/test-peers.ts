import { EventEmitter } from 'node:events';
import type SimplePeer from 'simple-peer';
import type { PeerId } from '../core/ids.ts';
import type { SignalData } from '../core/wire.ts';
import { WebRtcTransport } from './webrtc.ts';
import type { WebRtcTransportOptions } from './webrtc-contract.ts';

/**
 * Stand-ins for simple-peer and its RTCDataChannel in the transport's unit tests (Node only).
 * The fake channel's bufferedAmount grows with each send and shrinks when the test drains it,
 * firing 'bufferedamountlow' the way a browser does when it crosses the threshold.
 */
export class FakeChannel extends EventTarget {
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  /** Lets `bytes` leave the buffer (the network took them). */
  drain(bytes = Infinity): void {
    const before = this.bufferedAmount;
    this.bufferedAmount = Math.max(0, before - bytes);
    if (before > this.bufferedAmountLowThreshold && this.bufferedAmount <= this.bufferedAmountLowThreshold) {
      this.dispatchEvent(new Event('bufferedamountlow'));
    }
  }
}

/** Emits an offer (initiator) when created; records what it is given and what it sends. */
export class FakePeer extends EventEmitter {
  readonly signals: unknown[] = [];
  readonly sent: Array<string | Uint8Array> = [];
  destroyed = false;
  readonly _channel = new FakeChannel();
  constructor(
    readonly initiator: boolean,
    readonly options: SimplePeer.Options,
  ) {
    super();
    if (initiator) queueMicrotask(() => this.emit('signal', { type: 'offer', sdp: 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n' }));
  }
  get bufferSize(): number {
    return this._channel.bufferedAmount;
  }
  signal(data: unknown): void {
    this.signals.push(data);
  }
  send(data: string | Uint8Array): void {
    this.sent.push(data);
    this._channel.bufferedAmount += typeof data === 'string' ? new TextEncoder().encode(data).byteLength : data.byteLength;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export type Sent = { to: PeerId; data: SignalData; purpose: 'setup' | 'restart' };

export function fakeTransport(self: PeerId, extra: Partial<WebRtcTransportOptions> = {}) {
  const peers: FakePeer[] = [];
  const sent: Sent[] = [];
  const down: PeerId[] = [];
  const doubted: PeerId[] = [];
  const data: Array<{ from: PeerId; data: string | Uint8Array }> = [];
  const transport = new WebRtcTransport({
    self,
    connectTimeoutMs: 15_000,
    sendSignal: (to, signal, purpose) => {
      sent.push({ to, data: signal, purpose });
      return 'mesh';
    },
    onLinkUp: () => undefined,
    onLinkDown: (peer) => down.push(peer),
    onLinkDoubt: (peer) => doubted.push(peer),
    onData: (from, message) => data.push({ from, data: message }),
    createPeer: (options: SimplePeer.Options) => {
      const fake = new FakePeer(options.initiator === true, options);
      peers.push(fake);
      return fake as unknown as SimplePeer.Instance;
    },
    ...extra,
  });
  return { transport, peers, sent, down, doubted, data };
}

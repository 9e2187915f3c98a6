import SimplePeer from 'simple-peer';
import type { PeerId } from '../core/ids.ts';
import type { LinkCheck, SignedSignals, StatsSource } from './signed-signals.ts';

/** What the binding needs of a simple-peer instance (a fake in tests). */
export interface BindablePeer {
  on(event: 'connect' | 'close', listener: () => void): unknown;
  /** simple-peer keeps its RTCPeerConnection here (not in its types). */
  readonly _pc?: StatsSource;
}

/**
 * The driver's side of the fingerprint check (signed-signals.ts): it makes the transport's
 * simple-peer instances (WebRtcTransportOptions.createPeer, which names the peer of each) and
 * remembers, per peer, the instance whose connection came up, until the transport reports that
 * link up; then the connection's certificate is checked against the fingerprint the peer signed.
 * A link of another key is reported to `mismatch`, which closes it. Per peer, not one shared
 * slot: links to several peers connect at once, and an instance the transport has dropped may
 * still fire 'connect', so a single "the one connecting" would check one peer's link against
 * another's connection. Messages on the link meanwhile (a getStats away) are admitted as usual:
 * every one that carries an origin is signed anyway.
 */
export class LinkBinding {
  /** Per peer: the instance that connected, not yet checked. */
  private readonly connected = new Map<PeerId, BindablePeer>();

  constructor(
    readonly signals: SignedSignals,
    private readonly mismatch: (peer: PeerId) => void,
  ) {}

  readonly createPeer = (options: SimplePeer.Options, peer: PeerId): SimplePeer.Instance => {
    const instance = new SimplePeer(options);
    this.track(peer, instance);
    return instance;
  };

  /** Follows `instance`, an attempt at the link to `peer` (createPeer's; tests give fakes). */
  track(peer: PeerId, instance: BindablePeer): void {
    instance.on('connect', () => this.connected.set(peer, instance));
    instance.on('close', () => this.connected.get(peer) === instance && this.connected.delete(peer));
  }

  /** The transport reported the link to `peer` up: check it ('none': nothing new to check). */
  linkUp(peer: PeerId): Promise<LinkCheck | 'none'> {
    const instance = this.connected.get(peer);
    // None: an open link confirmed again (WebRtcTransport.connect), checked when it came up.
    if (instance === undefined) return Promise.resolve('none');
    this.connected.delete(peer);
    return this.signals.check(peer, instance._pc).then(
      (result) => {
        if (result === 'mismatch') this.mismatch(peer);
        return result;
      },
      (error: unknown) => {
        console.warn(`fingerprint check of ${peer} failed:`, error);
        return 'unchecked' as const;
      },
    );
  }

  /** Connected instances not yet checked (diagnostics, tests). */
  get pending(): number {
    return this.connected.size;
  }
}

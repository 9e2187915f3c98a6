import SimplePeer from 'simple-peer';
import type { PeerId } from '../core/ids.ts';
import type { SignedSignals } from './signed-signals.ts';

/**
 * The driver's side of the fingerprint check (signed-signals.ts): it makes the transport's
 * simple-peer instances (WebRtcTransportOptions.createPeer) with a 'connect' listener ahead of the
 * transport's own, so that when the transport reports the link up (synchronously, from its
 * 'connect'), the instance is known, and its connection's certificate is checked against the
 * fingerprint the peer signed. A link of another key is reported to `mismatch`, which closes it.
 * Messages on the link meanwhile (a getStats away) are admitted as usual: every one that carries
 * an origin is signed anyway.
 */
export class LinkBinding {
  private connecting: SimplePeer.Instance | null = null;

  constructor(
    readonly signals: SignedSignals,
    private readonly mismatch: (peer: PeerId) => void,
  ) {}

  readonly createPeer = (options: SimplePeer.Options): SimplePeer.Instance => {
    const instance = new SimplePeer(options);
    instance.on('connect', () => (this.connecting = instance));
    return instance;
  };

  /** The transport reported the link to `peer` up: check it. */
  linkUp(peer: PeerId): void {
    const instance = this.connecting;
    this.connecting = null;
    // simple-peer keeps its RTCPeerConnection in `_pc` (not in its types).
    const connection = (instance as (SimplePeer.Instance & { _pc?: RTCPeerConnection }) | null)?._pc;
    void this.signals.check(peer, connection).then(
      (result) => result === 'mismatch' && this.mismatch(peer),
      (error: unknown) => console.warn(`fingerprint check of ${peer} failed:`, error),
    );
  }
}

import type SimplePeer from 'simple-peer';
import type { PeerId } from '../core/ids.ts';
import type { SignalData } from '../core/wire.ts';

/** What the WebRTC transport (webrtc.ts) takes from its driver and reports back. */

/** How a link's signaling travelled: through the mesh, the server, a tab of this browser, or an invite pasted by hand. */
export type SignalPath = 'mesh' | 'server' | 'local' | 'invite';

export interface WebRtcTransportOptions {
  self: PeerId;
  /** STUN/TURN servers. Default [] (enough on one host or one LAN). */
  iceServers?: RTCIceServer[];
  /** A link not open this long after it was asked for is destroyed. Default 15000 ms. */
  connectTimeoutMs?: number;
  /**
   * A link we asked for (offer or knock sent) whose peer sends no signal back within this is given
   * up early: the peer is dead or frozen, or the path lost the signal. Default 5000 ms.
   */
  answerTimeoutMs?: number;
  /** Sends are dropped while the channel has more than this queued. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Carries a signal towards `to`: returns the path it took, or null when there is none. */
  sendSignal: (to: PeerId, data: SignalData) => SignalPath | null;
  /** The data channel to `peer` opened. */
  onLinkUp: (peer: PeerId) => void;
  /** The link to `peer` closed, failed or timed out (also for attempts that never opened). */
  onLinkDown: (peer: PeerId) => void;
  /**
   * The open link to `peer` faltered: ICE went 'disconnected' (consent checks unanswered) or the
   * data channel is closing. An early signal for failure detection (probe now); the link may recover.
   */
  onLinkDoubt?: (peer: PeerId) => void;
  /** One message from `peer`, as delivered (JSON text, or bytes from a binary sender). */
  onData: (peer: PeerId, data: string | Uint8Array) => void;
  /** A WebRTC implementation for Node (e.g. @roamhq/wrtc); browsers use their own. */
  wrtc?: NonNullable<SimplePeer.Options['wrtc']>;
  /** Builds the simple-peer instance (tests may inject a fake). */
  createPeer?: (options: SimplePeer.Options) => SimplePeer.Instance;
}

export interface TransportStats {
  /** Links currently open / being set up. */
  open: number;
  connecting: number;
  linksOpened: number;
  /** Which path carried the offer of each opened link. */
  linksViaMesh: number;
  linksViaServer: number;
  linksViaLocal: number;
  linksViaInvite: number;
  /** The path of the first link this peer opened (how it joined), null before. */
  joinedVia: SignalPath | null;
  linkTimeouts: number;
  /** Links given up because the peer never answered our first signal (see answerTimeoutMs). */
  linksUnanswered: number;
  linkErrors: number;
  messagesSent: number;
  messagesReceived: number;
  bytesSent: number;
  bytesReceived: number;
  /** Sends dropped: no open link, channel over `maxBufferedBytes`, or the channel threw. */
  sendsDropped: number;
  sendsDroppedBackpressure: number;
  signalsSent: number;
  signalsReceived: number;
  /** Signals dropped: rule-breaking, unexpected (no matching link), or not sendable. */
  signalsDropped: number;
  lastError: string | null;
}

/** The running totals of TransportStats (the rest are gauges read at the time). */
export type TransportCounters = Omit<TransportStats, 'open' | 'connecting' | 'joinedVia' | 'lastError'>;

export function zeroTransportCounters(): TransportCounters {
  return {
    linksOpened: 0,
    linksViaMesh: 0,
    linksViaServer: 0,
    linksViaLocal: 0,
    linksViaInvite: 0,
    linkTimeouts: 0,
    linksUnanswered: 0,
    linkErrors: 0,
    messagesSent: 0,
    messagesReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    sendsDropped: 0,
    sendsDroppedBackpressure: 0,
    signalsSent: 0,
    signalsReceived: 0,
    signalsDropped: 0,
  };
}

import type SimplePeer from 'simple-peer';
import type { PeerId } from '../core/ids.ts';
import type { SignalData } from '../core/wire.ts';
import type { Link } from './link.ts';

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
  /** The data channel's own buffer (bufferedAmount) is filled up to this; the rest waits in the link's queue. Default 32 KiB. */
  maxBufferedBytes?: number;
  /** The channel's buffer drained to this wakes the queue ('bufferedamountlow'). Default 8 KiB. */
  lowWaterBytes?: number;
  /** Bytes that may wait in one link's queue; a send beyond is refused and counted. Default 16 MiB. */
  maxQueuedBytes?: number;
  /** Largest message sent or accepted, checked before parsing (bytes). Default the core's MAX_MESSAGE_BYTES. */
  maxMessageBytes?: number;
  /** Largest data-channel frame; larger messages are chunked. Default 8 KiB (under the 16 KiB interop limit). */
  maxFrameBytes?: number;
  /**
   * An open link whose ICE stays 'disconnected' this long is restarted once (a new offer with
   * iceRestart through the signaling path) before it is given up; the node may ask sooner
   * (restartIce). Default 3000 ms.
   */
  iceRestartAfterMs?: number;
  /** A restarted link not connected again within this is closed (and replaced by the node). Default 10000 ms. */
  iceRestartTimeoutMs?: number;
  /** Relay-only ICE ('relay': every path through TURN) or any ('all', the default). */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /**
   * Carries a signal towards `to`: returns the path it took, or null when there is none. `restart`:
   * the signal restarts ICE on the open link to `to`, so it must not go over that link itself.
   */
  sendSignal: (to: PeerId, data: SignalData, purpose: 'setup' | 'restart') => SignalPath | null;
  /** The data channel to `peer` opened. */
  onLinkUp: (peer: PeerId) => void;
  /** The link to `peer` closed, failed or timed out (also for attempts that never opened). */
  onLinkDown: (peer: PeerId) => void;
  /**
   * The open link to `peer` faltered: ICE went 'disconnected' (consent checks unanswered) or the
   * data channel is closing. An early signal for failure detection (probe now); the link may recover.
   */
  onLinkDoubt?: (peer: PeerId) => void;
  /**
   * `peer` signalled for an ICE restart of the open link (through the server): it is alive, and
   * the link may be silent for up to `graceMs` more while it is repaired.
   */
  onPeerAlive?: (peer: PeerId, graceMs: number) => void;
  /** One message from `peer`, as delivered (JSON text, or bytes from a binary sender). */
  onData: (peer: PeerId, data: string | Uint8Array) => void;
  /** A WebRTC implementation for Node (e.g. @roamhq/wrtc); browsers use their own. */
  wrtc?: NonNullable<SimplePeer.Options['wrtc']>;
  /** Builds the simple-peer instance of the link to `peer` (tests may inject a fake). */
  createPeer?: (options: SimplePeer.Options, peer: PeerId) => SimplePeer.Instance;
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
  /** Sends dropped: no open link, too large, queue full, the channel threw, or lost in a closing link's queue. */
  sendsDropped: number;
  /** Sends refused because the link's queue held `maxQueuedBytes`. */
  sendsDroppedBackpressure: number;
  /** Sends refused for being over `maxMessageBytes`. */
  sendsTooLarge: number;
  /** Messages that had to wait in a queue (the channel was full). */
  sendsQueued: number;
  /** Times a waiting queue was woken ('bufferedamountlow' or the poll). */
  queueWakeups: number;
  /** Most bytes that waited in one link's queue at once. */
  queuePeakBytes: number;
  framesSent: number;
  framesReceived: number;
  /** Frames dropped: over `maxMessageBytes` before parsing, unknown kind, or broken chunking. */
  framesRejected: number;
  messagesChunked: number;
  messagesReassembled: number;
  /** Whole messages over `maxMessageBytes`, dropped unparsed. */
  messagesTooLarge: number;
  /** Links closed because the peer broke the chunking rules or the reassembly bounds. */
  linksCutForFraming: number;
  /** ICE restarts begun (one per failure of a link), recovered, and given up (the link closed). */
  iceRestarts: number;
  iceRestartsRecovered: number;
  iceRestartsFailed: number;
  signalsSent: number;
  signalsReceived: number;
  /** Signals dropped: rule-breaking, unexpected (no matching link), or not sendable. */
  signalsDropped: number;
  /** Bytes and messages waiting in the links' queues now. */
  queuedBytes: number;
  queuedMessages: number;
  lastError: string | null;
}

/** The running totals of TransportStats (the rest are gauges read at the time). */
export type TransportCounters = Omit<TransportStats, 'open' | 'connecting' | 'joinedVia' | 'lastError' | 'queuedBytes' | 'queuedMessages'>;

/** One more link opened, by the path its offer took. */
export function countLinkOpened(counters: TransportCounters, via: SignalPath | null): void {
  counters.linksOpened++;
  if (via === 'mesh') counters.linksViaMesh++;
  else if (via === 'server') counters.linksViaServer++;
  else if (via === 'local') counters.linksViaLocal++;
  else if (via === 'invite') counters.linksViaInvite++;
}

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
    sendsTooLarge: 0,
    sendsQueued: 0,
    queueWakeups: 0,
    queuePeakBytes: 0,
    framesSent: 0,
    framesReceived: 0,
    framesRejected: 0,
    messagesChunked: 0,
    messagesReassembled: 0,
    messagesTooLarge: 0,
    linksCutForFraming: 0,
    iceRestarts: 0,
    iceRestartsRecovered: 0,
    iceRestartsFailed: 0,
    signalsSent: 0,
    signalsReceived: 0,
    signalsDropped: 0,
  };
}

/** The transport's counters with what its links hold now (open, connecting, queued). */
export function transportStats(
  counters: TransportCounters,
  links: Iterable<Pick<Link, 'open' | 'io'>>,
  joinedVia: SignalPath | null,
  lastError: string | null,
): TransportStats {
  let open = 0;
  let all = 0;
  let queuedBytes = 0;
  let queuedMessages = 0;
  for (const link of links) {
    all++;
    if (link.open) open++;
    queuedBytes += link.io?.queuedBytes ?? 0;
    queuedMessages += link.io?.queuedMessages ?? 0;
  }
  return { ...counters, open, connecting: all - open, joinedVia, queuedBytes, queuedMessages, lastError };
}

import type { NodeStats } from '../core/node.ts';
import type { SignalingStats } from '../transport/signaling.ts';
import type { TransportStats } from '../transport/webrtc.ts';
import type { MessageCounts } from '../runtime/counts.ts';
import type { MeshDiagnostics, MeshStats } from './contract.ts';
import type { HopRecord } from './hop-trace.ts';
import type { JoinTimelineRecord } from './join-timeline.ts';

/** What the driver's parts report, gathered into the contract's one diagnostics record. */
export interface DiagnosticsParts {
  node: NodeStats;
  link: TransportStats;
  server: SignalingStats;
  serverConnected: boolean;
  sentByType: Readonly<Record<string, number>>;
  firstLinkAt: number | null;
  joinTimeline: JoinTimelineRecord;
  iceServerUrls: string[];
  localHealth: number;
  silentPeers: ReadonlyArray<{ peer: string; at: number }>;
  signalsSealRefused: number;
  linksFingerprintChecked: number;
  linksFingerprintMismatched: number;
  hopTrace: HopRecord[];
}

export function meshDiagnostics(parts: DiagnosticsParts): MeshDiagnostics {
  const { node, link, server } = parts;
  return {
    firstLinkAt: parts.firstLinkAt,
    joinTimeline: { ...parts.joinTimeline },
    rumorsDelivered: node.rumorsDelivered,
    linksOpen: link.open,
    linksConnecting: link.connecting,
    linksOpened: link.linksOpened,
    linkTimeouts: link.linkTimeouts,
    linksUnanswered: link.linksUnanswered,
    linkErrors: link.linkErrors,
    messagesOnWire: link.messagesSent,
    messagesOffWire: link.messagesReceived,
    sendsDropped: link.sendsDropped,
    sendsDroppedBackpressure: link.sendsDroppedBackpressure,
    sendsQueued: link.sendsQueued,
    queuedBytes: link.queuedBytes,
    queuePeakBytes: link.queuePeakBytes,
    sendsTooLarge: link.sendsTooLarge,
    messagesChunked: link.messagesChunked,
    messagesReassembled: link.messagesReassembled,
    messagesTooLarge: link.messagesTooLarge,
    framesRejected: link.framesRejected,
    linksCutForFraming: link.linksCutForFraming,
    iceRestarts: link.iceRestarts,
    iceRestartsRecovered: link.iceRestartsRecovered,
    iceRestartsFailed: link.iceRestartsFailed,
    iceServerUrls: parts.iceServerUrls,
    serverUrl: server.url,
    serverFailovers: server.failovers,
    signalsSent: link.signalsSent,
    signalsReceived: link.signalsReceived,
    signalsDropped: link.signalsDropped,
    serverConnected: parts.serverConnected,
    serverConnects: server.connects,
    serverJoins: server.joins,
    serverSignalsSent: server.signalsSent,
    serverSignalsFailed: server.signalsFailed,
    serverSignalsReceived: server.signalsReceived,
    serverBadPayloads: server.badPayloads,
    sentByType: { ...parts.sentByType },
    droppedByReason: { ...node.droppedByReason },
    lastTransportError: link.lastError,
    lastServerError: server.lastError,
    localHealth: parts.localHealth,
    signalsSealRefused: parts.signalsSealRefused,
    linksFingerprintChecked: parts.linksFingerprintChecked,
    linksFingerprintMismatched: parts.linksFingerprintMismatched,
    silentPeers: parts.silentPeers.map((e) => ({ ...e })),
    hopTrace: parts.hopTrace,
  };
}

/** The contract's MeshStats from the node's, the transport's and the runtime's counts. */
export function meshStats(node: NodeStats, link: TransportStats, counts: Pick<MessageCounts, 'sent' | 'payloads'>): MeshStats {
  return {
    sent: counts.sent,
    received: node.messagesReceived,
    duplicates: node.duplicates,
    dropped: node.dropped + link.sendsDropped,
    bytesSent: link.bytesSent,
    bytesReceived: link.bytesReceived,
    payloadsSent: counts.payloads,
    linksViaMesh: link.linksViaMesh,
    linksViaServer: link.linksViaServer,
    linksViaLocal: link.linksViaLocal,
    linksViaInvite: link.linksViaInvite,
    joinedVia: link.joinedVia,
  };
}

import type { HopRecord } from './hop-trace.ts';
import type { AggregateEstimate } from '../core/aggregate.ts';
import type { PeerId } from '../core/ids.ts';
import type { Mode } from '../core/options.ts';
import type { RegisterValue } from '../core/wire.ts';
import type { JoinTimelineRecord } from './join-timeline.ts';

/**
 * The contract, declared once: the plain-data records a running peer hands its callers (through
 * the public Mesh, lib/types.ts) and the driver's interface under it. Everything here is plain
 * data so that Playwright's page.evaluate can carry it out of a tab. It declares no globals: it is
 * part of the published types. Change a member only together with its users.
 */

/** A rumor as a peer saw it arrive. Times are epoch ms of the origin's and this peer's clock. */
export interface DeliveredRumor {
  id: string;
  origin: string;
  text: string;
  /** Links crossed: 0 at the origin. */
  hops: number;
  sentAt: number;
  receivedAt: number;
}

export interface MeshStats {
  /** Messages handed to the links by this peer (the runtime's count, runtime/counts.ts). */
  sent: number;
  /** Messages accepted from the links (past admission). */
  received: number;
  duplicates: number;
  /** Messages dropped: refused at admission, or sends refused by a full or closed channel. */
  dropped: number;
  bytesSent: number;
  bytesReceived: number;
  /** Rumor payload copies sent. */
  payloadsSent: number;
  /** Links opened by signaling relayed through the mesh, the server, a tab of this browser, an invite. */
  linksViaMesh: number;
  linksViaServer: number;
  linksViaLocal: number;
  linksViaInvite: number;
  /** How this peer's first link was signalled (how it joined); null before. */
  joinedVia: JoinPath | null;
}

export type JoinPath = 'mesh' | 'server' | 'local' | 'invite';

/** Network-wide estimates by push-sum gossip: the core's own (size, average, min, max, epoch, ageMs). */
export type MeshAggregates = AggregateEstimate;

export interface MeshSettings {
  room: string;
  mode: Mode;
  periodMs: number;
  fanout: number;
}

/**
 * Debugging counters with a stable shape (the benchmarks read them). Link figures are the
 * transport's, server figures the signaling client's, message figures the runtime's.
 */
export interface MeshDiagnostics {
  /** Epoch ms when the first link opened; null before. */
  firstLinkAt: number | null;
  /** Epoch ms of each step of this peer's join (join-timeline.ts), the first time it happened. */
  joinTimeline: JoinTimelineRecord;
  rumorsDelivered: number;
  linksOpen: number;
  linksConnecting: number;
  linksOpened: number;
  linkTimeouts: number;
  linksUnanswered: number;
  linkErrors: number;
  /** Data-channel messages actually written / read. */
  messagesOnWire: number;
  messagesOffWire: number;
  sendsDropped: number;
  /** Sends refused by a full link queue (see transport/send-queue.ts). */
  sendsDroppedBackpressure: number;
  /** Messages that waited in a link queue for the channel's buffer; bytes waiting now; the most at once on one link. */
  sendsQueued: number;
  queuedBytes: number;
  queuePeakBytes: number;
  sendsTooLarge: number;
  messagesChunked: number;
  messagesReassembled: number;
  /** Whole messages over the size limit dropped unparsed; frames refused; links cut for bad chunking. */
  messagesTooLarge: number;
  framesRejected: number;
  linksCutForFraming: number;
  /** ICE restarts begun, recovered, given up (the link closed and was replaced). */
  iceRestarts: number;
  iceRestartsRecovered: number;
  iceRestartsFailed: number;
  /** The STUN/TURN URLs new links use (the explicit option, else the server's from the join). */
  iceServerUrls: string[];
  /** The signaling server in use (null: the page's origin) and how often the client moved to another. */
  serverUrl: string | null;
  serverFailovers: number;
  signalsSent: number;
  signalsReceived: number;
  signalsDropped: number;
  serverConnected: boolean;
  serverConnects: number;
  serverJoins: number;
  serverSignalsSent: number;
  serverSignalsFailed: number;
  serverSignalsReceived: number;
  serverBadPayloads: number;
  /** Offers and answers through the server or a tab of this browser whose seal failed (identity/signed-signals.ts). */
  signalsSealRefused: number;
  /** Open links whose DTLS fingerprint was checked against the one their peer signed / found another and closed. */
  linksFingerprintChecked: number;
  linksFingerprintMismatched: number;
  /** Messages sent, by wire type (the runtime's count). */
  sentByType: Record<string, number>;
  /** Messages refused at admission, by reason. */
  droppedByReason: Record<string, number>;
  lastTransportError: string | null;
  lastServerError: string | null;
  /** The failure detector's local health multiplier (0: this tab's rounds run on time; up to 8 when its own timers lag). */
  localHealth: number;
  /** Neighbours this peer declared gone for silence (its failure detector's verdicts), the last 64, epoch ms. */
  silentPeers: Array<{ peer: string; at: number }>;
  /** Where the latest 64 rumors' time went in this peer: arrival, verified, delivered, each copy sent (mesh/hop-trace.ts). */
  hopTrace: HopRecord[];
}

/**
 * What the driver (mesh/driver.ts) offers the library's Mesh (lib/mesh.ts). Apps, the project's
 * own page, its test hook (mesh/hook.ts) and the benchmarks use the public Mesh, not this.
 */
export interface MeshClient {
  readonly id: PeerId;
  readonly settings: MeshSettings;
  /** At least one open neighbour link. */
  ready(): boolean;
  neighbors(): PeerId[];
  known(): PeerId[];
  /** The mesh as this peer knows it from gossip (each peer's own neighbour list). */
  graph(): Map<PeerId, Set<PeerId>>;
  serverConnected(): boolean;
  publish(text: string): string;
  rumors(): DeliveredRumor[];
  add(delta: number): void;
  counter(): number;
  setRegister(value: string): void;
  register(): RegisterValue | null;
  stats(): MeshStats;
  /** The last completed epoch's estimates (the running epoch's before one completed); null at first. */
  aggregates(): MeshAggregates | null;
  /** This peer's value for the network-wide average, minimum and maximum (counts from the next epoch). */
  setAggregateValue(value: number): void;
  aggregateValue(): number;
  /** Switches how new rumors travel, at run time, keeping the links (benchmarks compare modes on one mesh). */
  setMode(mode: Mode): void;
  mode(): Mode;
  diagnostics(): MeshDiagnostics;
  /** An invite code for a device that shares no server or browser with this one (transport/invite.ts). */
  createInvite(): Promise<string>;
  /** Takes an invite code; resolves with the answer code to hand back to the inviter. */
  acceptInvite(code: string): Promise<string>;
  /** Takes the answer to one of this peer's invites: the link opens. */
  completeInvite(code: string): Promise<void>;
  /** Called after anything observable changed (throttle rendering on your side). */
  subscribe(listener: () => void): () => void;
  close(): void;
}

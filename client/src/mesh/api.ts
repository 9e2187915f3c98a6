import type { PeerId } from '../core/ids.ts';
import type { Mode } from '../core/options.ts';
import type { RegisterValue } from '../core/wire.ts';

/** A rumor as a tab saw it arrive. Times are epoch ms (performance.timeOrigin + now()). */
export interface DeliveredRumor {
  id: string;
  origin: string;
  text: string;
  hops: number;
  sentAt: number;
  receivedAt: number;
}

export interface MeshStats {
  sent: number;
  received: number;
  duplicates: number;
  dropped: number;
  bytesSent: number;
  bytesReceived: number;
  /** Rumor payload copies sent by this tab. */
  payloadsSent: number;
  /** Links opened by signaling relayed through the mesh vs through the server. */
  linksViaMesh: number;
  linksViaServer: number;
}

/** Network-wide estimates by push-sum gossip, per epoch (see core/aggregate.ts). */
export interface MeshAggregates {
  /** Estimated number of live peers. */
  size: number;
  /** Average, minimum and maximum of the value each peer holds (setAggregateValue). */
  average: number;
  min: number;
  max: number;
  epoch: number;
}

export interface MeshSettings {
  room: string;
  mode: Mode;
  periodMs: number;
  fanout: number;
}

/** Everything the page and the test hook need from one running peer. */
export interface MeshClient {
  readonly id: PeerId;
  readonly settings: MeshSettings;
  /** At least one open neighbour link. */
  ready(): boolean;
  neighbors(): PeerId[];
  known(): PeerId[];
  /** The mesh as this tab knows it from gossip (each peer's own neighbour list). */
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
  /** This tab's value for the network-wide average, minimum and maximum (counts from the next epoch). */
  setAggregateValue(value: number): void;
  aggregateValue(): number;
  /** Switches how new rumors travel, at run time, keeping the links (benchmarks compare modes on one mesh). */
  setMode(mode: Mode): void;
  mode(): Mode;
  /**
   * Optional, implementation-specific diagnostics for debugging (link setup, signaling, drop
   * reasons by cause, last errors). Names may change; do not build tests on them.
   */
  diagnostics?(): Record<string, number | string | null>;
  /** Called after anything observable changed (throttle rendering on your side). */
  subscribe(listener: () => void): () => void;
  close(): void;
}

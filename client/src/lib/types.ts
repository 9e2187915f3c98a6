import type { DeliveredRumor, JoinPath, MeshAggregates, MeshDiagnostics, MeshStats } from '../mesh/contract.ts';
import type { Mode } from '../core/options.ts';
import type { RegisterValue } from '../core/wire.ts';

export type { DeliveredRumor, JoinPath, MeshAggregates, MeshDiagnostics, MeshStats, Mode, RegisterValue };

/** Events of a Mesh and their payloads: `mesh.on('rumor', (rumor) => ...)` returns an unsubscribe. */
export interface MeshEvents {
  /** A rumor reached this peer (its own publishes included, with hops 0), once per rumor. */
  rumor: DeliveredRumor;
  /** The shared counter's value changed (by this peer or another). */
  counter: number;
  /** The shared register got a newer value (last writer wins). */
  register: RegisterValue;
  /** This peer's open neighbour links changed: the ids of the neighbours now. */
  peers: string[];
  /** The signaling server connection came up (true) or dropped (false); the mesh carries on either way. */
  server: boolean;
  /**
   * Something observable changed (links, known peers, topology, state, estimates, stats): at most
   * once per animation frame (100 ms in a hidden tab or in Node). No payload: read what you show.
   */
  change: undefined;
}

export type MeshEventName = keyof MeshEvents;

/** One peer in a room. Every method throws MeshError('closed') after close(). */
export interface Mesh {
  /** This peer's id (unique in the room). */
  readonly id: string;
  readonly room: string;
  /** Spreads `text` to every peer of the room; returns the rumor's id. Up to 2048 bytes of UTF-8 (MeshError bad-option "text" beyond). */
  publish(text: string): string;
  /** The shared PN-counter: every peer's adds, summed. */
  readonly counter: { add(delta: number): void; readonly value: number };
  /** The shared last-writer-wins register (null before anyone set it). */
  readonly register: { set(value: string): void; readonly value: RegisterValue | null };
  /** Network-wide estimates by push-sum, in epochs of `epochMs` (null before the first estimate). */
  readonly aggregates: {
    readonly size: number | null;
    readonly average: number | null;
    readonly min: number | null;
    readonly max: number | null;
    /** All of the last completed epoch's estimate at once (with its epoch number and age), or null. */
    readonly estimate: MeshAggregates | null;
    /** This peer's own value (default 0). */
    readonly value: number;
    /** This peer's value for average, min and max (counts from the next epoch). */
    setValue(value: number): void;
  };
  /** Ids of the peers this one has an open link to. */
  neighbors(): string[];
  /** Ids of peers this one knows of by gossip but has no link to (its passive view). */
  knownPeers(): string[];
  /**
   * The mesh as this peer knows it from gossip: each peer's id (this one's included) and the ids
   * of its neighbours as it last reported them. Plain data (a copy).
   */
  topology(): Record<string, string[]>;
  /** How new rumors travel now (the `mode` option, unless setMode changed it). */
  readonly mode: Mode;
  /** Switches how new rumors travel, keeping the links (for comparing modes on one mesh). */
  setMode(mode: Mode): void;
  /** Rumors seen so far (the last 2000), oldest first. */
  rumors(): DeliveredRumor[];
  /** True while the signaling server connection is up. */
  readonly serverConnected: boolean;
  stats(): MeshStats;
  /** Debugging counters (links, signals, drops by reason). */
  diagnostics(): MeshDiagnostics;
  /**
   * A first link with no server nor shared browser: `invite()` makes a code for another device,
   * `acceptInvite(code)` there returns the answer code, `completeInvite(answer)` here opens the link.
   */
  invite(): Promise<string>;
  acceptInvite(code: string): Promise<string>;
  completeInvite(answer: string): Promise<void>;
  on<E extends MeshEventName>(event: E, listener: (payload: MeshEvents[E]) => void): () => void;
  /** Says goodbye to the neighbours and stops; idempotent. */
  close(): void;
  readonly closed: boolean;
}

import type { PeerId } from '../core/ids.ts';
import type { NodeEvent } from '../core/outbox.ts';
import type { Message, SignalData } from '../core/wire.ts';

/**
 * What the runtime needs from the place it runs in. A tab, a Node process, the simulator and the
 * unit tests each provide one set of these; none of them has a loop of its own.
 */

export interface Clock {
  /**
   * Milliseconds: epoch time in tabs and Node, virtual time in the simulator and tests. A function
   * that needs no `this`: the runtime hands it to the node as is (a wrapper per node was a pointer
   * chase on every read of the time in the simulator).
   */
  readonly now: () => number;
  /** Calls `fn` once at `atMs` (or as soon after as the place can); returns a function that cancels it. */
  setTimer(atMs: number, fn: () => void): () => void;
}

/** Uniform in [0, 1): Math.random in tabs, a seeded stream in the simulator. */
export type Random = () => number;

/** The node's links to its neighbours (WebRTC data channels, or in-memory ones). */
export interface Links {
  /** Carries one message over an open link; false when it was dropped (no link, congested). The encoding is the port's. */
  send(to: PeerId, message: Message): boolean;
  /** Opens a link; the port answers later through runtime.linkUp or runtime.linkDown. */
  connect(peer: PeerId): void;
  /** Closes a link the node no longer wants (not reported back). */
  disconnect(peer: PeerId): void;
}

/** Where signals relayed through the mesh for this node go (the WebRTC link setup). */
export interface Signals {
  deliver(from: PeerId, data: SignalData): void;
}

/** A bootstrap service (the signaling server, the simulator's): more peers when the node is lonely. */
export interface Bootstrap {
  introductions(): readonly PeerId[] | Promise<readonly PeerId[]>;
}

/** Watches the node's events: the page, the simulator's measurements, the tests. */
export interface Observer {
  event(event: NodeEvent): void;
  /** After a batch of inputs settled and something was emitted (render once, not per event). */
  settled?(): void;
}

export interface Ports {
  clock: Clock;
  random: Random;
  links: Links;
  signals?: Signals;
  bootstrap?: Bootstrap;
  observer?: Observer;
}

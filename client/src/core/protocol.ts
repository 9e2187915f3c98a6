import type { Env } from './env.ts';
import type { PeerId } from './ids.ts';
import type { Options } from './options.ts';
import type { Outbox } from './outbox.ts';
import type { Signer } from './signed.ts';
import type { MessageOf, MessageType } from './wire.ts';

/** What every protocol module of a node shares: who it is, its clock and randomness, its outbox. */
export interface NodeContext {
  readonly self: PeerId;
  readonly env: Env;
  readonly options: Options;
  readonly out: Outbox;
  /** Signs what this node originates (core/signed.ts); null on the trusted in-process path. */
  readonly signer?: Signer | null;
  /** The open links (the active view). */
  neighbors(): PeerId[];
}

/**
 * One protocol of the node (membership, rumor spreading, state, topology, aggregates, signal
 * relay): the message types it owns, its periodic work, its figures. Admission hands each
 * admitted message to the one module that owns its type.
 */
export interface ProtocolModule<T extends MessageType = MessageType> {
  readonly handles: readonly T[];
  receive(from: PeerId, message: MessageOf<T>, now: number): void;
  /** Runs what is due at `now`; called at least by `nextTickAt()`. */
  tick?(now: number): void;
  /** When this module next needs a tick (Infinity: only on input). */
  nextTickAt?(): number;
}

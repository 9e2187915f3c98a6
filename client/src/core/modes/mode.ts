import { sample } from '../env.ts';
import type { PeerId } from '../ids.ts';
import type { NodeContext } from '../protocol.ts';
import type { RumorStore } from '../rumors.ts';
import type { Message, MessageOf } from '../wire.ts';

/** What a mode sees of its node: the shared context and the rumor store. */
export interface SpreadingContext extends NodeContext {
  readonly store: RumorStore;
}

/**
 * One dissemination mode: everything that differs between push, pull, push-pull, eager, tree and
 * flood stands in its own file behind this interface; dissemination.ts does the rest.
 */
export interface ModeBehaviour {
  /** Who gets a new rumor or local state change at once (the sender excluded); [] waits for the round. */
  eagerTargets(except: PeerId | null): PeerId[];
  /** Who gets a local counter or register change, or news of one, at once (anti-entropy repairs the rest). */
  stateTargets(except: PeerId | null): PeerId[];
  /** The message for this period's partner, or null for none. */
  roundMessage(now: number): Message | null;
  /** Modes with no periodic pull carry the rumor digest in anti-entropy instead. */
  readonly digestInAntiEntropy: boolean;
  /** Rumors arrived over `from`; `brought`: at least one was new here. */
  received?(from: PeerId, brought: boolean): void;
  /** Mode-specific control messages (tree: prune and graft). */
  control?(from: PeerId, message: MessageOf<'prune' | 'graft'>): void;
  linkClosed?(peer: PeerId): void;
}

export type ModeFactory = (ctx: SpreadingContext) => ModeBehaviour;

/** The lazy repair of the eager modes: "here is what I have, send me what I lack". */
export function digestPull(ctx: SpreadingContext): Message {
  return { t: 'pull', digest: ctx.store.digest(), rumors: [] };
}

export function allBut(neighbors: readonly PeerId[], except: PeerId | null): PeerId[] {
  return neighbors.filter((p) => p !== except);
}

/** `fanout` random neighbours but the sender: where the periodic modes send state changes at once. */
export function fanoutSample(ctx: SpreadingContext, except: PeerId | null): PeerId[] {
  return sample(ctx.env.random, allBut(ctx.neighbors(), except), ctx.options.fanout);
}

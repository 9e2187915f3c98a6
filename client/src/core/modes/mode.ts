import { sample } from '../env.ts';
import type { PeerId } from '../ids.ts';
import type { NodeContext } from '../protocol.ts';
import type { RumorStore } from '../rumors.ts';
import type { Acceptance } from '../rumors.ts';
import type { Message, MessageOf, Rumor } from '../wire.ts';

/** One rumor as it arrived (hop count already incremented) and what the store made of it. */
export interface Arrival {
  readonly rumor: Rumor;
  readonly outcome: Acceptance;
}

/** What a mode sees of its node: the shared context and the rumor store. */
export interface SpreadingContext extends NodeContext {
  readonly store: RumorStore;
  /** The hash of the digest this node last sent in full (digestPull). */
  lastDigestHash: string | null;
}

/**
 * One dissemination mode: everything that differs between push, pull, push-pull, eager, tree and
 * flood stands in its own file behind this interface; dissemination.ts does the rest.
 */
export interface ModeBehaviour {
  /** Who gets a new rumor or local state change at once (the sender excluded); [] waits for the round. */
  eagerTargets(except: PeerId | null): PeerId[];
  /** Per-origin modes (tree): where each fresh rumor goes at once, by peer; replaces eagerTargets. */
  forward?(rumors: readonly Rumor[], except: PeerId | null, now: number): Map<PeerId, Rumor[]>;
  /** Who gets a local counter or register change of `origin`, or news of one, at once (anti-entropy repairs the rest). */
  stateTargets(except: PeerId | null, origin: PeerId | null): PeerId[];
  /** The message for this period's partner, or null for none. */
  roundMessage(now: number): Message | null;
  /** Modes with no periodic pull carry the rumor digest in anti-entropy instead. */
  readonly digestInAntiEntropy: boolean;
  /** Rumors arrived over `from` (a push or a pull's rumors). */
  received?(from: PeerId, arrivals: readonly Arrival[], now: number): void;
  /** Mode-specific control messages (tree: prune, graft, ihave). */
  control?(from: PeerId, message: MessageOf<'prune' | 'graft' | 'ihave'>, now: number): void;
  /** Once per node period, aligned with the node's other periodic work (tree: lazy announcements). */
  beat?(now: number): void;
  /** Timers of the mode's own (tree: graft timers). */
  tick?(now: number): void;
  nextTickAt?(): number;
  linkClosed?(peer: PeerId): void;
}

export type ModeFactory = (ctx: SpreadingContext) => ModeBehaviour;

/**
 * The lazy repair of the eager modes: "here is what I have, send me what I lack". A digest that has
 * not changed since the last round goes as its hash (the partner answers with its own digest only
 * when its hash differs), so an idle mesh sends a few bytes a round instead of every origin's ranges.
 */
export function digestPull(ctx: SpreadingContext): Message {
  const hash = ctx.store.digestHash();
  if (ctx.lastDigestHash === hash) return { t: 'pull', digest: [], rumors: [], hash };
  ctx.lastDigestHash = hash;
  return { t: 'pull', digest: ctx.store.digest(), rumors: [] };
}

export function allBut(neighbors: readonly PeerId[], except: PeerId | null): PeerId[] {
  return neighbors.filter((p) => p !== except);
}

/** `fanout` random neighbours but the sender: where the periodic modes send state changes at once. */
export function fanoutSample(ctx: SpreadingContext, except: PeerId | null): PeerId[] {
  return sample(ctx.env.random, allBut(ctx.neighbors(), except), ctx.options.fanout);
}

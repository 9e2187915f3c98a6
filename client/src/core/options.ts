import { z } from 'zod';
import { CoreError } from './ids.ts';

/** How rumors travel. Each period a node talks to one random neighbour, as in the classic protocols. */
export const MODES = ['push', 'pull', 'push-pull', 'eager', 'tree', 'flood'] as const;
export type Mode = (typeof MODES)[number];

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/**
 * The one options object of a GossipNode. Each field: meaning, default, unit in the name.
 * `createOptions` fills defaults and rejects anything out of range with a message naming the field.
 */
const optionsSchema = z
  .object({
    /** push: informed nodes push hot rumors; pull: nodes ask for what they lack; push-pull: both in
     * one exchange; eager: forward on first receipt to `fanout` neighbours, pull by digest each period;
     * tree: forward on first receipt over a self-pruning spanning tree (one copy per node, see tree.ts),
     * pull by digest each period; flood: forward on first receipt to every neighbour (the naive
     * baseline, as y-webrtc does), pull by digest each period. */
    mode: z.enum(MODES).default('tree'),
    /** Length of one gossip round. */
    periodMs: int(10, 3_600_000).default(1000),
    /** Neighbours an eager node forwards a new rumor or state change to (sender excluded). */
    fanout: int(1, 64).default(3),
    /** Target number of open links (the active view). */
    activeViewSize: int(1, 64).default(5),
    /** Hard cap on open links; incoming links beyond it are refused. */
    maxActiveViewSize: int(1, 128).default(8),
    /** Known-but-not-linked peers kept as replacements. */
    passiveViewSize: int(1, 10_000).default(30),
    /** How often a node swaps a random sample of known peers with a neighbour. */
    shufflePeriodMs: int(10, 3_600_000).default(5000),
    /** Peers per shuffle sample (the sender itself included). */
    shuffleSampleSize: int(1, 64).default(8),
    /** Rumor mongering stop rule: a node stops pushing a rumor after this many peers said they had it. */
    stopAfterDuplicates: int(1, 100).default(3),
    /** A node also stops pushing a rumor this long after it learned it (bounds pushes in tiny meshes). */
    hotForMs: int(10, 86_400_000).default(30_000),
    /** Full anti-entropy (rumor digest + CRDT state) with one random neighbour this often. */
    antiEntropyPeriodMs: int(10, 3_600_000).default(3000),
    /** Rumors older than this (by origin timestamp) are forgotten and refused. */
    rumorRetentionMs: int(1000, 86_400_000).default(600_000),
    /** Most rumors kept at once; the oldest go first. */
    maxRumors: int(1, 100_000).default(2000),
    /** Failure detection (SWIM with Lifeguard, failure-detector.ts): a neighbour silent this long
     * is due a probe (a link that carried anything more recently needs none); one silent for half of
     * it is probed in the node's beat when the beat goes to it (node.ts), at no message of its own.
     * Most idle traffic is these probes and their answers; 1250 would cut a fifth of it, but then a
     * partitioned simulator network (simulation.test.ts) did not heal: links across a healed split
     * come only from nodes still below target, and slower detection leaves fewer of them. */
    pingIntervalMs: int(10, 3_600_000).default(750),
    /** One failure-detector round: at most one probe to a quiet neighbour (the quietest) per round. */
    probePeriodMs: int(10, 3_600_000).default(250),
    /** A probe unanswered this long goes indirect (through `indirectProbes` neighbours that are linked
     * to the target), and an indirect round unanswered this long makes the target a suspect. Scaled
     * by the local health (a node whose own timers run late waits longer). */
    probeTimeoutMs: int(10, 3_600_000).default(500),
    /** Neighbours asked to probe a target for us before we suspect it. */
    indirectProbes: int(0, 16).default(3),
    /** A suspect silent this long (scaled by local health) is declared dead. The answer to a probe
     * comes from the message handler, so a throttled background tab answers; one that says its
     * rounds run late (failure-detector.ts) gets twice its lag more, at most deadAfterMs more. */
    deadAfterMs: int(100, 86_400_000).default(2500),
    /** A requested link that has not opened by then is given up. */
    connectTimeoutMs: int(100, 3_600_000).default(15_000),
    /** Gossip each node's neighbour list so every tab can draw the mesh (off in large simulations). */
    shareTopology: z.boolean().default(true),
    /** A topology entry not refreshed for this long is dropped (its node is gone). */
    topologyTtlMs: int(1000, 86_400_000).default(60_000),
    /** Push-sum aggregation: one share to a random neighbour this often (0 turns aggregates off). */
    aggregatePeriodMs: int(0, 3_600_000).default(250),
    /** A new aggregation instance starts every epoch and runs for two (instances overlap), so departed
     * peers stop counting within two epochs; the estimate shown is the older running instance's. */
    epochMs: int(100, 86_400_000).default(5000),
    /** Most hops a signal relayed through the mesh may take. */
    maxSignalHops: int(1, 64).default(8),
  })
  .strict()
  .refine((o) => o.maxActiveViewSize >= o.activeViewSize, {
    message: 'maxActiveViewSize must be >= activeViewSize',
    path: ['maxActiveViewSize'],
  });

export type Options = z.output<typeof optionsSchema>;
export type OptionsInput = Partial<Options>;

export function createOptions(partial: OptionsInput = {}): Options {
  const result = optionsSchema.safeParse(partial);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`);
    throw new CoreError('bad-option', problems.join('; '));
  }
  return result.data;
}

export const DEFAULT_OPTIONS: Options = createOptions();

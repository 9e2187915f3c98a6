import { DEFAULT_OPTIONS, type Mode, type OptionsInput } from '../core/options.ts';
import type { MessageType } from '../core/wire.ts';
import type { MemoryEncoding } from '../transport/memory.ts';
import type { NetworkConfig } from './network.ts';
import { Simulation, type SimDropReason } from './simulation.ts';
import { rmr, theoryFormula, theoryRounds } from './theory.ts';

/** One rumor experiment: N nodes form a mesh, optionally some crash, one live node publishes. */
export interface RumorRunConfig {
  nodes: number;
  mode: Mode;
  seed: number;
  /** Target degree (the core's activeViewSize). Default 5. */
  degree?: number;
  /** Hard cap on links (maxActiveViewSize). Default degree + 3. */
  maxDegree?: number;
  /** Eager forwarding fanout. Default: the core's (3). */
  fanout?: number;
  /** Message loss probability. Default 0. */
  loss?: number;
  /** Fraction of live nodes crashed right before the rumor is published. Default 0. */
  crash?: number;
  /** Gossip period. Default 1000 ms. */
  periodMs?: number;
  /** Warm-up after the last node joined, before the rumor. Default 15 periods. */
  warmupMs?: number;
  /** Give up after this many rounds without full coverage and quiet. Default 200. */
  maxRounds?: number;
  /**
   * Give up sooner when no new node was informed for this many rounds while some live node still
   * lacks the rumor: every mode pulls or pushes each period, so a rumor that reaches nobody new for
   * that long is cut off (a node outside the mesh's component). Default 30.
   */
  stallRounds?: number;
  /** Latency, jitter, bandwidth (loss above wins over network.loss). */
  network?: Partial<NetworkConfig>;
  /**
   * Any other core option for every node. The experiment turns push-sum aggregates off
   * (`aggregatePeriodMs: 0`): they are background traffic with no part in a rumor, and they would
   * double the simulator's work. Set `aggregatePeriodMs` here to run them.
   */
  node?: OptionsInput;
  encoding?: MemoryEncoding;
  /** Record every processed event in `result.trace`. Small N only. */
  trace?: boolean;
}

export interface WarmupProgress {
  timeMs: number;
  joined: number;
  meanDegree: number;
  isolated: number;
  messages: number;
}

export interface RoundProgress {
  round: number;
  timeMs: number;
  informed: number;
  live: number;
  fraction: number;
  /** Messages and rumor copies sent during this round. */
  messages: number;
  payloads: number;
  /** Simulator events processed so far (progress: events per second). */
  events: number;
}

export interface RumorHooks {
  onWarmup?: (progress: WarmupProgress) => void;
  onRound?: (progress: RoundProgress) => void;
}

export interface RumorResult {
  nodes: number;
  mode: Mode;
  seed: number;
  degree: number;
  maxDegree: number;
  fanout: number;
  loss: number;
  crash: number;
  periodMs: number;
  /** Live nodes when the rumor started (the ones that must be informed). */
  live: number;
  crashed: number;
  /** Mean active view size of live nodes when the rumor started. */
  meanDegree: number;
  /** Live nodes without any link when the rumor started. */
  isolated: number;
  publisher: string;
  /** Rounds from publish to the last live node informed; null when coverage never reached 1. */
  rounds: number | null;
  /** Same, to the last node informed so far (even when coverage < 1). */
  roundsToLast: number;
  /** Hops the first copy had travelled at the node it reached over the longest path (Plumtree's LDH). */
  lastDeliveryHops: number;
  /** Informed live nodes / live nodes. */
  coverage: number;
  informed: number;
  /** Every message sent during the measured phase (publish until the rumor went quiet). */
  messages: number;
  /** Rumor copies sent during the measured phase. */
  payloadMessages: number;
  /** payloadMessages / (live - 1) - 1. */
  rmr: number;
  messagesByType: Record<MessageType, number>;
  dropped: Record<SimDropReason, number>;
  /** Complete-graph theory for the same N (live nodes). */
  theory: { formula: string | null; rounds: number | null };
  /** Length of the measured phase, in rounds. */
  measuredRounds: number;
  /** Informed fraction at the end of each round. */
  perRound: number[];
  /** Virtual time at the end, ms, and simulator events processed. */
  virtualMs: number;
  events: number;
  trace?: string[];
}

/** Runs the experiment; pure (no I/O, no wall clock), so it also runs in a browser page. */
export function runRumor(config: RumorRunConfig, hooks: RumorHooks = {}): RumorResult {
  const periodMs = config.periodMs ?? 1000;
  const degree = config.degree ?? 5;
  const maxDegree = config.maxDegree ?? degree + 3;
  const loss = config.loss ?? config.network?.loss ?? 0;
  const crash = config.crash ?? 0;
  const maxRounds = config.maxRounds ?? 200;
  const stallRounds = config.stallRounds ?? 30;
  const warmupMs = config.warmupMs ?? 15 * periodMs;
  if (!(crash >= 0 && crash < 1)) throw new RangeError(`crash must be in [0, 1), got ${crash}`);
  if (!Number.isSafeInteger(maxRounds) || maxRounds < 1) throw new RangeError(`maxRounds must be a positive integer, got ${maxRounds}`);
  if (!Number.isSafeInteger(stallRounds) || stallRounds < 1) throw new RangeError(`stallRounds must be a positive integer, got ${stallRounds}`);
  if (!(warmupMs >= 0)) throw new RangeError(`warmupMs must be >= 0, got ${warmupMs}`);

  const node: OptionsInput = {
    aggregatePeriodMs: 0,
    ...config.node,
    mode: config.mode,
    periodMs,
    activeViewSize: degree,
    maxActiveViewSize: maxDegree,
    ...(config.fanout !== undefined ? { fanout: config.fanout } : {}),
  };
  const joinWindowMs = 2 * periodMs;
  const sim = new Simulation({
    nodes: config.nodes,
    seed: config.seed,
    node,
    network: { ...config.network, loss },
    encoding: config.encoding ?? 'object',
    joinWindowMs,
    ...(config.trace === true ? { trace: true } : {}),
  });
  const fanout = node.fanout ?? DEFAULT_OPTIONS.fanout;

  // Warm-up: everyone joins, views settle.
  const warmupEnd = joinWindowMs + warmupMs;
  for (let t = Math.min(periodMs, warmupEnd); ; t = Math.min(t + periodMs, warmupEnd)) {
    sim.run(t);
    if (hooks.onWarmup) {
      hooks.onWarmup({ timeMs: t, joined: sim.joined, meanDegree: sim.meanDegree(), isolated: sim.isolated(), messages: sim.counters.sent });
    }
    if (t >= warmupEnd) break;
  }

  const crashedNodes = crash > 0 ? sim.crashFraction(crash) : [];
  const live = sim.live;
  const meanDegree = sim.meanDegree();
  const isolated = sim.isolated();
  const publisher = sim.randomLiveNode();
  const startSent = sim.counters.sent;
  const startPayloads = sim.counters.payloads;
  const startByType = { ...sim.counters.sentByType };
  const startDropped = { ...sim.counters.dropped };
  const t0 = sim.now;
  sim.publish(publisher, `rumor from n${publisher}`);

  const perRound: number[] = [];
  let round = 0;
  let coveredBefore = false;
  let informedBefore = sim.informed;
  let lastProgressRound = 0;
  let sentBefore = sim.counters.sent;
  let payloadsBefore = sim.counters.payloads;
  while (round < maxRounds) {
    round++;
    sim.run(t0 + round * periodMs);
    const informed = sim.informed;
    const fraction = live === 0 ? 1 : informed / live;
    perRound.push(fraction);
    const payloads = sim.counters.payloads - payloadsBefore;
    hooks.onRound?.({ round, timeMs: sim.now, informed, live, fraction, messages: sim.counters.sent - sentBefore, payloads, events: sim.counters.events });
    sentBefore = sim.counters.sent;
    payloadsBefore = sim.counters.payloads;
    // Quiet: everyone had it before this round began and nobody sent a copy during it. Every node
    // runs exactly one gossip round per period, so a hot rumor would have been sent.
    if (coveredBefore && payloads === 0) break;
    coveredBefore = informed === live;
    if (informed !== informedBefore) lastProgressRound = round;
    informedBefore = informed;
    if (!coveredBefore && round - lastProgressRound >= stallRounds) break;
  }

  const informed = sim.informed;
  const payloadMessages = sim.counters.payloads - startPayloads;
  const messagesByType = { ...sim.counters.sentByType };
  for (const key of Object.keys(messagesByType) as MessageType[]) messagesByType[key] -= startByType[key];
  const dropped = { ...sim.counters.dropped };
  for (const key of Object.keys(dropped) as SimDropReason[]) dropped[key] -= startDropped[key];
  const roundsToLast = Number.isNaN(sim.tracked.lastInformedTime) ? 0 : (sim.tracked.lastInformedTime - t0) / periodMs;
  const result: RumorResult = {
    nodes: config.nodes,
    mode: config.mode,
    seed: config.seed,
    degree,
    maxDegree,
    fanout,
    loss,
    crash,
    periodMs,
    live,
    crashed: crashedNodes.length,
    meanDegree: round4(meanDegree),
    isolated,
    publisher: `n${publisher}`,
    rounds: informed === live ? round4(roundsToLast) : null,
    roundsToLast: round4(roundsToLast),
    lastDeliveryHops: sim.tracked.lastDeliveryHops,
    coverage: live === 0 ? 1 : informed / live,
    informed,
    messages: sim.counters.sent - startSent,
    payloadMessages,
    rmr: round4(rmr(payloadMessages, live)),
    messagesByType,
    dropped,
    theory: { formula: theoryFormula(config.mode), rounds: roundOrNull(theoryRounds(config.mode, live)) },
    measuredRounds: round,
    perRound: perRound.map(round4),
    virtualMs: sim.now,
    events: sim.counters.events,
  };
  if (config.trace === true) result.trace = sim.trace;
  return result;
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

function roundOrNull(x: number | null): number | null {
  return x === null ? null : round4(x);
}

import { seededEnv } from '../core/env.ts';
import type { PeerId } from '../core/ids.ts';
import { GossipNode } from '../core/node.ts';
import { validateConfig, type PlaygroundConfig } from './config.ts';
import { messageBytes, naiveMessage, ORIGIN, PlaygroundRun, rumorPayload, type RunKind } from './run.ts';
import { gossipTheoryCurve, naiveTheoryCurve, theoryRoundsFor, type Curve } from './theory-curve.ts';
import { buildOverlay, hopDistances, type Overlay } from './topology.ts';

/**
 * The playground's model: one network (overlay, latencies, uplinks), two runs on it from the same
 * seed (naive broadcast and the chosen gossip mode), on one virtual clock, plus the theory curves.
 * Pure: the page draws it, the tests run it in Node, and both get the same numbers for a config.
 */

/** What one run came to: the chart's series and final values. */
export interface RunSummary {
  kind: RunKind;
  nodes: number;
  /** Nodes not crashed at the end. */
  live: number;
  /** Nodes that ever had the rumor (a crashed origin included). */
  informed: number;
  informedLive: number;
  /** informed / nodes: the chart's final value. */
  finalFraction: number;
  /** When every live node had the rumor; null when that never happened. */
  completeAtMs: number | null;
  /** When the last node to learn the rumor learned it. */
  lastInformedAtMs: number;
  /** Virtual time at which the run stopped. */
  endedAtMs: number;
  crashedAtMs: number | null;
  messages: number;
  payloadMessages: number;
  bytes: number;
  lost: number;
  droppedByCrash: number;
  /** The chart's series: informedTimesMs[k] is when the (k+1)-th node got the rumor. */
  informedTimesMs: number[];
}

export type Winner = 'naive' | 'gossip' | 'tie' | 'neither';

export interface PlaygroundSummary {
  config: PlaygroundConfig;
  /** Size of the push message that carries the rumor (one naive copy). */
  rumorMessageBytes: number;
  /** When the origin crashes (both runs); null: it does not. */
  crashAtMs: number | null;
  horizonMs: number;
  overlay: { edges: number; meanDegree: number; originEccentricity: number };
  naive: RunSummary;
  gossip: RunSummary;
  /** Who informed every live node first. */
  winner: Winner;
  theory: {
    /** Complete-graph rounds to inform all (sim/theory.ts); null for eager. */
    gossipRounds: number | null;
    /** Last point of each theory curve. */
    gossipEnd: readonly [number, number];
    naiveEnd: readonly [number, number];
  };
}

/** Bytes of the push message carrying this config's rumor, as the core builds it. */
export function rumorMessageBytesFor(config: PlaygroundConfig): number {
  const probe = new GossipNode('n0' as PeerId, seededEnv(0, () => 0), { shareTopology: false, aggregatePeriodMs: 0 });
  return messageBytes(naiveMessage(probe.publish(rumorPayload(config.payloadBytes))));
}

/** Naive broadcast's sending time: N-1 copies through the origin's uplink. */
export function naiveSendMs(config: PlaygroundConfig, rumorMessageBytes: number): number {
  return ((config.nodes - 1) * rumorMessageBytes) / config.throughputBytesPerMs;
}

/** When the origin crashes: `crashAtFraction` of naive broadcast's sending time (null: no crash). */
export function crashTimeMs(config: PlaygroundConfig, rumorMessageBytes: number): number | null {
  return config.crashOrigin ? config.crashAtFraction * naiveSendMs(config, rumorMessageBytes) : null;
}

/** Where both runs stop at the latest: well past naive's sending time and 200 gossip periods. */
export function horizonFor(config: PlaygroundConfig, rumorMessageBytes: number): number {
  const span = 2 * naiveSendMs(config, rumorMessageBytes) + 200 * config.periodMs + 100 * config.latencyMs;
  return Math.min(86_400_000, Math.ceil(span));
}

export class Playground {
  readonly config: Readonly<PlaygroundConfig>;
  readonly overlay: Overlay;
  readonly naive: PlaygroundRun;
  readonly gossip: PlaygroundRun;
  readonly rumorMessageBytes: number;
  readonly crashAtMs: number | null;
  readonly horizonMs: number;
  readonly theory: { readonly gossip: Curve; readonly naive: Curve };
  /** The shared virtual clock, ms. */
  now = 0;

  constructor(config: PlaygroundConfig, opts: { trackFlights?: boolean } = {}) {
    this.config = validateConfig({ ...config });
    this.overlay = buildOverlay(config.nodes, config.degree, config.seed);
    this.rumorMessageBytes = rumorMessageBytesFor(config);
    this.crashAtMs = crashTimeMs(config, this.rumorMessageBytes);
    this.horizonMs = horizonFor(config, this.rumorMessageBytes);
    const runOptions = { crashAtMs: this.crashAtMs, horizonMs: this.horizonMs, trackFlights: opts.trackFlights ?? false };
    this.naive = new PlaygroundRun('naive', this.config, this.overlay, runOptions);
    this.gossip = new PlaygroundRun(config.mode, this.config, this.overlay, runOptions);
    this.theory = {
      gossip: gossipTheoryCurve(this.config, this.rumorMessageBytes),
      naive: naiveTheoryCurve(this.config, this.rumorMessageBytes, this.crashAtMs),
    };
  }

  get done(): boolean {
    return this.naive.done && this.gossip.done;
  }

  /** Advances both runs to `untilMs` on the shared clock (a finished run stays where it ended). */
  advanceTo(untilMs: number): void {
    const until = Math.min(untilMs, this.horizonMs);
    this.naive.advanceTo(until);
    this.gossip.advanceTo(until);
    if (until > this.now) this.now = until;
    if (this.done) this.now = Math.max(this.naive.now, this.gossip.now);
  }

  runToCompletion(): PlaygroundSummary {
    this.advanceTo(this.horizonMs);
    return this.summary();
  }

  summary(): PlaygroundSummary {
    const degrees = this.overlay.adjacency.map((a) => a.length);
    let eccentricity = 0;
    for (const d of hopDistances(this.overlay, ORIGIN)) eccentricity = Math.max(eccentricity, d);
    const naive = summarize(this.naive);
    const gossip = summarize(this.gossip);
    return {
      config: { ...this.config },
      rumorMessageBytes: this.rumorMessageBytes,
      crashAtMs: this.crashAtMs,
      horizonMs: this.horizonMs,
      overlay: { edges: this.overlay.edgeCount, meanDegree: degrees.reduce((s, d) => s + d, 0) / degrees.length, originEccentricity: eccentricity },
      naive,
      gossip,
      winner: winnerOf(naive.completeAtMs, gossip.completeAtMs),
      theory: {
        gossipRounds: theoryRoundsFor(this.config.mode, this.config.nodes),
        gossipEnd: lastPoint(this.theory.gossip),
        naiveEnd: lastPoint(this.theory.naive),
      },
    };
  }
}

/** Builds the network, runs both to completion, and reports: the whole model in one call. */
export function runPlayground(config: PlaygroundConfig): PlaygroundSummary {
  return new Playground(config).runToCompletion();
}

export function summarize(run: PlaygroundRun): RunSummary {
  const times = run.informedTimesMs;
  return {
    kind: run.kind,
    nodes: run.size,
    live: run.live,
    informed: run.informed,
    informedLive: run.informedLive,
    finalFraction: run.informed / run.size,
    completeAtMs: run.completeAtMs,
    lastInformedAtMs: times.length === 0 ? 0 : (times[times.length - 1] as number),
    endedAtMs: run.now,
    crashedAtMs: run.crashedAtMs,
    messages: run.stats.messages,
    payloadMessages: run.stats.payloadMessages,
    bytes: run.stats.bytes,
    lost: run.stats.lost,
    droppedByCrash: run.stats.droppedByCrash,
    informedTimesMs: times.slice(),
  };
}

function winnerOf(naive: number | null, gossip: number | null): Winner {
  if (naive === null && gossip === null) return 'neither';
  if (gossip === null) return 'naive';
  if (naive === null) return 'gossip';
  return naive < gossip ? 'naive' : gossip < naive ? 'gossip' : 'tie';
}

function lastPoint(curve: Curve): readonly [number, number] {
  const last = curve[curve.length - 1];
  return last === undefined ? [0, 0] : [last[0], last[1]];
}

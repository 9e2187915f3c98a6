import { seededEnv } from '../core/env.ts';
import type { PeerId } from '../core/ids.ts';
import { GossipNode } from '../core/node.ts';
import type { OptionsInput } from '../core/options.ts';
import type { MemoryEncoding } from '../transport/memory.ts';
import type { NetworkConfig } from './network.ts';

/** What a `Simulation` is built from; everything but `nodes` and `seed` has a default. */
export interface SimulationConfig {
  /** How many nodes join (ids n0..n{N-1}, joining in that order). */
  nodes: number;
  /** Everything random in the run derives from this. */
  seed: number;
  /** Core options for every node. The simulator defaults `shareTopology` to false. */
  node?: OptionsInput;
  network?: Partial<NetworkConfig>;
  /** Default `object` (cheapest); `json` carries JSON text like a data channel. */
  encoding?: MemoryEncoding;
  /** Peers the bootstrap service hands a joining (or lonely) node, at random among those present. Default 4. */
  introductions?: number;
  /** Nodes join at even intervals over this window, starting at time 0. Default 2 periods. */
  joinWindowMs?: number;
  /** Setting a link up takes this many one-way latencies of that link (offer, answer, ICE). Default 3. */
  connectLatencies?: number;
  /** A link request to a crashed or unreachable peer fails after this long. Default 5000 ms. */
  connectFailMs?: number;
  /**
   * Driver watchdog: a node that has had no lasting link for this long asks the bootstrap service
   * for fresh introductions, as a tab's driver would, besides when the core says 'lonely'. 0 = off.
   * Default 5000 ms.
   */
  reintroduceAfterMs?: number;
  /** Keep one line per processed event (small runs: determinism checks, debugging). */
  trace?: boolean;
}

/** The config with its defaults filled in and each number checked. */
export interface ResolvedSimulationConfig {
  /** Core options for every node, `shareTopology` defaulted to false. */
  nodeOptions: OptionsInput;
  /** The nodes' gossip period (from the core's options and defaults). */
  periodMs: number;
  introductions: number;
  joinWindowMs: number;
  connectLatencies: number;
  connectFailMs: number;
  reintroduceAfterMs: number;
}

/** Throws a RangeError (or the core's CoreError for node options) naming the first bad field. */
export function resolveSimulationConfig(config: SimulationConfig): ResolvedSimulationConfig {
  if (!Number.isSafeInteger(config.nodes) || config.nodes < 1) throw new RangeError(`nodes must be a positive integer, got ${config.nodes}`);
  if (!Number.isFinite(config.seed)) throw new RangeError(`seed must be a finite number, got ${config.seed}`);
  const nodeOptions: OptionsInput = { shareTopology: false, ...config.node };
  // Validates the node options once, with a clear message, before any node exists.
  const probe = new GossipNode('probe' as PeerId, seededEnv(0, () => 0), nodeOptions);
  const periodMs = probe.options.periodMs;
  return {
    nodeOptions,
    periodMs,
    introductions: positiveInt('introductions', config.introductions ?? 4),
    connectLatencies: nonNegative('connectLatencies', config.connectLatencies ?? 3),
    connectFailMs: nonNegative('connectFailMs', config.connectFailMs ?? 5000),
    reintroduceAfterMs: nonNegative('reintroduceAfterMs', config.reintroduceAfterMs ?? 5000),
    joinWindowMs: nonNegative('joinWindowMs', config.joinWindowMs ?? 2 * periodMs),
  };
}

function positiveInt(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  return value;
}

import type { Mode } from '../core/options.ts';

/**
 * The playground's settings: one network, one rumor from node 0, two runs on it (naive broadcast
 * and one gossip mode). Pure: no DOM. Every field has a unit in its name and a range below.
 */

/** The gossip modes the playground offers beside naive broadcast (a subset of the core's modes). */
export const GOSSIP_MODES = ['push', 'pull', 'push-pull', 'eager', 'tree'] as const satisfies readonly Mode[];
export type GossipMode = (typeof GOSSIP_MODES)[number];

export interface PlaygroundConfig {
  /** Everything random (topology, latencies, phases, loss) derives from this. */
  seed: number;
  /** Number of virtual nodes; node 0 publishes the rumor. */
  nodes: number;
  /** Target links per node in the gossip overlay (a random connected graph, mean degree just below). */
  degree: number;
  /** The gossip mode run beside naive broadcast. */
  mode: GossipMode;
  /** Gossip round length (the core's `periodMs`). */
  periodMs: number;
  /** Eager mode: neighbours a node forwards a new rumor to (the core's `fanout`). */
  fanout: number;
  /** Mean one-way link latency; each link draws its own in [0.5, 1.5] x this, the same both ways. */
  latencyMs: number;
  /**
   * Each node's uplink, bytes per millisecond (1 B/ms = 8 kbit/s). Everything a node sends goes
   * through it one message after another, so naive broadcast's N-1 copies queue at the origin.
   */
  throughputBytesPerMs: number;
  /** Probability that a message is lost in transit (it still used the sender's uplink). */
  loss: number;
  /** Whether the origin crashes part-way through naive broadcast's sends. */
  crashOrigin: boolean;
  /**
   * When the origin crashes, as a fraction of naive broadcast's sending time: at 0.5 it has pushed
   * half of its N-1 copies through its uplink. Both runs lose the origin at that same virtual time.
   */
  crashAtFraction: number;
  /** Size of the rumor's payload text. */
  payloadBytes: number;
}

export interface Range {
  min: number;
  max: number;
  /** Only whole numbers. */
  integer: boolean;
}

export type NumericField = { [K in keyof PlaygroundConfig]: PlaygroundConfig[K] extends number ? K : never }[keyof PlaygroundConfig];

export const RANGES: Readonly<Record<NumericField, Range>> = {
  seed: { min: 0, max: 4_294_967_295, integer: true },
  nodes: { min: 2, max: 10_000, integer: true },
  degree: { min: 2, max: 32, integer: true },
  periodMs: { min: 10, max: 60_000, integer: true },
  fanout: { min: 1, max: 32, integer: true },
  latencyMs: { min: 1, max: 10_000, integer: false },
  throughputBytesPerMs: { min: 0.01, max: 1_000_000, integer: false },
  loss: { min: 0, max: 0.9, integer: false },
  crashAtFraction: { min: 0, max: 1, integer: false },
  payloadBytes: { min: 1, max: 2048, integer: true },
};

export const DEFAULT_CONFIG: Readonly<PlaygroundConfig> = {
  seed: 1,
  nodes: 300,
  degree: 5,
  mode: 'push-pull',
  periodMs: 250,
  fanout: 3,
  latencyMs: 50,
  throughputBytesPerMs: 20,
  loss: 0,
  crashOrigin: false,
  crashAtFraction: 0.5,
  payloadBytes: 200,
};

/** Most nodes the page draws one by one (with links and moving messages); above it, a grid of cells. */
export const DRAW_LIMIT = 500;

export function isGossipMode(value: unknown): value is GossipMode {
  return typeof value === 'string' && (GOSSIP_MODES as readonly string[]).includes(value);
}

/** Problems with a config, one line each naming the field; empty when valid. */
export function configProblems(config: PlaygroundConfig): string[] {
  const problems: string[] = [];
  for (const [field, range] of Object.entries(RANGES) as Array<[NumericField, Range]>) {
    const value = config[field];
    if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`${field}: must be a finite number, got ${String(value)}`);
    else if (value < range.min || value > range.max) problems.push(`${field}: must be in [${range.min}, ${range.max}], got ${value}`);
    else if (range.integer && !Number.isInteger(value)) problems.push(`${field}: must be a whole number, got ${value}`);
  }
  if (!isGossipMode(config.mode)) problems.push(`mode: must be one of ${GOSSIP_MODES.join(', ')}, got ${String(config.mode)}`);
  if (typeof config.crashOrigin !== 'boolean') problems.push(`crashOrigin: must be true or false`);
  return problems;
}

/** Throws a RangeError listing every problem. */
export function validateConfig(config: PlaygroundConfig): PlaygroundConfig {
  const problems = configProblems(config);
  if (problems.length > 0) throw new RangeError(`playground config: ${problems.join('; ')}`);
  return config;
}

/** Clamps a number into a field's range (rounding integer fields): for sliders and text boxes. */
export function clampField(field: NumericField, value: number): number {
  const range = RANGES[field];
  if (!Number.isFinite(value)) return DEFAULT_CONFIG[field];
  const rounded = range.integer ? Math.round(value) : value;
  return Math.min(range.max, Math.max(range.min, rounded));
}

/** Short URL keys, so that a setting can be shared as a link (`playground.html?n=1000&mode=push`). */
const QUERY_KEYS: Readonly<Record<keyof PlaygroundConfig, string>> = {
  seed: 'seed',
  nodes: 'n',
  degree: 'degree',
  mode: 'mode',
  periodMs: 'period',
  fanout: 'fanout',
  latencyMs: 'latency',
  throughputBytesPerMs: 'throughput',
  loss: 'loss',
  crashOrigin: 'crash',
  crashAtFraction: 'crashAt',
  payloadBytes: 'payload',
};

export type ParsedConfig = { ok: true; config: PlaygroundConfig } | { ok: false; errors: string[] };

/** Reads a config from a URL query; absent keys keep their defaults, bad values are reported. */
export function parseConfigQuery(search: string, base: PlaygroundConfig = DEFAULT_CONFIG): ParsedConfig {
  const params = new URLSearchParams(search);
  const config: PlaygroundConfig = { ...base };
  const errors: string[] = [];
  for (const [field, key] of Object.entries(QUERY_KEYS) as Array<[keyof PlaygroundConfig, string]>) {
    const raw = params.get(key);
    if (raw === null) continue;
    if (field === 'mode') {
      if (isGossipMode(raw)) config.mode = raw;
      else errors.push(`${key}: must be one of ${GOSSIP_MODES.join(', ')}, got ${JSON.stringify(raw)}`);
    } else if (field === 'crashOrigin') {
      if (raw === '1' || raw === 'true') config.crashOrigin = true;
      else if (raw === '0' || raw === 'false') config.crashOrigin = false;
      else errors.push(`${key}: must be 1 or 0, got ${JSON.stringify(raw)}`);
    } else {
      const value = raw.trim() === '' ? NaN : Number(raw);
      const range = RANGES[field];
      if (!Number.isFinite(value) || value < range.min || value > range.max || (range.integer && !Number.isInteger(value))) {
        errors.push(`${key}: must be ${range.integer ? 'a whole number' : 'a number'} in [${range.min}, ${range.max}], got ${JSON.stringify(raw)}`);
      } else config[field] = value;
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config };
}

/** The query that `parseConfigQuery` reads back to `config` (only fields that differ from the defaults). */
export function configToQuery(config: PlaygroundConfig): string {
  const params = new URLSearchParams();
  for (const [field, key] of Object.entries(QUERY_KEYS) as Array<[keyof PlaygroundConfig, string]>) {
    const value = config[field];
    if (value === DEFAULT_CONFIG[field]) continue;
    params.set(key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

import { seededRandom } from '../core/env.ts';
import { DEFAULT_OPTIONS } from '../core/options.ts';
import { EventQueue } from './event-queue.ts';
import { Network, type NetworkConfig } from './network.ts';
import { deriveSeed } from './random.ts';
import { rmr } from './theory.ts';

/** The modes whose complete-graph baseline is defined: one contact per node per round. */
export const COMPLETE_GRAPH_MODES = ['push', 'pull', 'push-pull'] as const;
export type CompleteGraphMode = (typeof COMPLETE_GRAPH_MODES)[number];

export interface CompleteGraphConfig {
  nodes: number;
  mode: CompleteGraphMode;
  seed: number;
  /** Gossip period. Default 1000 ms (the mesh runs' default). */
  periodMs?: number;
  /** Latency, jitter, loss: the same network model as the mesh (default uniform 10-100 ms). */
  network?: Partial<NetworkConfig>;
  /** Rumor mongering stop rule (push and push-pull), as the core's option. Default the core's (3). */
  stopAfterDuplicates?: number;
  /** Push mode's digest pull with one random node, as the core's anti-entropy. Default the core's (3000 ms). */
  antiEntropyPeriodMs?: number;
  /** Give up after this many rounds. Default 200. */
  maxRounds?: number;
  /**
   * Instead of the complete graph, a random `degree`-regular graph (configuration model; the rare
   * self-loop or repeated pair is dropped), each node visiting its neighbours once per cycle in a
   * fresh random order, as the core's nextPartner does. It tells how much of the mesh's slowdown
   * is the sparse graph itself, protocol apart. Default: none (complete graph).
   */
  degree?: number;
}

export interface CompleteGraphResult {
  nodes: number;
  mode: CompleteGraphMode;
  seed: number;
  /** Rounds from publish to the last node informed; null when not every node was. */
  rounds: number | null;
  coverage: number;
  /** Rumor copies sent until every node had it (the RMR numerator). */
  payloadMessages: number;
  rmr: number;
  /** Informed fraction at the end of each round. */
  perRound: number[];
}

/** What a node does at a time, or a message arriving (`reply`: the answer to a round's message). */
type Event =
  | { readonly kind: 'round' | 'anti-entropy'; readonly node: number }
  | { readonly kind: 'message'; readonly from: number; readonly to: number; readonly reply: boolean; readonly carries: boolean; readonly senderHas: boolean };

/**
 * The baseline the theory formulas describe, in the same timing model as the mesh runs: every node
 * is linked to every other, gossips once per period at its own random phase (as Dissemination
 * does), picks a partner uniformly among the other N - 1, and messages take the network model's
 * latency and loss. The rumor rules are the core's (rumors.ts, modes/): push sends the hot rumor
 * each round and stops after `stopAfterDuplicates` peers said they had it, with a digest pull every
 * anti-entropy period; pull asks with its digest each round; push-pull does both in one exchange.
 * One rumor, so a node's state is two bytes (informed, duplicates heard): 10^6 nodes fit.
 * This is a model, not the GossipNode code: a complete graph of GossipNodes would hold N^2 links.
 */
export function runCompleteGraph(config: CompleteGraphConfig): CompleteGraphResult {
  const n = config.nodes;
  if (!Number.isSafeInteger(n) || n < 2) throw new RangeError(`nodes must be an integer >= 2, got ${n}`);
  const mode = config.mode;
  if (!COMPLETE_GRAPH_MODES.includes(mode)) throw new RangeError(`complete graph: mode must be one of ${COMPLETE_GRAPH_MODES.join(', ')}, got ${String(mode)}`);
  const periodMs = config.periodMs ?? 1000;
  const stopAfter = config.stopAfterDuplicates ?? DEFAULT_OPTIONS.stopAfterDuplicates;
  const antiEntropyMs = config.antiEntropyPeriodMs ?? DEFAULT_OPTIONS.antiEntropyPeriodMs;
  const maxRounds = config.maxRounds ?? 200;
  const random = seededRandom(deriveSeed(config.seed, 'complete-graph'));
  const network = new Network(config.network ?? {}, seededRandom(deriveSeed(config.seed, 'network')));
  const queue = new EventQueue<Event>();
  const informed = new Uint8Array(n);
  const duplicates = new Uint8Array(n);
  let informedCount = 0;
  let payloads = 0;
  let lastInformedAt = 0;
  let now = 0;

  const inform = (i: number): void => {
    informed[i] = 1;
    informedCount++;
    lastInformedAt = now;
  };
  /** Hot: pushed along (push, push-pull) until enough peers said they had it. */
  const hot = (i: number): boolean => mode !== 'pull' && informed[i] === 1 && (duplicates[i] as number) < stopAfter;
  const sparse = config.degree === undefined ? null : regularGraph(n, config.degree, random);
  const partnerOf =
    sparse === null
      ? (i: number): number => {
          const j = Math.floor(random() * (n - 1));
          return j >= i ? j + 1 : j;
        }
      : (i: number): number => sparse.next(i, random);
  const send = (from: number, to: number, reply: boolean, carries: boolean): void => {
    if (to < 0) return; // a node of the sparse graph left without a neighbour
    if (carries) payloads++;
    const arrival = network.transmit(from, to, 0, now);
    // A lane per pair would keep N^2 state; pairs almost never meet twice, so a fresh latency each time.
    network.forget(from, to);
    if (typeof arrival === 'number') queue.push(arrival, { kind: 'message', from, to, reply, carries, senderHas: informed[from] === 1 });
  };
  const receive = (to: number, from: number, reply: boolean, carries: boolean, senderHas: boolean): void => {
    const had = informed[to] === 1;
    if (carries && !had) inform(to);
    if (reply) {
      // The feedback a pusher gets: its partner already had the rumor.
      if (!carries && had && senderHas) duplicates[to] = Math.min(255, (duplicates[to] as number) + 1);
      return;
    }
    // Answer a round's message as onPush / onPull do: what the sender lacks, and "I had it" feedback.
    const senderLacks = mode !== 'push' && !senderHas && had;
    const feedback = carries && had;
    if (senderLacks || feedback) send(to, from, true, senderLacks);
  };

  const t0 = 20 * periodMs;
  for (let i = 0; i < n; i++) {
    queue.push(t0 + random() * periodMs, { kind: 'round', node: i });
    if (mode === 'push') queue.push(t0 + random() * antiEntropyMs, { kind: 'anti-entropy', node: i });
  }
  now = t0;
  inform(Math.floor(random() * n));

  const perRound: number[] = [];
  for (let round = 1; round <= maxRounds && informedCount < n; round++) {
    const until = t0 + round * periodMs;
    for (let next = queue.peekTime(); next !== undefined && next <= until; next = queue.peekTime()) {
      const event = queue.pop() as Event;
      now = queue.lastTime;
      switch (event.kind) {
        case 'round': {
          queue.push(now + periodMs, event);
          const carries = hot(event.node);
          // Push sends nothing without a hot rumor; pull and push-pull always send their digest.
          if (mode === 'push' && !carries) break;
          send(event.node, partnerOf(event.node), false, carries);
          break;
        }
        case 'anti-entropy':
          queue.push(now + antiEntropyMs, event);
          send(event.node, partnerOf(event.node), false, false);
          break;
        case 'message':
          // Push's digest (anti-entropy) is answered like a pull.
          if (mode === 'push' && !event.reply && !event.carries) {
            if (informed[event.to] === 1 && !event.senderHas) send(event.to, event.from, true, true);
          } else receive(event.to, event.from, event.reply, event.carries, event.senderHas);
          break;
      }
    }
    perRound.push(informedCount / n);
  }
  const rounds = (lastInformedAt - t0) / periodMs;
  return {
    nodes: n,
    mode,
    seed: config.seed,
    rounds: informedCount === n ? rounds : null,
    coverage: informedCount / n,
    payloadMessages: payloads,
    rmr: rmr(payloads, n),
    perRound,
  };
}

/** A random d-regular graph in flat arrays, and each node's walk through its neighbours (quasirandom cycles). */
interface RegularGraph {
  /** Node i's next partner: its neighbours once each per cycle, each cycle reshuffled; -1 for a node left without any. */
  next(i: number, random: () => number): number;
}

function regularGraph(n: number, degree: number, random: () => number): RegularGraph {
  if (!Number.isSafeInteger(degree) || degree < 1 || degree >= n) throw new RangeError(`degree must be an integer in [1, nodes), got ${degree}`);
  const adjacency = new Int32Array(n * degree);
  const count = new Uint8Array(n);
  // Configuration model: n * degree stubs, shuffled, paired in order.
  const stubs = new Int32Array(n * degree);
  for (let k = 0; k < stubs.length; k++) stubs[k] = Math.floor(k / degree);
  for (let k = stubs.length - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    const t = stubs[k] as number;
    stubs[k] = stubs[j] as number;
    stubs[j] = t;
  }
  const linked = (a: number, b: number): boolean => {
    for (let k = 0; k < (count[a] as number); k++) if (adjacency[a * degree + k] === b) return true;
    return false;
  };
  for (let k = 0; k + 1 < stubs.length; k += 2) {
    const a = stubs[k] as number;
    const b = stubs[k + 1] as number;
    if (a === b || linked(a, b)) continue;
    const da = count[a] as number;
    const db = count[b] as number;
    adjacency[a * degree + da] = b;
    adjacency[b * degree + db] = a;
    count[a] = da + 1;
    count[b] = db + 1;
  }
  const cursor = new Uint8Array(n);
  return {
    next(i, rnd) {
      const d = count[i] as number;
      if (d === 0) return -1;
      const base = i * degree;
      if (cursor[i] === 0) {
        // A new cycle: shuffle this node's neighbours in place.
        for (let k = d - 1; k > 0; k--) {
          const j = Math.floor(rnd() * (k + 1));
          const t = adjacency[base + k] as number;
          adjacency[base + k] = adjacency[base + j] as number;
          adjacency[base + j] = t;
        }
      }
      const peer = adjacency[base + (cursor[i] as number)] as number;
      cursor[i] = ((cursor[i] as number) + 1) % d;
      return peer;
    },
  };
}

/** One complete-graph cell: a mode at one N over seeds firstSeed.. (the baseline of a sweep cell). */
export interface CompleteGraphCell {
  mode: CompleteGraphMode;
  nodes: number;
  runs: number;
  reached: number;
  /** Mean rounds to full coverage over the runs that reached it (null: none did). */
  rounds: number | null;
  rmr: number;
}

/** Modes x N x seeds of the complete-graph baseline; `onRun` after each run (progress). */
export function runCompleteGraphSweep(
  config: { modes: readonly CompleteGraphMode[]; nodes: readonly number[]; seeds: number; firstSeed?: number; base?: Omit<CompleteGraphConfig, 'nodes' | 'mode' | 'seed'> },
  onRun: (result: CompleteGraphResult) => void = () => {},
): CompleteGraphCell[] {
  const cells: CompleteGraphCell[] = [];
  for (const nodes of config.nodes) {
    for (const mode of config.modes) {
      const results: CompleteGraphResult[] = [];
      for (let k = 0; k < config.seeds; k++) {
        const result = runCompleteGraph({ ...config.base, nodes, mode, seed: (config.firstSeed ?? 1) + k });
        results.push(result);
        onRun(result);
      }
      const reached = results.flatMap((r) => (r.rounds === null ? [] : [r.rounds]));
      cells.push({
        mode,
        nodes,
        runs: results.length,
        reached: reached.length,
        rounds: reached.length === 0 ? null : round4(reached.reduce((a, b) => a + b, 0) / reached.length),
        rmr: round4(results.reduce((sum, r) => sum + r.rmr, 0) / results.length),
      });
    }
  }
  return cells;
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

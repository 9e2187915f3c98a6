/**
 * Tree mode with many rumors from many origins (issue 11's note, extended for issue 15): hops to the
 * last node and rumor copies per node, per rumor, at each network size, on a clean network, under
 * message loss and under churn. Each origin publishes a warm-up rumor (its tree floods once and
 * prunes itself), then the measured rounds follow.
 *
 *   npx tsx client/src/sim/tree-figures.ts [--nodes 1000,10000] [--origins 20] [--rounds 3] [--seed 1]
 *                                          [--loss 0.01] [--churn 0.1]
 *
 * Churn: `--churn F` crashes F of the nodes per minute, spread evenly (a fraction accumulates each
 * second), each coming back 10 s later as a fresh process with the same id and empty state. A rumor
 * is then owed only to the nodes that were up from its publication to the end of the run.
 */
import { parseArgs } from 'node:util';
import { rumorId, type RumorId } from '../core/ids.ts';
import { Simulation } from './simulation.ts';

export interface TreeFigureConfig {
  nodes: number;
  origins: number;
  rounds: number;
  seed: number;
  /** Message loss probability. Default 0. */
  loss?: number;
  /** Fraction of the nodes crashed (and restarted 10 s later) per minute. Default 0. */
  churnPerMinute?: number;
}

export interface TreeFigures {
  nodes: number;
  loss: number;
  churnPerMinute: number;
  rumors: number;
  /** Over the measured rumors: median and max of the hop count at the last node reached. */
  lastHopsMedian: number;
  lastHopsMax: number;
  /** Rumor copies sent per node per rumor (1.0 = a perfect tree). */
  copiesPerNode: number;
  /** Share of the measured rumors that reached every node owed them. */
  complete: number;
  /** Deliveries to owed nodes / owed deliveries, over all measured rumors. */
  delivered: number;
  /** Crashes during the run (churn). */
  crashes: number;
}

const RESTART_AFTER_MS = 10_000;
const ROUND_MS = 5_000;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export function treeFigures(config: TreeFigureConfig): TreeFigures {
  const { nodes, origins, rounds, seed } = config;
  const loss = config.loss ?? 0;
  const churn = config.churnPerMinute ?? 0;
  const sim = new Simulation({ nodes, seed, node: { mode: 'tree', activeViewSize: 5, maxActiveViewSize: 8, aggregatePeriodMs: 0 }, network: { loss } });
  /** Per tracked rumor: who got it, its deepest hop count, when it was published. */
  const tracked = new Map<RumorId, { got: Uint8Array; maxHops: number; at: number }>();
  sim.onNodeEvent = (i, event) => {
    if (event.type !== 'rumor') return;
    const entry = tracked.get(rumorId(event.rumor.origin, event.rumor.seq));
    if (entry === undefined || entry.got[i] === 1) return;
    entry.got[i] = 1;
    entry.maxHops = Math.max(entry.maxHops, event.rumor.hops);
  };
  // Last crash or restart of each node (churn): a node changed after a rumor's publication is not owed it.
  const changedAt = new Float64Array(nodes).fill(-Infinity);
  let crashes = 0;
  let churnDebt = 0;
  const churnSecond = (): void => {
    churnDebt += (churn * sim.live) / 60;
    for (; churnDebt >= 1; churnDebt--) {
      const i = sim.randomLiveNode();
      sim.crash(i);
      crashes++;
      changedAt[i] = sim.now;
      sim.at(sim.now + RESTART_AFTER_MS, () => {
        sim.restart(i);
        changedAt[i] = sim.now;
      });
    }
  };
  /** Runs to `untilMs`, churning once a virtual second when asked. */
  const runTo = (untilMs: number): void => {
    if (churn === 0) return sim.run(untilMs);
    while (sim.now < untilMs) {
      sim.run(Math.min(untilMs, Math.floor(sim.now / 1000) * 1000 + 1000));
      if (sim.now % 1000 === 0) churnSecond();
    }
  };

  sim.run(20_000);
  // The same origins publish every round (each warmed its tree up once); one down by churn is replaced.
  const publishers = Array.from({ length: origins }, () => sim.randomLiveNode());
  const publishRound = (label: string): RumorId[] => {
    const ids: RumorId[] = [];
    for (let k = 0; k < origins; k++) {
      if (!sim.isAlive(publishers[k] as number)) publishers[k] = sim.randomLiveNode();
      const i = publishers[k] as number;
      const id = sim.publish(i, `${label} from ${i}`);
      const got = new Uint8Array(nodes);
      got[i] = 1;
      tracked.set(id, { got, maxHops: 0, at: sim.now });
      ids.push(id);
    }
    return ids;
  };
  publishRound('warm-up');
  runTo(sim.now + 10_000);
  const before = sim.counters.payloads;
  const measured: RumorId[] = [];
  for (let r = 0; r < rounds; r++) {
    measured.push(...publishRound(`round ${r}`));
    runTo(sim.now + ROUND_MS);
  }
  const copies = sim.counters.payloads - before;
  let owed = 0;
  let got = 0;
  let complete = 0;
  const hops: number[] = [];
  for (const id of measured) {
    const entry = tracked.get(id) as { got: Uint8Array; maxHops: number; at: number };
    let owedHere = 0;
    let gotHere = 0;
    for (let i = 0; i < nodes; i++) {
      if (!sim.isAlive(i) || (changedAt[i] as number) >= entry.at) continue;
      owedHere++;
      gotHere += entry.got[i] as number;
    }
    owed += owedHere;
    got += gotHere;
    if (gotHere === owedHere) complete++;
    hops.push(entry.maxHops);
  }
  return {
    nodes,
    loss,
    churnPerMinute: churn,
    rumors: measured.length,
    lastHopsMedian: median(hops),
    lastHopsMax: Math.max(...hops),
    copiesPerNode: copies / (measured.length * nodes),
    complete: complete / measured.length,
    delivered: owed === 0 ? 1 : got / owed,
    crashes,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      nodes: { type: 'string', default: '1000,10000' },
      origins: { type: 'string', default: '20' },
      rounds: { type: 'string', default: '3' },
      seed: { type: 'string', default: '1' },
      loss: { type: 'string', default: '0' },
      churn: { type: 'string', default: '0' },
    },
  });
  const sizes = values.nodes.split(',').map(Number);
  const [origins, rounds, seed] = [values.origins, values.rounds, values.seed].map(Number);
  for (const [name, value] of [['nodes', sizes], ['origins', [origins]], ['rounds', [rounds]], ['seed', [seed]]] as const) {
    if (value.some((v) => !Number.isInteger(v) || (v as number) < 1)) {
      console.error(`--${name} must be positive integers, got ${JSON.stringify(values[name])}`);
      process.exit(2);
    }
  }
  const loss = Number(values.loss);
  const churn = Number(values.churn);
  if (!(loss >= 0 && loss < 1) || !(churn >= 0 && churn <= 1)) {
    console.error(`--loss must be in [0, 1) and --churn in [0, 1], got ${values.loss}, ${values.churn}`);
    process.exit(2);
  }
  for (const n of sizes) {
    process.stderr.write(`tree mode, N=${n}, ${origins} origins x ${rounds} rounds (seed ${seed}, loss ${loss}, churn ${churn}/min)...\n`);
    console.log(JSON.stringify(treeFigures({ nodes: n, origins: origins as number, rounds: rounds as number, seed: seed as number, loss, churnPerMinute: churn })));
  }
}

/**
 * Tree mode with many rumors from many origins, for issue 11's note: hops to the last node and
 * rumor copies per node, per rumor, at each network size. Each origin publishes a warm-up rumor
 * (its tree floods once and prunes itself), then the measured rounds follow.
 *
 *   npx tsx client/src/sim/tree-figures.ts [--nodes 1000,10000] [--origins 20] [--rounds 3] [--seed 1]
 */
import { parseArgs } from 'node:util';
import { rumorId, type RumorId } from '../core/ids.ts';
import { Simulation } from './simulation.ts';

interface Figures {
  nodes: number;
  rumors: number;
  /** Over the measured rumors: median and max of the hop count at the last node reached. */
  lastHopsMedian: number;
  lastHopsMax: number;
  /** Rumor copies sent per node per rumor (1.0 = a perfect tree). */
  copiesPerNode: number;
  /** Share of the measured rumors that reached every node. */
  complete: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export function treeFigures(nodes: number, origins: number, rounds: number, seed: number): Figures {
  const sim = new Simulation({ nodes, seed, node: { mode: 'tree', activeViewSize: 5, maxActiveViewSize: 8, aggregatePeriodMs: 0 } });
  const hops = new Map<RumorId, { reached: number; maxHops: number }>();
  sim.onNodeEvent = (_i, event) => {
    if (event.type !== 'rumor') return;
    const entry = hops.get(rumorId(event.rumor.origin, event.rumor.seq));
    if (entry === undefined) return;
    entry.reached++;
    entry.maxHops = Math.max(entry.maxHops, event.rumor.hops);
  };
  sim.run(20_000);
  const publishers = Array.from({ length: origins }, () => sim.randomLiveNode());
  const publishRound = (label: string): RumorId[] =>
    publishers.map((i) => {
      const id = sim.publish(i, `${label} from ${i}`);
      hops.set(id, { reached: 1, maxHops: 0 });
      return id;
    });
  publishRound('warm-up');
  sim.run(sim.now + 10_000);
  const before = sim.counters.payloads;
  const measured: RumorId[] = [];
  for (let r = 0; r < rounds; r++) {
    measured.push(...publishRound(`round ${r}`));
    sim.run(sim.now + 5_000);
    process.stderr.write(`  N=${nodes}: round ${r + 1}/${rounds} done\n`);
  }
  const copies = sim.counters.payloads - before;
  const stats = measured.map((id) => hops.get(id) as { reached: number; maxHops: number });
  return {
    nodes,
    rumors: measured.length,
    lastHopsMedian: median(stats.map((s) => s.maxHops)),
    lastHopsMax: Math.max(...stats.map((s) => s.maxHops)),
    copiesPerNode: copies / (measured.length * nodes),
    complete: stats.filter((s) => s.reached === nodes).length / stats.length,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { nodes: { type: 'string', default: '1000,10000' }, origins: { type: 'string', default: '20' }, rounds: { type: 'string', default: '3' }, seed: { type: 'string', default: '1' } },
  });
  const sizes = values.nodes.split(',').map(Number);
  const [origins, rounds, seed] = [values.origins, values.rounds, values.seed].map(Number);
  for (const [name, value] of [['nodes', sizes], ['origins', [origins]], ['rounds', [rounds]], ['seed', [seed]]] as const) {
    if (value.some((v) => !Number.isInteger(v) || (v as number) < 1)) {
      console.error(`--${name} must be positive integers, got ${JSON.stringify(values[name])}`);
      process.exit(2);
    }
  }
  for (const n of sizes) {
    process.stderr.write(`tree mode, N=${n}, ${origins} origins x ${rounds} rounds (seed ${seed})...\n`);
    console.log(JSON.stringify(treeFigures(n, origins as number, rounds as number, seed as number)));
  }
}

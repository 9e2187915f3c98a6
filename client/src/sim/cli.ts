/**
 * `npm run sim -- --nodes 1000 --mode push-pull --seed 1 [--json]`: one rumor through a simulated
 * mesh; `npm run sim -- --sweep ...`: modes x N x seeds and a table. The only file of the simulator
 * that touches Node (process, stdout); see USAGE in args.ts.
 * One run: progress lines and the report go to stdout; with --json, stdout is exactly one JSON
 * object (deterministic for a seed: no wall-clock figures inside) and progress is off.
 * Sweep: progress goes to stderr (also with --json: sweeps take minutes), the table or the JSON to stdout.
 */
import { CoreError } from '../core/ids.ts';
import { parseArgs, USAGE, type CliOptions, type Graph, type SweepCliOptions } from './args.ts';
import { runCompleteGraph, runCompleteGraphSweep, type CompleteGraphConfig, type CompleteGraphMode } from './complete-graph.ts';
import { runRumor, type RumorResult, type RumorRunConfig } from './run.ts';
import { theoryRounds } from './theory.ts';
import { formatSweepTable, runSweep } from './sweep.ts';

const WARMUP_PROGRESS_FROM_NODES = 10_000;

function main(argv: readonly string[]): number {
  const parsed = parseArgs(argv);
  if (parsed.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`sim: ${parsed.message}\n(see npm run sim -- --help)\n`);
    return 2;
  }
  try {
    if (parsed.options.graph !== 'mesh') return parsed.kind === 'sweep' ? completeSweep(parsed.options) : completeOne(parsed.options);
    return parsed.kind === 'sweep' ? sweep(parsed.options) : one(parsed.options);
  } catch (error) {
    // Checks the parser cannot make (the core's own option rules) still mean bad options.
    if (error instanceof CoreError || error instanceof RangeError) {
      process.stderr.write(`sim: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

function one(options: CliOptions): number {
  const { run, json, quiet } = options;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const progress = !json && !quiet;
  const started = performance.now();
  if (!json) {
    out(
      `sim: ${run.nodes} nodes, mode ${run.mode}, seed ${run.seed}, degree ${run.degree ?? 5} (max ${run.maxDegree ?? (run.degree ?? 5) + 3}), ` +
        `fanout ${run.fanout ?? 3}, loss ${run.loss ?? 0}, crash ${run.crash ?? 0}, period ${run.periodMs ?? 1000} ms`,
    );
  }
  const showWarmup = progress && run.nodes >= WARMUP_PROGRESS_FROM_NODES;
  // Long runs also say how far they are on stderr, with --json or --quiet too (stdout stays the report).
  const long = run.nodes >= WARMUP_PROGRESS_FROM_NODES;
  const err = (line: string) => process.stderr.write(`${line}\n`);
  let lastWarmup = '';
  let lastEvents = 0;
  let lastWallMs = started;
  const result: RumorResult = runRumor(run, {
    onWarmup: (p) => {
      const line =
        `warm-up ${seconds(p.timeMs)}  joined ${p.joined}/${run.nodes}  mean degree ${p.meanDegree.toFixed(2)}  ` +
        `isolated ${p.isolated}  messages ${p.messages}  (${seconds(performance.now() - started)} wall)`;
      if (showWarmup) out(line);
      else if (long) err(line);
      lastWarmup = line;
    },
    onRound: (p) => {
      if (long) {
        const wall = performance.now();
        const rate = ((p.events - lastEvents) * 1000) / Math.max(1, wall - lastWallMs);
        err(`round ${p.round}  informed ${p.fraction.toFixed(4)} (${p.informed}/${p.live})  ${Math.round(rate)} events/s  (${seconds(wall - started)} wall, RSS ${rssMb()} MB)`);
        lastEvents = p.events;
        lastWallMs = wall;
      }
      if (p.round === 1 && progress) {
        if (!showWarmup) out(lastWarmup);
        out(`rumor published; informed fraction of ${p.live} live nodes per round:`);
      }
      if (progress) {
        out(
          `round ${String(p.round).padStart(3)}  informed ${p.fraction.toFixed(4)} (${p.informed}/${p.live})  ` +
            `messages ${p.messages}  payload copies ${p.payloads}`,
        );
      }
    },
  });
  if (json) {
    out(JSON.stringify(result));
    return 0;
  }
  const wallMs = performance.now() - started;
  const byType = Object.entries(result.messagesByType)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  const theory = result.theory.rounds === null ? 'no formula for this mode' : `theory ${result.theory.formula} = ${result.theory.rounds.toFixed(1)}`;
  out('');
  out(`rumor from ${result.publisher} to ${result.live} live nodes (${result.crashed} crashed), mean degree ${result.meanDegree.toFixed(2)}, isolated at start ${result.isolated}`);
  out(
    `rounds to full coverage  ${result.rounds === null ? `not reached (last new node at ${result.roundsToLast.toFixed(1)})` : result.rounds.toFixed(1)}   (${theory}, complete graph)`,
  );
  out(`coverage                 ${result.coverage.toFixed(4)} (${result.informed}/${result.live})`);
  out(`messages                 ${result.messages} in ${result.measuredRounds} rounds (${byType})`);
  out(`payload messages         ${result.payloadMessages}`);
  out(`RMR                      ${result.rmr.toFixed(3)}   (payload messages / (N-1) - 1)`);
  const dropped = Object.entries(result.dropped)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  if (dropped !== '') out(`dropped                  ${dropped}`);
  out(`wall time ${seconds(wallMs)}, peak RSS ${peakRssMb()} MB, ${result.events} events`);
  return 0;
}

function sweep(options: SweepCliOptions): number {
  const { sweep: config, json, quiet } = options;
  const err = (line: string) => process.stderr.write(`${line}\n`);
  const total = config.modes.length * config.nodes.length * config.seeds;
  if (!quiet) {
    err(
      `sweep: modes ${config.modes.join(',')} x N ${config.nodes.join(',')} x ${config.seeds} seeds from ${config.firstSeed ?? 1} = ${total} runs` +
        (Object.keys(config.base ?? {}).length > 0 ? `; ${JSON.stringify(config.base)}` : ''),
    );
  }
  const started = performance.now();
  let runStarted = started;
  const result = runSweep(config, {
    onStart: () => {
      runStarted = performance.now();
    },
    onRun: ({ done, result: r }) => {
      if (quiet) return;
      const now = performance.now();
      const rounds = r.rounds === null ? `not reached (${r.coverage.toFixed(4)})` : r.rounds.toFixed(2);
      err(
        `[${String(done).padStart(String(total).length)}/${total}] ${r.mode.padEnd(9)} N=${String(r.nodes).padEnd(6)} seed ${String(r.seed).padEnd(3)} ` +
          `rounds ${rounds}  RMR ${r.rmr.toFixed(3)}  degree ${r.meanDegree.toFixed(2)}  ` +
          `(${seconds(now - runStarted)}, elapsed ${seconds(now - started)})`,
      );
    },
  });
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    process.stdout.write(`${formatSweepTable(result)}\n`);
    process.stdout.write(
      `rounds: mean and nearest-rank p99 over runs that reached every live node; theory: complete graph, one contact per node per round\n`,
    );
  }
  if (!quiet) err(`sweep done: ${total} runs, wall time ${seconds(performance.now() - started)}, peak RSS ${peakRssMb()} MB`);
  return 0;
}

/** The complete-graph baseline, one run. */
function completeOne(options: CliOptions): number {
  const { run, json } = options;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const started = performance.now();
  const result = runCompleteGraph({ ...completeBase(run, options.graph), nodes: run.nodes, mode: run.mode as CompleteGraphMode, seed: run.seed });
  if (json) {
    out(JSON.stringify(result));
    return 0;
  }
  const theory = theoryRounds(run.mode, run.nodes);
  out(`${graphName(options.graph, run.degree)}: ${run.nodes} nodes, mode ${run.mode}, seed ${run.seed}, period ${run.periodMs ?? 1000} ms, loss ${run.loss ?? 0}`);
  out(`rounds to full coverage  ${result.rounds === null ? 'not reached' : result.rounds.toFixed(2)}   (lockstep theory ${theory === null ? '-' : theory.toFixed(1)})`);
  out(`coverage                 ${result.coverage.toFixed(4)}`);
  out(`RMR                      ${result.rmr.toFixed(3)}`);
  out(`wall time ${seconds(performance.now() - started)}, peak RSS ${peakRssMb()} MB`);
  return 0;
}

/** The complete-graph baseline over modes x N x seeds: one line per cell. */
function completeSweep(options: SweepCliOptions): number {
  const { sweep: config, json, quiet } = options;
  const started = performance.now();
  const cells = runCompleteGraphSweep(
    { modes: config.modes as CompleteGraphMode[], nodes: config.nodes, seeds: config.seeds, firstSeed: config.firstSeed ?? 1, base: completeBase(config.base ?? {}, options.graph) },
    (r) => {
      if (!quiet) process.stderr.write(`${graphName(options.graph, config.base?.degree)} ${r.mode} N=${r.nodes} seed ${r.seed}: rounds ${r.rounds === null ? '-' : r.rounds.toFixed(2)}  (${seconds(performance.now() - started)} elapsed)\n`);
    },
  );
  if (json) process.stdout.write(`${JSON.stringify(cells)}\n`);
  else {
    process.stdout.write(`mode       N        runs  reached  rounds mean  RMR\n`);
    for (const c of cells) {
      process.stdout.write(
        `${c.mode.padEnd(9)}  ${String(c.nodes).padEnd(7)}  ${String(c.runs).padStart(4)}  ${`${c.reached}/${c.runs}`.padStart(7)}  ${(c.rounds === null ? '-' : c.rounds.toFixed(2)).padStart(11)}  ${c.rmr.toFixed(3)}\n`,
      );
    }
  }
  return 0;
}

/** What a mesh run's options mean for the complete (or random regular) graph: period, loss, latency, jitter, rounds, degree. */
function completeBase(
  run: Pick<RumorRunConfig, 'periodMs' | 'network' | 'loss' | 'maxRounds' | 'degree'>,
  graph: Graph,
): Omit<CompleteGraphConfig, 'nodes' | 'mode' | 'seed'> {
  const network = { ...run.network, ...(run.loss !== undefined ? { loss: run.loss } : {}) };
  return {
    ...(run.periodMs !== undefined ? { periodMs: run.periodMs } : {}),
    network,
    ...(run.maxRounds !== undefined ? { maxRounds: run.maxRounds } : {}),
    ...(graph === 'regular' ? { degree: run.degree ?? 5 } : {}),
  };
}

function graphName(graph: Graph, degree: number | undefined): string {
  return graph === 'regular' ? `random ${degree ?? 5}-regular graph` : 'complete graph';
}

function rssMb(): number {
  return Math.round(process.memoryUsage.rss() / 2 ** 20);
}

function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

process.exitCode = main(process.argv.slice(2));

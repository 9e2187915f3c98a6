/**
 * `npm run sim -- --nodes 1000 --mode push-pull --seed 1 [--json]`: one rumor through a simulated
 * mesh. The only file of the simulator that touches Node (process, stdout); see USAGE in args.ts.
 * Progress lines and the report go to stdout; with --json, stdout is exactly one JSON object
 * (deterministic for a seed: no wall-clock figures inside) and progress is off.
 */
import { CoreError } from '../core/ids.ts';
import { parseArgs, USAGE } from './args.ts';
import { runRumor, type RumorResult } from './run.ts';

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
  const { run, json, quiet } = parsed.options;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const progress = !json && !quiet;
  const started = performance.now();
  if (!json) {
    out(
      `sim: ${run.nodes} nodes, mode ${run.mode}, seed ${run.seed}, degree ${run.degree ?? 5} (max ${run.maxDegree ?? (run.degree ?? 5) + 3}), ` +
        `fanout ${run.fanout ?? 3}, loss ${run.loss ?? 0}, crash ${run.crash ?? 0}, period ${run.periodMs ?? 1000} ms`,
    );
  }
  let result: RumorResult;
  try {
    const showWarmup = progress && run.nodes >= WARMUP_PROGRESS_FROM_NODES;
    let lastWarmup = '';
    result = runRumor(run, {
      onWarmup: (p) => {
        const line =
          `warm-up ${seconds(p.timeMs)}  joined ${p.joined}/${run.nodes}  mean degree ${p.meanDegree.toFixed(2)}  ` +
          `isolated ${p.isolated}  messages ${p.messages}  (${seconds(performance.now() - started)} wall)`;
        if (showWarmup) out(line);
        lastWarmup = line;
      },
      onRound: (p) => {
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
  } catch (error) {
    if (error instanceof CoreError || error instanceof RangeError) {
      process.stderr.write(`sim: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
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
  out(`wall time ${seconds(wallMs)}, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB, ${result.events} events`);
  return 0;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

process.exitCode = main(process.argv.slice(2));

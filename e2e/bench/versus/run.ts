/**
 * The comparison part of `npm run bench`: y-webrtc and the mesh, one harness (session.ts), the
 * tab counts of the options, repetitions alternating between the systems (figures.ts schedule),
 * a wall-time estimate before it starts and after every session, the medians and ratios at the end.
 */
import type { BenchOptions } from '../options.ts';
import { compare, estimateRemainingMs, formatDuration, schedule, type Comparison, type RepetitionFigures, type Session } from './figures.ts';
import { runSession, type SessionSettings } from './session.ts';
import { meshSystem, SYSTEMS, yWebrtcSystem, type SystemName, type SystemUnderTest } from './systems.ts';
import { buildYWebrtcPage } from './ywebrtc.ts';

export interface VersusResults {
  settings: BenchOptions['versus'] & { settleMs: number; settleBoundMs: number; loadTimeoutMs: number; linkTimeoutMs: number; updateTimeoutMs: number };
  /** Every repetition, in the order run. */
  repetitions: RepetitionFigures[];
  /** Medians over repetitions per tab count, both systems. */
  comparisons: Comparison[];
  /** Sessions that failed (the others still count). */
  errors: string[];
  durationMs: number;
}

/**
 * A first guess of one session's wall time before any ran, from runs on the 2-core machine this
 * was written on, under a load average of about 20 (opening, linking, settling, idle window,
 * updates, closing): about 30 s + the idle window + 4 s a tab. It is refined after each session.
 */
export function priorSessionMs(s: Pick<Session, 'tabs'>, idleMs: number): number {
  return 30_000 + idleMs + 4000 * s.tabs;
}

export async function runVersus(
  options: BenchOptions['versus'],
  env: { clientDir: string; chromiumPath: string },
  progress: (line: string) => void,
): Promise<VersusResults> {
  const started = Date.now();
  const bounds = { settleMs: 5000, settleBoundMs: 60_000, loadTimeoutMs: 120_000, linkTimeoutMs: 60_000, updateTimeoutMs: 30_000 };
  const results: VersusResults = { settings: { ...options, ...bounds }, repetitions: [], comparisons: [], errors: [], durationMs: 0 };
  progress('versus: bundling the y-webrtc page (vite)');
  const page = await buildYWebrtcPage();
  try {
    const systems: Record<SystemName, SystemUnderTest> = { 'y-webrtc': yWebrtcSystem(page), mesh: meshSystem(env.clientDir, options.meshQuery, options.meshHidden) };
    const plan = schedule(options.tabs, options.repeat, SYSTEMS);
    const prior = (s: Session): number => priorSessionMs(s, options.idleMs);
    const done: (Session & { durationMs: number })[] = [];
    progress(
      `versus: ${plan.length} sessions (${options.tabs.join(' and ')} tabs, ${options.repeat} repetitions each of y-webrtc and the mesh, ` +
        `${options.updates} updates each); estimated wall time ${formatDuration(estimateRemainingMs([], plan, prior))}`,
    );
    for (const [i, session] of plan.entries()) {
      const settings: SessionSettings = {
        ...bounds,
        tabs: session.tabs,
        repetition: session.repetition,
        updates: options.updates,
        idleMs: options.idleMs,
        openConcurrency: options.openConcurrency,
        arrivals: options.arrivals,
        // The same updating tabs for both systems in a repetition, others in the next.
        seed: options.seed + session.repetition,
        chromiumPath: env.chromiumPath,
      };
      progress(`versus ${i + 1}/${plan.length}: ${session.system}, ${session.tabs} tabs, repetition ${session.repetition + 1}/${options.repeat}`);
      const sessionStart = Date.now();
      try {
        results.repetitions.push(await runSession(systems[session.system], settings, progress));
      } catch (error: unknown) {
        const message = error instanceof Error ? error.message : String(error);
        results.errors.push(`${session.system}, ${session.tabs} tabs, repetition ${session.repetition + 1}: ${message}`);
        progress(`versus ${i + 1}/${plan.length} FAILED: ${message}`);
      }
      done.push({ ...session, durationMs: Date.now() - sessionStart });
      const left = plan.slice(i + 1);
      progress(
        `versus ${i + 1}/${plan.length} done in ${formatDuration(Date.now() - sessionStart)}` +
          (left.length > 0 ? `; about ${formatDuration(estimateRemainingMs(done, left, prior))} to go` : ''),
      );
    }
  } finally {
    page.cleanup();
  }
  results.comparisons = compare(results.repetitions);
  results.durationMs = Date.now() - started;
  return results;
}

/**
 * The benchmark's results file (bench-results/latest.json): every figure, the options that made
 * them, and the machine they were measured on (other work on it skews the times: the load average
 * is recorded at the start and the end).
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, platform, release, arch, totalmem } from 'node:os';
import type { BrowserMeshFigures } from './browser.ts';
import type { BenchOptions } from './options.ts';
import type { ScaleFigures, SimSweepFigures } from './sim.ts';
import type { VersusResults } from './versus/run.ts';

export const RESULTS_SCHEMA = 'gossip-mesh-bench/2';

export interface Environment {
  platform: string;
  arch: string;
  cpus: number;
  cpuModel: string;
  memoryMB: number;
  node: string;
  /** Chromium's path and version; null when the browser part did not run. */
  chromium: { path: string; version: string | null } | null;
  /** True when the browsers ran in a fresh loopback-only network namespace. */
  loopbackNamespace: boolean;
  /** 1, 5 and 15 minute load averages. */
  loadAverage: { start: number[]; end: number[] };
  git: { commit: string; dirty: boolean } | null;
}

export interface BenchResults {
  schema: typeof RESULTS_SCHEMA;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  argv: string[];
  options: BenchOptions;
  environment: Environment;
  /** What a reader must know to read the figures (defaults that differ from the issue, method). */
  notes: string[];
  sim: { sweep: SimSweepFigures | null; scale: ScaleFigures | null } | null;
  browser: BrowserMeshFigures[] | null;
  /** The mesh beside y-webrtc. */
  versus: VersusResults | null;
  /** Parts that failed (the others still report). */
  errors: string[];
}

export function loadAverages(): number[] {
  return loadavg().map((x) => Math.round(x * 100) / 100);
}

export function environmentAtStart(repoRoot: string): Environment {
  const cpu = cpus();
  return {
    platform: `${platform()} ${release()}`,
    arch: arch(),
    cpus: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    memoryMB: Math.round(totalmem() / (1024 * 1024)),
    node: process.version,
    chromium: null,
    loopbackNamespace: process.env['E2E_NETNS'] === '1',
    loadAverage: { start: loadAverages(), end: [] },
    git: gitState(repoRoot),
  };
}

function gitState(repoRoot: string): Environment['git'] {
  const rev = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' });
  if (rev.status !== 0) return null;
  const status = spawnSync('git', ['status', '--porcelain'], { cwd: repoRoot, encoding: 'utf8' });
  return { commit: rev.stdout.trim(), dirty: status.status !== 0 || status.stdout.trim() !== '' };
}

/** The notes every run carries, from its options. */
export function methodNotes(options: BenchOptions): string[] {
  const notes: string[] = [];
  const { sim, browser, versus } = options;
  if (sim.run) {
    const large = sim.nodes.filter((n) => n >= 10_000);
    if (large.length > 0 && sim.seedsLarge !== sim.seeds) {
      notes.push(
        `Simulator: ${sim.seedsLarge} seeds per cell at N >= 10,000 (${sim.seeds} below): the issue asks for 20; 20 seeds x 6 modes at N = 10,000 take too long for a default run. ` +
          `Run with --seeds-large 20 for the full figure.`,
      );
    }
    if (sim.modes.includes('tree')) {
      notes.push(
        "Simulator: each run spreads ONE rumor on a fresh mesh, so tree mode shows its first rumor, which floods and prunes the tree (same figures as flood); the tree's steady state is in the browser part, after warm-up rumors.",
      );
    }
    notes.push('Simulator: rounds are mean and nearest-rank p99 over the runs that reached every node (with fewer than 100 runs p99 is the maximum); theory is the complete graph, one contact per node per round.');
  }
  if (browser.run) {
    notes.push(
      `Browser: every mode runs on the same tabs and links, one after another (${browser.modes.join(', ')}); ${browser.warmupRumors} warm-up rumor(s) after each mode switch are not counted ` +
        '(tree mode floods its first rumors after a switch and prunes the tree on them).',
    );
    notes.push(
      "Browser: a rumor's window runs from its publication until it reached every tab and no tab sent a payload for 1.5 periods; payloads are rumor copies (stats().payloadsSent), " +
        'messages (and bytes) are all data-channel messages sent by all tabs in the window, and "above background" subtracts the idle rate (two idle windows per mode, ' +
        'after the warm-ups and after the rumors). Background traffic (pings, shuffles, digests, aggregates) is several messages per tab per second, so for modes that finish ' +
        'in milliseconds the above-background figures are small differences of large numbers, noisy, even negative; push-pull carries rumors inside its periodic messages, ' +
        'so its cost shows in bytes more than in messages.',
    );
  }
  if (versus.run) {
    notes.push(
      `Beside y-webrtc: ${versus.repeat} repetition(s) per system at ${versus.tabs.join(' and ')} tabs, alternating (each repetition starts with the system the last one ended with); ` +
        'every repetition has its own servers and a fresh Chromium; each tab is opened in its own browser context (separate users: no shared BroadcastChannel, which y-webrtc would use ' +
        `between tabs of one context), ${versus.openConcurrency} loading at once. The mesh is the page npm start serves, default settings; y-webrtc 10.3.0 is a minimal page writing to a Y.Map, ` +
        "with y-webrtc's own signaling server (bin/server.js). Figures are medians over the repetitions.",
    );
    notes.push(
      'Beside y-webrtc: data-channel messages and links are counted by one init script in every page that wraps RTCPeerConnection and RTCDataChannel (send calls; a link is an open data channel). ' +
        `"Update to every tab" is the latest arrival (each page's own clock, one machine) minus the writing; ${versus.updates} updates per repetition, one at a time, each from a seeded random tab; ` +
        (versus.arrivals === 'push'
          ? 'every tab waits for the update in the page and answers once it has it (nothing asks the tabs while it spreads); '
          : 'the harness asked every tab not yet reached every 100 ms while the update spread (--arrivals poll); ') +
        'messages per update are all messages sent by all tabs from the first update to the last arrival of the last, divided by the updates. ' +
        `The idle window (${versus.idleMs / 1000} s, no polling of the tabs inside it) starts once no link opened or closed for 5 s; idle CPU is utime + stime from /proc over the browser's process tree ` +
        "(% of one core), split by Chromium's process type. Navigation to first link leaves out the first tab (nobody to link to before the second opens); \"every tab linked\" means every tab has at least one link.",
    );
  }
  return notes;
}

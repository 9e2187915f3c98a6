/**
 * What `npm run bench:failure -- ...` understood. Pure (no process, no I/O), so it is unit-tested;
 * the CLI (failure.ts) prints `message` with the usage and exits 2.
 */
import { eachFlag, wholeNumber } from '../cli-args.ts';

export interface FailureBenchOptions {
  /** Tab counts, each a fresh mesh per repetition. */
  tabs: number[];
  /** Repetitions of the crash measurements per tab count. */
  repeat: number;
  /** Minutes of the soak (throttled and frozen tabs); 0: no soak. */
  soakMinutes: number;
  /** Tabs in the soak's mesh. */
  soakTabs: number;
  skipCrash: boolean;
  outDir: string;
}

export const FAILURE_USAGE = `usage: npm run bench:failure -- [options]

Real Chromium tabs, each in its own browser context, the page as npm start serves it (dist/,
built if missing), default options. Measures (it reports; it never fails on a figure):
  crash    per tab count and repetition: a tab crashed (Page.crash, no goodbye); for every
           survivor that linked to it, the time until it is out of the survivor's neighbours
           (median survivor and last survivor); then 2 more crashed at once: the time until every
           survivor's size and average estimates are within +-0.5 of the truth (bound 90 s)
  soak     N minutes: 2 tabs throttled as background tabs (timers at whole seconds, CPU 4x
           slower), 1 tab frozen (Debugger.pause) 10 s of every 60 s, a rumor every 2 s: false
           evictions, whether the frozen tab catches up, rumors delivered / published

  --tabs N,N          tab counts for the crash part (default 12,24; each 6..64); the soak uses the first
  --repeat K          crash repetitions per tab count (default 3)
  --soak-minutes N    soak length (default 0: none; at most 120)
  --skip-crash        only the soak
  --out-dir DIR       where failure.json and failure.md go (default bench-results/failure)
  --help              this text

As root on Linux it runs in a fresh loopback-only network namespace (E2E_NETNS=0: host network).
Exit codes: 0 done, 2 bad options, 1 anything else.`;

export type ParsedFailureArgs = { kind: 'run'; options: FailureBenchOptions } | { kind: 'help' } | { kind: 'error'; message: string };

class BadOption extends Error {}

function whole(name: string, raw: string | undefined, min: number, max: number): number {
  const parsed = wholeNumber(name, raw, min, max);
  if ('problem' in parsed) throw new BadOption(parsed.problem);
  return parsed.value;
}

export function parseFailureArgs(argv: readonly string[]): ParsedFailureArgs {
  const options: FailureBenchOptions = { tabs: [12, 24], repeat: 3, soakMinutes: 0, soakTabs: 12, skipCrash: false, outDir: 'bench-results/failure' };
  const seen = new Set<string>();
  try {
    const walked = eachFlag(argv, (flag, value, arg) => {
      if (seen.has(flag)) throw new BadOption(`${flag} given twice`);
      seen.add(flag);
      switch (flag) {
        case '--tabs': {
          const raw = value();
          const items = (raw ?? '').split(',');
          if (raw === undefined || items.some((t) => t.trim() === '')) throw new BadOption(`--tabs takes a comma-separated list of tab counts, got ${JSON.stringify(raw ?? '')}`);
          options.tabs = items.map((t) => whole('--tabs', t.trim(), 6, 64));
          if (new Set(options.tabs).size !== options.tabs.length) throw new BadOption(`--tabs lists a count twice: ${raw}`);
          break;
        }
        case '--repeat':
          options.repeat = whole('--repeat', value(), 1, 20);
          break;
        case '--soak-minutes':
          options.soakMinutes = whole('--soak-minutes', value(), 0, 120);
          break;
        case '--skip-crash':
          if (arg.includes('=')) throw new BadOption('--skip-crash takes no value');
          options.skipCrash = true;
          break;
        case '--out-dir': {
          const raw = value();
          if (raw === undefined || raw.trim() === '') throw new BadOption('--out-dir needs a directory');
          options.outDir = raw;
          break;
        }
        default:
          throw new BadOption(`unknown option ${JSON.stringify(arg)}`);
      }
    });
    if (walked === 'help') return { kind: 'help' };
  } catch (error: unknown) {
    if (error instanceof BadOption) return { kind: 'error', message: error.message };
    throw error;
  }
  if (options.skipCrash && options.soakMinutes === 0) return { kind: 'error', message: '--skip-crash with no --soak-minutes leaves nothing to measure' };
  if (options.skipCrash && seen.has('--repeat')) return { kind: 'error', message: '--repeat has no effect with --skip-crash' };
  options.soakTabs = options.tabs[0] as number;
  return { kind: 'run', options };
}

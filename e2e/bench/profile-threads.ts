/**
 * The idle profiler's per-thread view, pure (profile-idle.ts reads /proc): CPU per thread name
 * summed over the renderer processes, from two readings of /proc/<pid>/task/<tid>/stat. A tab's
 * CPU is more than its main thread: the compositor, WebRTC's network and signalling threads and
 * the IO thread run beside it, and which of them is busy says whose the cost is.
 */
import { cpuTicks } from './profile-summary.ts';

export interface ThreadReading {
  /** `pid/tid`: a thread id is unique while the thread lives. */
  key: string;
  name: string;
  ticks: number;
}

/** The thread's name (field 2 of its stat, up to 15 characters), pool numbers dropped. */
export function threadName(stat: string): string {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open) return '(unknown)';
  return stat.slice(open + 1, close).replace(/\d+$/, '') || '(unnamed)';
}

export function threadReading(pid: number, tid: number, stat: string): ThreadReading {
  return { key: `${pid}/${tid}`, name: threadName(stat), ticks: cpuTicks(stat) };
}

export interface ThreadShare {
  name: string;
  /** Percent of one core, summed over every thread of that name. */
  percent: number;
  threads: number;
}

/** CPU per thread name between two readings, largest first (threads born in between count from zero). */
export function cpuByThread(
  before: readonly ThreadReading[],
  after: readonly ThreadReading[],
  elapsedMs: number,
  ticksPerSecond: number,
): ThreadShare[] {
  const start = new Map(before.map((r) => [r.key, r.ticks]));
  const byName = new Map<string, { ticks: number; threads: number }>();
  for (const r of after) {
    const entry = byName.get(r.name) ?? { ticks: 0, threads: 0 };
    entry.ticks += r.ticks - (start.get(r.key) ?? 0);
    entry.threads += 1;
    byName.set(r.name, entry);
  }
  const toPercent = (ticks: number): number => Math.round((ticks / ticksPerSecond / (elapsedMs / 1000)) * 1000) / 10;
  return [...byName]
    .map(([name, { ticks, threads }]) => ({ name, percent: toPercent(ticks), threads }))
    .sort((a, b) => b.percent - a.percent || a.name.localeCompare(b.name));
}

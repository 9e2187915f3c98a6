/**
 * The idle profiler's arithmetic, pure (profile-idle.ts does the I/O): self time per function of a
 * V8 CPU profile (the DevTools protocol's Profiler.Profile), and browser CPU per process type from
 * two readings of /proc/<pid>/stat.
 */

/** The part of a DevTools `Profiler.Profile` this file reads. */
export interface CpuProfile {
  nodes: readonly { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  /** Node id of each sample, oldest first. */
  samples?: readonly number[];
  /** Microseconds since the previous sample (the first: since startTime). */
  timeDeltas?: readonly number[];
  startTime: number;
  endTime: number;
}

export interface SelfTimeEntry {
  /** `functionName file:line`, or V8's own names: (idle), (program), (garbage collector). */
  name: string;
  selfMs: number;
  /** Share of the sampled time, in percent. */
  percent: number;
}

function frameName(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const fn = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  if (frame.url === '') return fn;
  const file = frame.url.slice(frame.url.lastIndexOf('/') + 1).replace(/\?.*$/, '');
  // lineNumber is 0-based in the protocol.
  return `${fn} ${file}:${frame.lineNumber + 1}`;
}

/**
 * Self time per function, largest first. A sample's time is the delta to the next sample (what
 * DevTools shows as self time); nodes with the same name (one function reached by several call
 * paths) are summed.
 */
export function selfTimes(profile: CpuProfile): SelfTimeEntry[] {
  const nameOf = new Map<number, string>();
  for (const node of profile.nodes) nameOf.set(node.id, frameName(node.callFrame));
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const selfUs = new Map<string, number>();
  // Sample i was taken at startTime + deltas[0..i]; it lasted until the next one (the last one
  // until endTime).
  let at = profile.startTime;
  const times = samples.map((_, i) => (at += deltas[i] ?? 0));
  for (let i = 0; i < samples.length; i++) {
    const until = i + 1 < times.length ? (times[i + 1] ?? at) : profile.endTime;
    const name = nameOf.get(samples[i] ?? -1) ?? '(unknown)';
    selfUs.set(name, (selfUs.get(name) ?? 0) + Math.max(0, until - (times[i] ?? until)));
  }
  // Percent of the time the samples cover (a starved sampler leaves gaps the profile's span would count).
  const totalUs = Math.max(1, [...selfUs.values()].reduce((a, b) => a + b, 0));
  return [...selfUs]
    .map(([name, us]) => ({ name, selfMs: Math.round(us / 100) / 10, percent: Math.round((us / totalUs) * 1000) / 10 }))
    .sort((a, b) => b.selfMs - a.selfMs);
}

/** Busy share of a profile: everything but (idle), in percent of its duration. */
export function busyPercent(entries: readonly SelfTimeEntry[]): number {
  return Math.round(entries.filter((e) => e.name !== '(idle)').reduce((sum, e) => sum + e.percent, 0) * 10) / 10;
}

export type ProcessKind = 'browser' | 'renderer' | 'gpu' | 'utility' | 'zygote' | 'other';

/** A Chromium process's type from its command line (`--type=...`; none for the browser itself). */
export function processKind(cmdline: readonly string[]): ProcessKind {
  const type = cmdline.find((a) => a.startsWith('--type='))?.slice('--type='.length);
  if (type === undefined) return /chrom/i.test(cmdline[0] ?? '') ? 'browser' : 'other';
  if (type === 'renderer') return 'renderer';
  if (type === 'gpu-process') return 'gpu';
  if (type === 'utility') return 'utility';
  if (type === 'zygote') return 'zygote';
  return 'other';
}

/** utime + stime (clock ticks) from the text of /proc/<pid>/stat. */
export function cpuTicks(stat: string): number {
  // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is fields[0], so utime (field 14) is fields[11] and stime fields[12].
  return Number(fields[11]) + Number(fields[12]);
}

export interface ProcReading {
  pid: number;
  kind: ProcessKind;
  ticks: number;
}

/**
 * CPU per process type between two readings, in percent of one core (2 busy cores = 200).
 * Processes that started in between count from zero; processes that ended are lost (their
 * last ticks are not readable), which the idle phase makes rare.
 */
export function cpuByKind(
  before: readonly ProcReading[],
  after: readonly ProcReading[],
  elapsedMs: number,
  ticksPerSecond: number,
): Record<ProcessKind | 'total', number> {
  const start = new Map(before.map((r) => [r.pid, r.ticks]));
  const result: Record<ProcessKind | 'total', number> = { browser: 0, renderer: 0, gpu: 0, utility: 0, zygote: 0, other: 0, total: 0 };
  const toPercent = (ticks: number): number => (ticks / ticksPerSecond / (elapsedMs / 1000)) * 100;
  for (const r of after) {
    const used = toPercent(r.ticks - (start.get(r.pid) ?? 0));
    result[r.kind] += used;
    result.total += used;
  }
  for (const key of Object.keys(result) as (keyof typeof result)[]) result[key] = Math.round(result[key] * 10) / 10;
  return result;
}

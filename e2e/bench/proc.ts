/**
 * The browser's processes as Linux's /proc shows them: the process tree under this process, each
 * process's kind (Chromium's `--type=`), CPU time (utime + stime) and PSS. The parsing is pure and
 * unit-tested (proc.test.ts); the readers return null where there is no /proc.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcEntry {
  pid: number;
  ppid: number;
  /** utime + stime, in clock ticks. */
  ticks: number;
  /** Chromium's process type ('browser' for the main process, 'renderer', 'gpu-process', 'utility:network', ...). */
  kind: string;
  argv: string[];
}

/** pid, ppid and CPU ticks from the text of /proc/<pid>/stat (the command name may hold spaces and parentheses). */
export function parseStat(text: string): { pid: number; ppid: number; ticks: number } | null {
  const open = text.indexOf(' (');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  // After ")": state(3) ppid(4) pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15).
  const fields = text.slice(close + 2).split(' ');
  const pid = Number(text.slice(0, open));
  const ppid = Number(fields[1]);
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isInteger(pid) && Number.isInteger(ppid) && Number.isFinite(ticks) ? { pid, ppid, ticks } : null;
}

/** The kind of a Chromium process from its arguments: `--type=X` (utilities by their sub-type's service), else 'browser'. */
export function processKind(argv: readonly string[]): string {
  const value = (flag: string): string | undefined => argv.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
  const type = value('--type');
  if (type === undefined) return 'browser';
  if (type !== 'utility') return type;
  // e.g. network.mojom.NetworkService -> utility:network
  const sub = value('--utility-sub-type');
  return sub === undefined ? 'utility' : `utility:${sub.split('.')[0] ?? sub}`;
}

/**
 * Arguments from /proc/<pid>/cmdline: NUL-separated, except that Chromium's child processes
 * rewrite their title into one space-separated string (paths with spaces do not survive that).
 */
export function splitCmdline(raw: string): string[] {
  const parts = raw.split('\0').filter((a) => a !== '');
  return parts.length === 1 ? (parts[0] as string).split(' ').filter((a) => a !== '') : parts;
}

/** Pids in the subtrees of `roots` (roots included). */
export function subtree(entries: ReadonlyMap<number, Pick<ProcEntry, 'ppid'>>, roots: readonly number[]): Set<number> {
  const children = new Map<number, number[]>();
  for (const [pid, e] of entries) children.set(e.ppid, [...(children.get(e.ppid) ?? []), pid]);
  const seen = new Set<number>();
  const queue = [...roots];
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return seen;
}

/** CPU percent of one core per kind and in total, between two samples `elapsedMs` apart (processes gone by `after` are not counted). */
export function cpuPercent(
  before: ReadonlyMap<number, Pick<ProcEntry, 'ticks'>>,
  after: ReadonlyMap<number, Pick<ProcEntry, 'ticks' | 'kind'>>,
  elapsedMs: number,
  ticksPerSecond: number,
): { total: number; byKind: Record<string, number> } {
  const byKind: Record<string, number> = {};
  let total = 0;
  for (const [pid, e] of after) {
    const ticks = Math.max(0, e.ticks - (before.get(pid)?.ticks ?? 0));
    const percent = (100 * ticks) / ticksPerSecond / (elapsedMs / 1000);
    byKind[e.kind] = (byKind[e.kind] ?? 0) + percent;
    total += percent;
  }
  return { total, byKind };
}

/** A /proc file, or null when the process ended (or is not ours to read) while we looked. */
function readProc(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error: unknown) {
    const code: unknown = error instanceof Error ? Reflect.get(error, 'code') : undefined;
    if (code === 'ENOENT' || code === 'ESRCH' || code === 'EACCES') return null;
    throw error;
  }
}

/** Every process /proc lists now; null off Linux. */
export function processTable(): Map<number, ProcEntry> | null {
  if (process.platform !== 'linux') return null;
  const table = new Map<number, ProcEntry>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = parseStat(readProc(`/proc/${name}/stat`) ?? '');
    if (stat === null) continue;
    const argv = splitCmdline(readProc(`/proc/${name}/cmdline`) ?? '');
    table.set(stat.pid, { ...stat, kind: processKind(argv), argv });
  }
  return table;
}

/**
 * The processes of the browsers Playwright launched from this process (each started with
 * `--remote-debugging-pipe`; servers this process started are not among them); null off Linux.
 */
export function browserProcesses(): Map<number, ProcEntry> | null {
  const table = processTable();
  if (table === null) return null;
  const ours = subtree(table, [process.pid]);
  const launched = [...ours].filter((pid) => {
    const e = table.get(pid);
    return e !== undefined && e.argv.includes('--remote-debugging-pipe') && !(table.get(e.ppid)?.argv.includes('--remote-debugging-pipe') ?? false);
  });
  const pids = subtree(table, launched);
  return new Map([...table].filter(([pid]) => pids.has(pid)));
}

/** Clock ticks per second of /proc's CPU times (getconf CLK_TCK; 100 on Linux). */
export const TICKS_PER_SECOND: number = ((): number => {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const value = Number(out.stdout?.trim());
  return out.status === 0 && Number.isInteger(value) && value > 0 ? value : 100;
})();

/** PSS of the given processes in MB (those gone meanwhile count 0). */
export function pssMB(pids: Iterable<number>): number {
  let kb = 0;
  for (const pid of pids) {
    const match = /^Pss:\s+(\d+) kB/m.exec(readProc(`/proc/${pid}/smaps_rollup`) ?? '');
    if (match !== null) kb += Number(match[1]);
  }
  return kb / 1024;
}

/** Linux: PSS of every process descended from this one (the browser and its children), in MB. */
export function descendantsPssMB(): number | null {
  const table = processTable();
  if (table === null) return null;
  const pids = subtree(table, [process.pid]);
  pids.delete(process.pid);
  return pssMB(pids);
}

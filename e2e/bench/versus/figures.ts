/**
 * The comparison's arithmetic, pure: one repetition's figures, their medians over repetitions per
 * (system, tab count), and the table of both systems with the ratio mesh / y-webrtc beside the
 * goal each figure has (issue 11). Unit-tested in figures.test.ts.
 */
import { ratio, round1, summarize } from '../stats.ts';
import type { Table } from '../tables.ts';
import type { SystemName } from './systems.ts';
import type { HopBreakdown } from './hop-figures.ts';

/** What one repetition of one system measured (times in ms, CPU in % of one core). */
export interface RepetitionFigures {
  system: SystemName;
  tabs: number;
  repetition: number;
  /** Per update that reached every tab: the latest arrival minus its writing. */
  updateToEveryTabMs: number[];
  /** Links crossed by each update to the tab it reached last (systems that know; empty otherwise). */
  hopsToLastTab?: number[];
  /** Where the time per hop went (systems with a hop trace: the mesh). */
  hopBreakdown?: HopBreakdown;
  updates: number;
  /** Updates that reached every tab within the bound. */
  updatesComplete: number;
  /** Data-channel messages sent by all tabs during the update phase, per update. */
  messagesPerUpdate: number;
  /** Data-channel messages sent per second by all tabs in the idle window. */
  idleMessagesPerSecond: number;
  /** Idle browser CPU over its whole process tree, and per process kind; null off Linux. */
  idleCpuPercent: number | null;
  idleCpuByKind: Record<string, number> | null;
  /** Open data channels per tab in the idle window. */
  links: number[];
  /** First tab's navigation to the moment every tab had a link; null if some never did (tabsUnlinked). */
  openToAllLinkedMs: number | null;
  tabsUnlinked: number;
  /** Each tab's navigation to its first link, tabs 2..N (the first has nobody to link to before the second opens). */
  navigationToFirstLinkMs: number[];
  /** First tab's navigation to the start of a window without link changes; null if it did not settle within the bound. */
  settledMs: number | null;
  browserPssMB: number | null;
  loadAverage: { start: number; end: number };
  chromiumVersion: string;
  durationMs: number;
}

/** Medians over the repetitions of one system at one tab count. */
export interface SystemFigures {
  system: SystemName;
  tabs: number;
  repetitions: number;
  updateMedianMs: number | null;
  updateMaxMs: number | null;
  messagesPerUpdate: number | null;
  idleMessagesPerSecond: number | null;
  idleCpuPercent: number | null;
  idleCpuByKind: Record<string, number>;
  linksPerTabMedian: number | null;
  linksPerTabMax: number | null;
  openToAllLinkedMs: number | null;
  navigationToFirstLinkMs: number | null;
  browserPssMB: number | null;
  updates: number;
  updatesComplete: number;
  /** Repetitions in which some tab never linked. */
  repetitionsWithUnlinkedTabs: number;
}

function median(values: readonly (number | null)[]): number | null {
  return summarize(values.filter((v): v is number => v !== null))?.median ?? null;
}

function maxOf(values: readonly number[]): number | null {
  return values.length === 0 ? null : Math.max(...values);
}

/** Medians over repetitions; null when `reps` is empty or holds other systems or tab counts. */
export function combine(reps: readonly RepetitionFigures[]): SystemFigures | null {
  const first = reps[0];
  if (first === undefined || reps.some((r) => r.system !== first.system || r.tabs !== first.tabs)) return null;
  const kinds = [...new Set(reps.flatMap((r) => Object.keys(r.idleCpuByKind ?? {})))].sort();
  const byKind: Record<string, number> = {};
  for (const kind of kinds) {
    const m = median(reps.map((r) => (r.idleCpuByKind === null ? null : (r.idleCpuByKind[kind] ?? 0))));
    if (m !== null) byKind[kind] = m;
  }
  return {
    system: first.system,
    tabs: first.tabs,
    repetitions: reps.length,
    updateMedianMs: median(reps.map((r) => summarize(r.updateToEveryTabMs)?.median ?? null)),
    updateMaxMs: median(reps.map((r) => maxOf(r.updateToEveryTabMs))),
    messagesPerUpdate: median(reps.map((r) => r.messagesPerUpdate)),
    idleMessagesPerSecond: median(reps.map((r) => r.idleMessagesPerSecond)),
    idleCpuPercent: median(reps.map((r) => r.idleCpuPercent)),
    idleCpuByKind: byKind,
    linksPerTabMedian: median(reps.map((r) => summarize(r.links)?.median ?? null)),
    linksPerTabMax: median(reps.map((r) => maxOf(r.links))),
    openToAllLinkedMs: median(reps.map((r) => r.openToAllLinkedMs)),
    navigationToFirstLinkMs: median(reps.map((r) => summarize(r.navigationToFirstLinkMs)?.median ?? null)),
    browserPssMB: median(reps.map((r) => r.browserPssMB)),
    updates: reps.reduce((a, r) => a + r.updates, 0),
    updatesComplete: reps.reduce((a, r) => a + r.updatesComplete, 0),
    repetitionsWithUnlinkedTabs: reps.filter((r) => r.tabsUnlinked > 0).length,
  };
}

/** Both systems at one tab count, medians over repetitions. */
export interface Comparison {
  tabs: number;
  yWebrtc: SystemFigures | null;
  mesh: SystemFigures | null;
}

/** Groups repetitions by tab count (in the order given) and combines each system's. */
export function compare(reps: readonly RepetitionFigures[]): Comparison[] {
  const counts = [...new Set(reps.map((r) => r.tabs))];
  const of = (tabs: number, system: SystemName): SystemFigures | null => combine(reps.filter((r) => r.tabs === tabs && r.system === system));
  return counts.map((tabs) => ({ tabs, yWebrtc: of(tabs, 'y-webrtc'), mesh: of(tabs, 'mesh') }));
}

/** One row of the comparison: both figures, the ratio mesh / y-webrtc, and the goal. */
export interface ComparisonRow {
  figure: string;
  yWebrtc: string;
  mesh: string;
  /** mesh / y-webrtc; null where a ratio means nothing (missing, zero, or a yes/no figure). */
  ratio: number | null;
  goal: string;
  /** Whether the goal is met; null without a goal or a figure. */
  met: boolean | null;
}

const dash = '-';
const num = (x: number | null, digits: number): string => (x === null ? dash : x.toFixed(digits));
const seconds = (ms: number | null): string => (ms === null ? dash : `${(ms / 1000).toFixed(1)} s`);
const pair = (a: number | null, b: number | null, digits: number): string => `${num(a, digits)} / ${num(b, digits)}`;

function ratioRow(figure: string, y: number | null, m: number | null, show: (x: number | null) => string, goal?: number): ComparisonRow {
  const r = ratio(m, y);
  return { figure, yWebrtc: show(y), mesh: show(m), ratio: r, goal: goal === undefined ? '' : `<= ${goal}x`, met: goal === undefined || r === null ? null : r <= goal };
}

function delivered(f: SystemFigures | null): string {
  return f === null ? dash : `${f.updatesComplete === f.updates ? 'yes' : 'no'} (${f.updatesComplete}/${f.updates})`;
}

/** The rows of issue 11's table for one tab count; goals are issue 11's (set for 24 tabs, shown at every count). */
export function comparisonRows(c: Comparison): ComparisonRow[] {
  const y = c.yWebrtc;
  const m = c.mesh;
  // Process kinds that used any CPU in either system (idle storage or zygote processes say nothing).
  const kinds = [...new Set([...Object.keys(y?.idleCpuByKind ?? {}), ...Object.keys(m?.idleCpuByKind ?? {})])]
    .filter((kind) => (y?.idleCpuByKind[kind] ?? 0) > 0 || (m?.idleCpuByKind[kind] ?? 0) > 0)
    .sort();
  const rows: ComparisonRow[] = [
    ratioRow('update to every tab, median (ms)', y?.updateMedianMs ?? null, m?.updateMedianMs ?? null, (x) => num(x, 0), 0.5),
    ratioRow('update to every tab, max (ms)', y?.updateMaxMs ?? null, m?.updateMaxMs ?? null, (x) => num(x, 0), 1),
    ratioRow('data-channel messages per update (all sent during the update phase)', y?.messagesPerUpdate ?? null, m?.messagesPerUpdate ?? null, (x) => num(x, 0), 0.1),
    ratioRow('idle: data-channel messages per second, all tabs', y?.idleMessagesPerSecond ?? null, m?.idleMessagesPerSecond ?? null, (x) => num(x, 0), 0.05),
    ratioRow('idle: browser CPU, % of one core', y?.idleCpuPercent ?? null, m?.idleCpuPercent ?? null, (x) => num(x, 0), 0.25),
    ...kinds.map((kind) => ratioRow(`  of which ${kind}`, y?.idleCpuByKind[kind] ?? 0, m?.idleCpuByKind[kind] ?? 0, (x) => num(x, 1))),
  ];
  const linksMax = m?.linksPerTabMax ?? null;
  rows.push({
    figure: 'links per tab, median / max',
    yWebrtc: pair(y?.linksPerTabMedian ?? null, y?.linksPerTabMax ?? null, 0),
    mesh: pair(m?.linksPerTabMedian ?? null, linksMax, 0),
    ratio: ratio(m?.linksPerTabMedian, y?.linksPerTabMedian),
    goal: 'mesh max <= 8',
    met: linksMax === null ? null : linksMax <= 8,
  });
  rows.push(
    ratioRow('from the first tab opened to every tab linked', y?.openToAllLinkedMs ?? null, m?.openToAllLinkedMs ?? null, seconds, 1),
    ratioRow('navigation to first link, median per tab', y?.navigationToFirstLinkMs ?? null, m?.navigationToFirstLinkMs ?? null, seconds),
    ratioRow('browser memory (PSS, all processes, MB)', y?.browserPssMB ?? null, m?.browserPssMB ?? null, (x) => num(x, 0)),
  );
  rows.push({
    figure: 'every update reached every tab',
    yWebrtc: delivered(y),
    mesh: delivered(m),
    ratio: null,
    goal: 'mesh: yes',
    met: m === null ? null : m.updatesComplete === m.updates,
  });
  return rows;
}

export function comparisonTable(c: Comparison): Table {
  const reps = (f: SystemFigures | null): string => (f === null ? '0' : String(f.repetitions));
  return {
    title: `${c.tabs} tabs, each in its own browser context: medians of ${reps(c.yWebrtc)} (y-webrtc) and ${reps(c.mesh)} (mesh) repetitions`,
    header: ['figure', 'y-webrtc', 'mesh', 'mesh / y-webrtc', 'goal', 'met'],
    textColumns: 0,
    rows: comparisonRows(c).map((r) => [
      r.figure,
      r.yWebrtc,
      r.mesh,
      r.ratio === null ? dash : `${r.ratio.toFixed(2)}x`,
      r.goal,
      r.met === null ? '' : r.met ? 'yes' : 'no',
    ]),
  };
}

/** One planned session: a system at a tab count. */
export interface Session {
  system: SystemName;
  tabs: number;
  repetition: number;
}

/**
 * The order of the sessions: per tab count, repetitions alternating between the systems, each
 * repetition starting with the system the last one ended with (ABBA: a drift of the machine's
 * load over the run weighs on both alike).
 */
export function schedule(tabCounts: readonly number[], repeat: number, systems: readonly SystemName[]): Session[] {
  const out: Session[] = [];
  for (const tabs of tabCounts) {
    for (let repetition = 0; repetition < repeat; repetition++) {
      const order = repetition % 2 === 0 ? systems : [...systems].reverse();
      for (const system of order) out.push({ system, tabs, repetition });
    }
  }
  return out;
}

/**
 * How long the sessions still to run should take: each as long as the mean of those done with the
 * same system and tab count, else scaled by tabs from the same system's done ones, else the prior.
 */
export function estimateRemainingMs(
  done: readonly (Session & { durationMs: number })[],
  remaining: readonly Session[],
  priorMs: (s: Session) => number,
): number {
  const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.round(
    remaining.reduce((total, s) => {
      const same = done.filter((d) => d.system === s.system && d.tabs === s.tabs).map((d) => d.durationMs);
      if (same.length > 0) return total + mean(same);
      const sys = done.filter((d) => d.system === s.system).map((d) => (d.durationMs * s.tabs) / d.tabs);
      return total + (sys.length > 0 ? mean(sys) : priorMs(s));
    }, 0),
  );
}

/** Seconds as `12.3 min` or `45 s`. */
export function formatDuration(ms: number): string {
  return ms >= 90_000 ? `${round1(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}

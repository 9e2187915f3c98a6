/**
 * The benchmark's figures as tables (header + rows of strings), pure: the terminal report and the
 * HTML report render the same tables.
 */
import type { SweepResult } from '../../client/src/sim/sweep.ts';
import type { BrowserMeshFigures } from './browser.ts';
import type { ScaleFigures } from './sim.ts';
import type { Summary } from './stats.ts';

export interface Table {
  title: string;
  header: string[];
  rows: string[][];
  /** Header columns (0-based) that hold text; the others are right-aligned numbers. */
  textColumns: number;
}

const dash = '-';

export function fixed(x: number | null | undefined, digits: number): string {
  return x === null || x === undefined || !Number.isFinite(x) ? dash : x.toFixed(digits);
}

function times(x: number | null): string {
  return x === null ? dash : `${x.toFixed(2)}x`;
}

function medMax(s: Summary | null, digits = 0): string {
  return s === null ? dash : `${s.median.toFixed(digits)} / ${s.max.toFixed(digits)}`;
}

export function simTable(sweep: SweepResult): Table {
  return {
    title: 'Simulator: one rumor per run (mean and p99 over seeds)',
    header: ['mode', 'N', 'seeds', 'reached', 'rounds mean', 'rounds p99', 'theory', 'vs theory', 'coverage mean', 'coverage min', 'RMR mean', 'RMR p99', 'msgs/node', 'degree'],
    textColumns: 1,
    rows: sweep.cells.map((c) => [
      c.mode,
      String(c.nodes),
      String(c.runs),
      `${c.reached}/${c.runs}`,
      fixed(c.rounds?.mean, 2),
      fixed(c.rounds?.p99, 2),
      fixed(c.theory, 1),
      c.vsTheory === null ? dash : `${c.vsTheory >= 0 ? '+' : ''}${(c.vsTheory * 100).toFixed(1)}%`,
      fixed(c.coverage.mean, 4),
      fixed(c.coverage.min, 4),
      fixed(c.rmr.mean, 3),
      fixed(c.rmr.p99, 3),
      fixed(c.messagesPerNode.mean, 1),
      fixed(c.meanDegree.mean, 2),
    ]),
  };
}

export function scaleTable(scale: ScaleFigures): Table {
  return {
    title: `Simulator at scale: one ${scale.mode} rumor, seed ${scale.seed}, its own process`,
    header: ['N', 'mode', 'wall time s', 'peak RSS MB', 'process s', 'events', 'rounds', 'coverage', 'RMR', 'degree'],
    textColumns: 1,
    rows: [
      [
        String(scale.nodes),
        scale.mode,
        fixed(scale.wallTimeS, 1),
        fixed(scale.peakRssMB, 0),
        fixed(scale.processWallMs / 1000, 1),
        scale.events === null ? dash : String(scale.events),
        fixed(scale.rounds, 1),
        fixed(scale.coverage, 4),
        fixed(scale.rmr, 3),
        fixed(scale.meanDegree, 2),
      ],
    ],
  };
}

export function meshTable(meshes: readonly BrowserMeshFigures[]): Table {
  return {
    title: 'Browser meshes (Chromium, one context)',
    header: ['tabs', 'open->1st link ms med/max', 'formed ms', 'settled ms', 'links', 'links/tab mean', 'min', 'max', 'opened', 'via mesh', 'via server'],
    textColumns: 0,
    rows: meshes.map((m) => [
      String(m.tabs),
      medMax(m.openToFirstLinkMs),
      String(m.meshFormedMs),
      String(m.meshSettledMs),
      String(m.linksAtStart),
      fixed(m.linksPerTabAtStart.mean, 1),
      String(m.linksPerTabAtStart.min),
      String(m.linksPerTabAtStart.max),
      String(m.linksOpened),
      String(m.linksViaMesh),
      String(m.linksViaServer),
    ]),
  };
}

/** One mesh's modes: delivery, cost and memory, each on the same tabs and links. */
export function modesTable(mesh: BrowserMeshFigures): Table {
  return {
    title: `${mesh.tabs} tabs: ${mesh.settings.rumors} rumors per mode (after ${mesh.settings.warmupRumors} uncounted warm-ups), same tabs and links`,
    header: [
      'mode',
      'rumors',
      'last delivery ms med',
      'max',
      'hops med',
      'max',
      'payloads/delivery',
      'msgs/rumor',
      'above bg',
      'KB/rumor above bg',
      'bg msgs/tab/s',
      'heap MB/tab',
      'PSS MB/tab',
      'links/tab',
      'links kept',
    ],
    textColumns: 0,
    rows: mesh.modes.map((m) => [
      m.mode,
      `${m.rumors}${m.incomplete.length > 0 ? ` (+${m.incomplete.length} incomplete)` : ''}`,
      fixed(m.publishToLastDeliveryMs?.median, 1),
      fixed(m.publishToLastDeliveryMs?.max, 1),
      fixed(m.lastDeliveryHops?.median, 1),
      fixed(m.lastDeliveryHops?.max, 0),
      fixed(m.payloadsPerDelivery, 2),
      fixed(m.messagesPerRumor, 1),
      fixed(m.messagesPerRumorAboveBackground, 1),
      fixed(m.bytesPerRumorAboveBackground === null ? null : m.bytesPerRumorAboveBackground / 1024, 1),
      fixed(m.background.messagesPerTabPerSecond, 1),
      fixed(m.memory.jsHeapPerTabMB?.median, 1),
      fixed(m.memory.browserPssPerTabMB, 1),
      `${fixed(m.linksPerTab.mean, 1)} (${m.linksPerTab.min}-${m.linksPerTab.max})`,
      `${m.links.kept}/${m.links.atStart}`,
    ]),
  };
}

/** Each mode against flood on the same tabs, mode / flood (below 1: the mode does better). */
export function ratiosTable(mesh: BrowserMeshFigures): Table {
  return {
    title: `${mesh.tabs} tabs: each mode / flood (the baseline, same tabs, same run)`,
    header: ['mode', 'latency median', 'latency max', 'payloads', 'msgs', 'msgs above bg', 'bytes above bg'],
    textColumns: 0,
    rows: mesh.ratios.map((r) => [r.mode, times(r.latencyMedian), times(r.latencyMax), times(r.payloads), times(r.messages), times(r.messagesAboveBackground), times(r.bytesAboveBackground)]),
  };
}

/** Fixed-width text: text columns left-aligned, numbers right-aligned. */
export function formatTable(table: Table): string {
  const widths = table.header.map((h, i) => Math.max(h.length, ...table.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i <= table.textColumns ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [table.title, line(table.header), ...table.rows.map(line)].join('\n');
}

/** The same table as GitHub markdown (title as a bold line, numbers right-aligned). */
export function markdownTable(table: Table): string {
  const row = (cells: readonly string[]): string => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  const align = table.header.map((_, i) => (i <= table.textColumns ? '---' : '---:'));
  return [`**${table.title}**`, '', row(table.header), row(align), ...table.rows.map(row)].join('\n');
}

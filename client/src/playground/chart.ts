import type { ChartLine, ChartSnapshot } from './api.ts';
import { formatMs, legendLayout, ticks, timeAxisMax } from './chart-data.ts';
import type { Curve } from './theory-curve.ts';

/** Colours shared by the chart, the network panes and the legend (CSS reads the same values). */
export const COLORS = {
  naive: '#d9480f',
  gossip: '#1971c2',
  uninformed: '#ced4da',
  link: 'rgba(73, 80, 87, 0.16)',
  control: 'rgba(73, 80, 87, 0.55)',
  lost: '#e03131',
  crashed: '#212529',
  axis: '#495057',
  grid: 'rgba(73, 80, 87, 0.15)',
} as const;

export interface ChartInput {
  naive: Curve;
  gossip: Curve;
  theoryGossip: Curve;
  theoryNaive: Curve;
  gossipLabel: string;
  crashAtMs: number | null;
  /** The shared clock: the time axis always reaches it. */
  nowMs: number;
}

const MARGIN = { left: 46, right: 14, top: 30, bottom: 34 };
const LEGEND_TOP_PX = 12;
const THEORY_DASH = [5, 4];
const CRASH_DASH = [2, 3];
const LEGEND_ROW_PX = 16;
const LEGEND_SAMPLE_PX = 18;

/** One legend entry: its line exactly as the chart draws it. */
interface LegendEntry {
  label: string;
  color: string;
  dash: number[];
  lineWidth: number;
}

/**
 * The informed fraction over virtual time, on a canvas: naive and gossip as solid step lines, the
 * theory curves dashed, the origin's crash as a red line; every line style drawn is in the legend
 * (it wraps on a narrow chart). Redraws in full on each call.
 */
export class Chart {
  private readonly context: CanvasRenderingContext2D;
  private last: ChartSnapshot | null = null;

  constructor(private readonly canvas: HTMLCanvasElement) {
    const context = canvas.getContext('2d');
    if (context === null) throw new Error('no 2d canvas context');
    this.context = context;
  }

  snapshot(): ChartSnapshot | null {
    return this.last;
  }

  draw(input: ChartInput): ChartSnapshot {
    const { context: g, canvas } = this;
    const dpr = window.devicePixelRatio || 1;
    const cssWidth = canvas.clientWidth || 600;
    const cssHeight = canvas.clientHeight || 260;
    if (canvas.width !== Math.round(cssWidth * dpr) || canvas.height !== Math.round(cssHeight * dpr)) {
      canvas.width = Math.round(cssWidth * dpr);
      canvas.height = Math.round(cssHeight * dpr);
    }
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, cssWidth, cssHeight);

    const xMaxMs = timeAxisMax(input.nowMs, endOf(input.theoryGossip), endOf(input.theoryNaive), endOf(input.naive), endOf(input.gossip));
    const legendRows = this.legend(input, cssWidth);
    const top = Math.max(MARGIN.top, LEGEND_TOP_PX + legendRows * LEGEND_ROW_PX + 4);
    const width = cssWidth - MARGIN.left - MARGIN.right;
    const height = cssHeight - top - MARGIN.bottom;
    const x = (ms: number) => MARGIN.left + (Math.min(ms, xMaxMs) / xMaxMs) * width;
    const y = (fraction: number) => top + (1 - fraction) * height;

    this.drawAxes(xMaxMs, x, y, width);
    if (input.crashAtMs !== null && input.crashAtMs <= xMaxMs) {
      g.strokeStyle = COLORS.lost;
      g.setLineDash(CRASH_DASH);
      g.lineWidth = 1;
      g.beginPath();
      g.moveTo(x(input.crashAtMs), y(0));
      g.lineTo(x(input.crashAtMs), y(1));
      g.stroke();
      g.setLineDash([]);
      g.fillStyle = COLORS.lost;
      g.font = '11px system-ui, sans-serif';
      g.textAlign = x(input.crashAtMs) > MARGIN.left + width - 90 ? 'right' : 'left';
      g.fillText(' origin crashes ', x(input.crashAtMs), y(0.04));
    }
    this.line(input.theoryNaive, COLORS.naive, THEORY_DASH, 1.2, false, x, y);
    this.line(input.theoryGossip, COLORS.gossip, THEORY_DASH, 1.2, false, x, y);
    this.line(input.naive, COLORS.naive, [], 2.2, true, x, y);
    this.line(input.gossip, COLORS.gossip, [], 2.2, true, x, y);

    this.last = {
      naive: lineOf(input.naive),
      gossip: lineOf(input.gossip),
      theoryGossip: lineOf(input.theoryGossip),
      theoryNaive: lineOf(input.theoryNaive),
      xMaxMs,
    };
    return this.last;
  }

  private drawAxes(xMaxMs: number, x: (ms: number) => number, y: (f: number) => number, width: number): void {
    const g = this.context;
    g.font = '11px system-ui, sans-serif';
    g.lineWidth = 1;
    g.fillStyle = COLORS.axis;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (const f of [0, 0.25, 0.5, 0.75, 1]) {
      g.strokeStyle = COLORS.grid;
      g.beginPath();
      g.moveTo(MARGIN.left, y(f));
      g.lineTo(MARGIN.left + width, y(f));
      g.stroke();
      g.fillText(`${Math.round(f * 100)}%`, MARGIN.left - 6, y(f));
    }
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (const t of ticks(xMaxMs)) {
      g.strokeStyle = COLORS.grid;
      g.beginPath();
      g.moveTo(x(t), y(0));
      g.lineTo(x(t), y(1));
      g.stroke();
      g.fillText(formatMs(t), x(t), y(0) + 5);
    }
    g.fillText('virtual time', MARGIN.left + width / 2, y(0) + 19);
    g.strokeStyle = COLORS.axis;
    g.beginPath();
    g.moveTo(MARGIN.left, y(1));
    g.lineTo(MARGIN.left, y(0));
    g.lineTo(MARGIN.left + width, y(0));
    g.stroke();
  }

  /** A curve as steps (runs) or straight segments (theory). */
  private line(curve: Curve, color: string, dash: number[], lineWidth: number, steps: boolean, x: (ms: number) => number, y: (f: number) => number): void {
    const g = this.context;
    if (curve.length === 0) return;
    g.strokeStyle = color;
    g.lineWidth = lineWidth;
    g.setLineDash(dash);
    g.beginPath();
    let previous: readonly [number, number] | null = null;
    for (const point of curve) {
      if (previous === null) g.moveTo(x(point[0]), y(point[1]));
      else {
        if (steps) g.lineTo(x(point[0]), y(previous[1]));
        g.lineTo(x(point[0]), y(point[1]));
      }
      previous = point;
    }
    g.stroke();
    g.setLineDash([]);
  }

  /** Draws the legend at the top; returns how many rows it took. */
  private legend(input: ChartInput, cssWidth: number): number {
    const g = this.context;
    const entries: LegendEntry[] = [
      { label: 'naive broadcast', color: COLORS.naive, dash: [], lineWidth: 2.2 },
      { label: input.gossipLabel, color: COLORS.gossip, dash: [], lineWidth: 2.2 },
      { label: 'theory, naive (complete graph)', color: COLORS.naive, dash: THEORY_DASH, lineWidth: 1.2 },
      { label: 'theory, gossip (complete graph)', color: COLORS.gossip, dash: THEORY_DASH, lineWidth: 1.2 },
    ];
    if (input.crashAtMs !== null) entries.push({ label: 'origin crashes', color: COLORS.lost, dash: CRASH_DASH, lineWidth: 1 });
    g.font = '11px system-ui, sans-serif';
    g.textAlign = 'left';
    g.textBaseline = 'middle';
    const widths = entries.map((e) => LEGEND_SAMPLE_PX + 5 + g.measureText(e.label).width);
    const slots = legendLayout(widths, MARGIN.left, cssWidth - MARGIN.right, 16);
    entries.forEach((entry, i) => {
      const slot = slots[i] ?? { x: MARGIN.left, row: 0 };
      const top = LEGEND_TOP_PX + slot.row * LEGEND_ROW_PX;
      g.strokeStyle = entry.color;
      g.lineWidth = entry.lineWidth;
      g.setLineDash(entry.dash);
      g.beginPath();
      g.moveTo(slot.x, top);
      g.lineTo(slot.x + LEGEND_SAMPLE_PX, top);
      g.stroke();
      g.setLineDash([]);
      g.fillStyle = COLORS.axis;
      g.fillText(entry.label, slot.x + LEGEND_SAMPLE_PX + 5, top);
    });
    return slots.reduce((rows, slot) => Math.max(rows, slot.row + 1), 1);
  }
}

function endOf(curve: Curve): number | null {
  const last = curve[curve.length - 1];
  return last === undefined ? null : last[0];
}

function lineOf(curve: Curve): ChartLine {
  const last = curve[curve.length - 1];
  return { end: last === undefined ? [0, 0] : [last[0], last[1]], points: curve.length };
}

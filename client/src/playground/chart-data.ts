import type { Curve } from './theory-curve.ts';

/**
 * What the chart plots, computed without the DOM: a run's informed fraction as a step line, nice
 * axis bounds and ticks, and time labels.
 */

/**
 * The informed fraction of a run as steps: [t, fraction] means "from t on, this fraction".
 * `informedTimesMs[k]` is when the (k+1)-th node learned the rumor; the line ends at `endMs` (the
 * run's clock) at its final value. Long series keep at most about `maxPoints` steps (evenly by
 * count), always with the first and the last, so the final value is exact.
 */
export function stepSeries(informedTimesMs: readonly number[], nodes: number, endMs: number, maxPoints = 2000): Curve {
  const points: Array<readonly [number, number]> = [];
  const count = informedTimesMs.length;
  if (count === 0) return [[0, 0], [Math.max(0, endMs), 0]];
  const stride = Math.max(1, Math.ceil(count / maxPoints));
  for (let k = 0; k < count; k += stride) points.push([informedTimesMs[k] as number, (k + 1) / nodes]);
  if ((count - 1) % stride !== 0) points.push([informedTimesMs[count - 1] as number, count / nodes]);
  const last = points[points.length - 1] as readonly [number, number];
  points.push([Math.max(endMs, last[0]), last[1]]);
  return points;
}

/** The smallest of 1, 2, 2.5, 5 x 10^k that is >= value (value > 0). */
export function niceCeil(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const power = Math.pow(10, Math.floor(Math.log10(value)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= value * (1 - 1e-12)) return m * power;
  return 10 * power;
}

/** About `count` round tick values from 0 to max inclusive. */
export function ticks(max: number, count = 5): number[] {
  const step = niceCeil(max / count);
  const out: number[] = [];
  for (let i = 0; i * step <= max * (1 + 1e-9); i++) out.push(Number((i * step).toPrecision(12)));
  return out;
}

/** "0", "850 ms", "2.5 s", "95 s", "12 min" */
export function formatMs(ms: number): string {
  if (ms === 0) return '0';
  if (Math.abs(ms) < 1000) return `${Number(ms.toPrecision(3))} ms`;
  const s = ms / 1000;
  if (Math.abs(s) < 600) return `${Number(s.toPrecision(3))} s`;
  return `${Number((s / 60).toPrecision(3))} min`;
}

/** Throughput in words: bytes per ms and the bit rate it is. */
export function formatThroughput(bytesPerMs: number): string {
  const bitsPerS = bytesPerMs * 8000;
  const rate =
    bitsPerS >= 1e9 ? `${Number((bitsPerS / 1e9).toPrecision(3))} Gbit/s` : bitsPerS >= 1e6 ? `${Number((bitsPerS / 1e6).toPrecision(3))} Mbit/s` : `${Number((bitsPerS / 1e3).toPrecision(3))} kbit/s`;
  return `${Number(bytesPerMs.toPrecision(3))} B/ms (${rate})`;
}

/** The time axis's right end: everything known so far fits, rounded up to a nice value. */
export function timeAxisMax(...timesMs: ReadonlyArray<number | null>): number {
  let max = 0;
  for (const t of timesMs) if (t !== null && Number.isFinite(t)) max = Math.max(max, t);
  return niceCeil(max > 0 ? max : 1000);
}

/** Where a legend entry goes: its left edge and row (0 = top). */
export interface LegendSlot {
  x: number;
  row: number;
}

/**
 * Lays legend entries out left to right from `left`, wrapping to a new row when the next one
 * would pass `right` (a narrow chart used to push the last entries off the canvas). `widths` are
 * the entries' full widths (sample line and text); `gap` is the space between entries.
 */
export function legendLayout(widths: readonly number[], left: number, right: number, gap: number): LegendSlot[] {
  const slots: LegendSlot[] = [];
  let x = left;
  let row = 0;
  for (const width of widths) {
    if (x > left && x + width > right) {
      row++;
      x = left;
    }
    slots.push({ x, row });
    x += width + gap;
  }
  return slots;
}

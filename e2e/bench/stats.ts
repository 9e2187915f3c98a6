/**
 * The benchmark's arithmetic, pure: order statistics of a list of figures, and each mode's figures
 * against the flood baseline measured on the same tabs in the same run.
 */

export interface Summary {
  median: number;
  /** Nearest-rank 90th percentile. */
  p90: number;
  min: number;
  max: number;
  mean: number;
  n: number;
}

/** Median (mean of the middle two for an even count), nearest-rank p90, min, max, mean; 1 decimal. */
export function summarize(values: readonly number[]): Summary | null {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return null;
  const sorted = [...finite].sort((a, b) => a - b);
  const n = sorted.length;
  const at = (i: number): number => sorted[Math.min(n - 1, Math.max(0, i))] as number;
  const median = n % 2 === 1 ? at((n - 1) / 2) : (at(n / 2 - 1) + at(n / 2)) / 2;
  return {
    median: round1(median),
    p90: round1(at(Math.ceil(0.9 * n) - 1)),
    min: round1(at(0)),
    max: round1(at(n - 1)),
    mean: round1(sorted.reduce((a, b) => a + b, 0) / n),
    n,
  };
}

export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * a / b to 2 decimals; null when either is missing or not positive (a figure above a noisy
 * background can come out negative: it is then below the noise, and a ratio would mean nothing).
 */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if (!Number.isFinite(a) || !Number.isFinite(b) || a < 0 || b <= 0) return null;
  return round2(a / b);
}

/** What `vsBaseline` compares: one mode's figures on one mesh. */
export interface ComparableFigures {
  mode: string;
  publishToLastDeliveryMs: Summary | null;
  payloadsPerDelivery: number | null;
  messagesPerRumor: number | null;
  messagesPerRumorAboveBackground: number | null;
  bytesPerRumorAboveBackground: number | null;
}

/** One mode against the baseline: each ratio is mode / baseline (below 1: the mode does better). */
export interface BaselineRatios {
  mode: string;
  baseline: string;
  latencyMedian: number | null;
  latencyMax: number | null;
  payloads: number | null;
  messages: number | null;
  messagesAboveBackground: number | null;
  bytesAboveBackground: number | null;
}

export function vsBaseline(figures: ComparableFigures, baseline: ComparableFigures): BaselineRatios {
  return {
    mode: figures.mode,
    baseline: baseline.mode,
    latencyMedian: ratio(figures.publishToLastDeliveryMs?.median, baseline.publishToLastDeliveryMs?.median),
    latencyMax: ratio(figures.publishToLastDeliveryMs?.max, baseline.publishToLastDeliveryMs?.max),
    payloads: ratio(figures.payloadsPerDelivery, baseline.payloadsPerDelivery),
    messages: ratio(figures.messagesPerRumor, baseline.messagesPerRumor),
    messagesAboveBackground: ratio(figures.messagesPerRumorAboveBackground, baseline.messagesPerRumorAboveBackground),
    bytesAboveBackground: ratio(figures.bytesPerRumorAboveBackground, baseline.bytesPerRumorAboveBackground),
  };
}

/** Every mode of one mesh against the one named `baseline`; empty when the baseline is missing. */
export function ratiosAgainst<T extends ComparableFigures>(modes: readonly T[], baseline: string): BaselineRatios[] {
  const base = modes.find((m) => m.mode === baseline);
  if (base === undefined) return [];
  return modes.filter((m) => m.mode !== baseline).map((m) => vsBaseline(m, base));
}

/** The core's seeded PRNG, so the publishing tabs are the same for a seed. */
export { seededRandom } from '../../client/src/core/env.ts';

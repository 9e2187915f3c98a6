/**
 * Grouped bar charts as inline SVG strings, pure: no library, no script in the report. Each bar
 * may carry a whisker (e.g. p99 or max above the mean or median) and a mark (a short black line,
 * e.g. the complete-graph theory). Every bar has a <title> with its figures (a hover tooltip).
 */

export interface BarSeries {
  name: string;
  /** One per group; null: no bar. */
  values: readonly (number | null)[];
  whiskers?: readonly (number | null)[];
  marks?: readonly (number | null)[];
}

export interface BarChartSpec {
  title: string;
  /** Axis label of the values, with its unit. */
  yLabel: string;
  /** Group labels along x (e.g. "N=100"). */
  groups: readonly string[];
  series: readonly BarSeries[];
  /** What the whisker and the mark stand for, in the legend; omitted when unused. */
  whiskerLabel?: string;
  markLabel?: string;
  /** Logarithmic value axis (for figures that span orders of magnitude); values <= 0 get no bar. */
  log?: boolean;
  width?: number;
  height?: number;
}

export const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#b07aa1', '#edc948', '#9c755f'];

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** A linear axis from 0: a "nice" step (1, 2, 2.5 or 5 times a power of ten) and at most 5 steps to cover `max`. */
export function niceAxis(max: number): { max: number; step: number } {
  if (!(max > 0)) return { max: 1, step: 0.25 };
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((k) => k * power >= raw) ?? 10) * power;
  return { max: Math.ceil(max / step - 1e-9) * step, step };
}

export function formatNumber(x: number): string {
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** Maps values to pixel heights: linear from 0, or logarithmic between two powers of ten. */
function scale(values: readonly number[], log: boolean, top: number, plotH: number): { y: (v: number) => number; ticks: number[] } {
  if (!log) {
    const axis = niceAxis(Math.max(0, ...values));
    const ticks = Array.from({ length: Math.round(axis.max / axis.step) + 1 }, (_, i) => Math.round(i * axis.step * 1e6) / 1e6);
    return { y: (v) => top + plotH - (Math.max(0, v) / axis.max) * plotH, ticks };
  }
  const positive = values.filter((v) => v > 0);
  const lo = Math.floor(Math.log10(Math.min(1, ...positive)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(10 ** (lo + 1), ...positive))));
  return {
    y: (v) => top + plotH - ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * plotH,
    ticks: Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i)),
  };
}

export function barChart(spec: BarChartSpec): string {
  const width = spec.width ?? 580;
  const height = spec.height ?? 300;
  const left = 64;
  const right = 16;
  const top = 36;
  const legend: { svg: string; width: number }[] = spec.series.map((s, k) => ({
    svg: `<rect width="10" height="10" fill="${PALETTE[k % PALETTE.length]}"/><text x="14" y="9">${escapeXml(s.name)}</text>`,
    width: 24 + 6.5 * s.name.length,
  }));
  if (spec.whiskerLabel) legend.push({ svg: `<line x1="5" x2="5" y1="0" y2="10" stroke="#333"/><text x="14" y="9">whisker: ${escapeXml(spec.whiskerLabel)}</text>`, width: 70 + 6.5 * spec.whiskerLabel.length });
  if (spec.markLabel) legend.push({ svg: `<line x1="0" x2="10" y1="5" y2="5" stroke="#000" stroke-width="2.5"/><text x="14" y="9">${escapeXml(spec.markLabel)}</text>`, width: 24 + 6.5 * spec.markLabel.length });
  // Legend items flow left to right and wrap.
  const placed: { svg: string; x: number; row: number }[] = [];
  let lx = 0;
  let row = 0;
  for (const item of legend) {
    if (lx > 0 && lx + item.width > width - left - right) {
      row++;
      lx = 0;
    }
    placed.push({ svg: item.svg, x: lx, row });
    lx += item.width;
  }
  const bottom = 28 + 18 * (row + 1);
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const all = spec.series.flatMap((s) => [...s.values, ...(s.whiskers ?? []), ...(s.marks ?? [])]).filter((v): v is number => v !== null && Number.isFinite(v));
  const { y, ticks } = scale(all, spec.log === true, top, plotH);
  const base = top + plotH;
  const groupW = plotW / Math.max(1, spec.groups.length);
  const barW = (groupW * 0.8) / Math.max(1, spec.series.length);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(spec.title)}" font-family="system-ui, sans-serif" font-size="11">`);
  out.push(`<text x="${width / 2}" y="18" text-anchor="middle" font-size="13" font-weight="600">${escapeXml(spec.title)}</text>`);
  for (const v of ticks) {
    out.push(`<line x1="${left}" x2="${width - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`);
    out.push(`<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${formatNumber(v)}</text>`);
  }
  out.push(`<text transform="translate(14 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}${spec.log ? ' (log scale)' : ''}</text>`);
  spec.groups.forEach((group, g) => {
    const x0 = left + g * groupW + groupW * 0.1;
    out.push(`<text x="${(left + g * groupW + groupW / 2).toFixed(1)}" y="${base + 16}" text-anchor="middle">${escapeXml(group)}</text>`);
    spec.series.forEach((s, k) => {
      const value = s.values[g] ?? null;
      if (value === null || !Number.isFinite(value) || (spec.log && value <= 0)) return;
      const x = x0 + k * barW;
      const whisker = s.whiskers?.[g] ?? null;
      const mark = s.marks?.[g] ?? null;
      const tip = [`${s.name}, ${group}: ${formatNumber(value)}`];
      if (whisker !== null && spec.whiskerLabel) tip.push(`${spec.whiskerLabel} ${formatNumber(whisker)}`);
      if (mark !== null && spec.markLabel) tip.push(`${spec.markLabel} ${formatNumber(mark)}`);
      out.push(
        `<rect class="bar" data-series="${escapeXml(s.name)}" data-group="${escapeXml(group)}" data-value="${value}" x="${x.toFixed(1)}" y="${y(value).toFixed(1)}" ` +
          `width="${(barW * 0.9).toFixed(1)}" height="${(base - y(value)).toFixed(1)}" fill="${PALETTE[k % PALETTE.length]}"><title>${escapeXml(tip.join('; '))}</title></rect>`,
      );
      const cx = x + barW * 0.45;
      if (whisker !== null && Number.isFinite(whisker)) {
        out.push(`<line x1="${cx.toFixed(1)}" x2="${cx.toFixed(1)}" y1="${y(value).toFixed(1)}" y2="${y(whisker).toFixed(1)}" stroke="#333"/>`);
        out.push(`<line x1="${(cx - barW * 0.2).toFixed(1)}" x2="${(cx + barW * 0.2).toFixed(1)}" y1="${y(whisker).toFixed(1)}" y2="${y(whisker).toFixed(1)}" stroke="#333"/>`);
      }
      if (mark !== null && Number.isFinite(mark)) {
        out.push(`<line x1="${x.toFixed(1)}" x2="${(x + barW * 0.9).toFixed(1)}" y1="${y(mark).toFixed(1)}" y2="${y(mark).toFixed(1)}" stroke="#000" stroke-width="2.5"/>`);
      }
    });
  });
  for (const item of placed) out.push(`<g transform="translate(${left + item.x} ${base + 28 + item.row * 18})">${item.svg}</g>`);
  out.push('</svg>');
  return out.join('\n');
}

/**
 * The results as a terminal report and as a self-contained HTML page (inline SVG charts, no script,
 * no external file: it opens from disk and can be attached anywhere). Pure: results in, text out.
 */
import { formatSweepTable } from '../../client/src/sim/sweep.ts';
import type { BenchResults } from './results.ts';
import { barChart, escapeXml } from './svg.ts';
import { comparisonTable, type SystemFigures } from './versus/figures.ts';
import { SYSTEMS, type SystemName } from './versus/systems.ts';
import { formatTable, meshTable, modesTable, ratiosTable, scaleTable, simTable, type Table } from './tables.ts';

function environmentLine(r: BenchResults): string {
  const e = r.environment;
  const load = (l: number[]): string => (l.length === 0 ? '?' : l.map((x) => x.toFixed(2)).join(' '));
  return (
    `${e.cpus} CPUs (${e.cpuModel}), ${Math.round(e.memoryMB / 1024)} GB, ${e.platform}, Node ${e.node}` +
    (e.chromium === null ? '' : `, Chromium ${e.chromium.version ?? '?'}`) +
    `; load average (1/5/15 min) ${load(e.loadAverage.start)} at the start, ${load(e.loadAverage.end)} at the end` +
    (e.loopbackNamespace ? '; browsers in a loopback-only network namespace' : '') +
    (e.git === null ? '' : `; git ${e.git.commit.slice(0, 10)}${e.git.dirty ? ' (uncommitted changes)' : ''}`)
  );
}

export function renderText(r: BenchResults): string {
  const out: string[] = [`gossip-mesh benchmark, ${r.startedAt}, ${(r.durationMs / 60_000).toFixed(1)} min`, environmentLine(r), ''];
  const sweep = r.sim?.sweep ?? null;
  if (sweep !== null) {
    out.push(`Simulator sweep (${(sweep.durationMs / 60_000).toFixed(1)} min, ${sweep.jobs} processes at once):`, formatSweepTable(sweep.sweep), '');
  }
  const scale = r.sim?.scale ?? null;
  if (scale !== null) out.push(formatTable(scaleTable(scale)), '');
  if (r.browser !== null && r.browser.length > 0) {
    out.push(formatTable(meshTable(r.browser)), '');
    for (const mesh of r.browser) out.push(formatTable(modesTable(mesh)), '', formatTable(ratiosTable(mesh)), '');
  }
  for (const c of r.versus?.comparisons ?? []) out.push(formatTable(comparisonTable(c)), '');
  if (r.notes.length > 0) out.push('Notes:', ...r.notes.map((n) => `- ${n}`), '');
  if (r.errors.length > 0) out.push('Errors:', ...r.errors.map((e) => `- ${e}`), '');
  return out.join('\n');
}

function htmlTable(table: Table): string {
  const cell = (tag: 'th' | 'td', text: string, i: number): string => `<${tag}${i > table.textColumns ? ' class="num"' : ''}>${escapeXml(text)}</${tag}>`;
  return [
    `<table><caption>${escapeXml(table.title)}</caption>`,
    `<thead><tr>${table.header.map((h, i) => cell('th', h, i)).join('')}</tr></thead>`,
    `<tbody>${table.rows.map((row) => `<tr>${row.map((c, i) => cell('td', c, i)).join('')}</tr>`).join('\n')}</tbody></table>`,
  ].join('\n');
}

/** The charts of the report, in order. */
export function charts(r: BenchResults): string[] {
  const out: string[] = [];
  const sweep = r.sim?.sweep?.sweep ?? null;
  if (sweep !== null && sweep.cells.length > 0) {
    const nodes = [...new Set(sweep.cells.map((c) => c.nodes))];
    const modes = [...new Set(sweep.cells.map((c) => c.mode))];
    const cell = (mode: string, n: number) => sweep.cells.find((c) => c.mode === mode && c.nodes === n);
    const groups = nodes.map((n) => `N=${n}`);
    out.push(
      barChart({
        title: 'Simulator: rounds to full coverage',
        yLabel: 'rounds (mean)',
        groups,
        whiskerLabel: 'p99',
        markLabel: 'complete-graph theory',
        series: modes.map((m) => ({
          name: m,
          values: nodes.map((n) => cell(m, n)?.rounds?.mean ?? null),
          whiskers: nodes.map((n) => cell(m, n)?.rounds?.p99 ?? null),
          marks: nodes.map((n) => cell(m, n)?.theory ?? null),
        })),
      }),
      barChart({
        title: 'Simulator: RMR (payload copies per node reached, minus 1)',
        yLabel: 'RMR (mean)',
        groups,
        whiskerLabel: 'p99',
        series: modes.map((m) => ({ name: m, values: nodes.map((n) => cell(m, n)?.rmr.mean ?? null), whiskers: nodes.map((n) => cell(m, n)?.rmr.p99 ?? null) })),
      }),
    );
  }
  const comparisons = r.versus?.comparisons ?? [];
  if (comparisons.length > 0) {
    const groups = comparisons.map((c) => `${c.tabs} tabs`);
    // One figure of one system at every tab count.
    const column = (system: SystemName, pick: (f: SystemFigures) => number | null): (number | null)[] =>
      comparisons.map((c) => {
        const f = system === 'mesh' ? c.mesh : c.yWebrtc;
        return f === null ? null : pick(f);
      });
    out.push(
      barChart({
        title: 'Beside y-webrtc: update to every tab',
        yLabel: 'ms (median over repetitions)',
        groups,
        whiskerLabel: 'max',
        series: SYSTEMS.map((name) => ({ name, values: column(name, (f) => f.updateMedianMs), whiskers: column(name, (f) => f.updateMaxMs) })),
      }),
      barChart({
        title: 'Beside y-webrtc: data-channel messages',
        yLabel: 'messages per update',
        groups,
        markLabel: 'idle messages per second, all tabs',
        series: SYSTEMS.map((name) => ({ name, values: column(name, (f) => f.messagesPerUpdate), marks: column(name, (f) => f.idleMessagesPerSecond) })),
      }),
      barChart({
        title: 'Beside y-webrtc: idle browser CPU',
        yLabel: '% of one core',
        groups,
        series: SYSTEMS.map((name) => ({ name, values: column(name, (f) => f.idleCpuPercent) })),
      }),
    );
  }
  const meshes = r.browser ?? [];
  if (meshes.length > 0) {
    const groups = meshes.map((m) => `${m.tabs} tabs`);
    const modes = [...new Set(meshes.flatMap((m) => m.modes.map((x) => x.mode)))];
    const fig = (mesh: (typeof meshes)[number], mode: string) => mesh.modes.find((x) => x.mode === mode);
    out.push(
      barChart({
        title: 'Browsers: publish to last delivery',
        yLabel: 'ms (median)',
        log: true,
        groups,
        whiskerLabel: 'max',
        series: modes.map((mode) => ({
          name: mode,
          values: meshes.map((m) => fig(m, mode)?.publishToLastDeliveryMs?.median ?? null),
          whiskers: meshes.map((m) => fig(m, mode)?.publishToLastDeliveryMs?.max ?? null),
        })),
      }),
      barChart({
        title: 'Browsers: payload messages per delivered rumor',
        yLabel: 'rumor copies per tab reached',
        groups,
        series: modes.map((mode) => ({ name: mode, values: meshes.map((m) => fig(m, mode)?.payloadsPerDelivery ?? null) })),
      }),
      barChart({
        title: 'Browsers: data-channel messages per rumor (all kinds)',
        yLabel: 'messages',
        groups,
        markLabel: 'above the idle background',
        series: modes.map((mode) => ({
          name: mode,
          values: meshes.map((m) => fig(m, mode)?.messagesPerRumor ?? null),
          marks: meshes.map((m) => fig(m, mode)?.messagesPerRumorAboveBackground ?? null),
        })),
      }),
      barChart({
        title: 'Browsers: data-channel bytes per rumor above the idle background',
        yLabel: 'KB',
        groups,
        series: modes.map((mode) => ({
          name: mode,
          values: meshes.map((m) => {
            const bytes = fig(m, mode)?.bytesPerRumorAboveBackground ?? null;
            return bytes === null ? null : Math.round(bytes / 102.4) / 10;
          }),
        })),
      }),
      barChart({
        title: 'Browsers: last-delivery hop count',
        yLabel: 'hops (median)',
        groups,
        whiskerLabel: 'max',
        series: modes.map((mode) => ({
          name: mode,
          values: meshes.map((m) => fig(m, mode)?.lastDeliveryHops?.median ?? null),
          whiskers: meshes.map((m) => fig(m, mode)?.lastDeliveryHops?.max ?? null),
        })),
      }),
    );
  }
  return out;
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:13px}caption{text-align:left;font-weight:600;padding:4px 0}
th,td{border:1px solid #ccc;padding:3px 7px;text-align:left}.num{text-align:right;font-variant-numeric:tabular-nums}
th{background:#f4f4f4}.charts{display:flex;flex-wrap:wrap;gap:12px}.charts svg{border:1px solid #eee;max-width:100%;height:auto}
.env{color:#555}.errors{color:#a00}`;

export function renderHtml(r: BenchResults): string {
  const tables: Table[] = [];
  if (r.sim?.sweep) tables.push(simTable(r.sim.sweep.sweep));
  if (r.sim?.scale) tables.push(scaleTable(r.sim.scale));
  tables.push(...(r.versus?.comparisons ?? []).map(comparisonTable));
  if (r.browser !== null && r.browser.length > 0) tables.push(meshTable(r.browser), ...r.browser.flatMap((m) => [modesTable(m), ratiosTable(m)]));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>gossip-mesh benchmark ${escapeXml(r.startedAt)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body>
<h1>gossip-mesh benchmark</h1>
<p class="env">${escapeXml(r.startedAt)}, ${(r.durationMs / 60_000).toFixed(1)} min. ${escapeXml(environmentLine(r))}</p>
<p class="env">Command: <code>${escapeXml(['npm run bench --', ...r.argv].join(' '))}</code>. All figures: <code>latest.json</code> beside this page.</p>
${r.errors.length > 0 ? `<ul class="errors">${r.errors.map((e) => `<li>${escapeXml(e)}</li>`).join('')}</ul>` : ''}
<div class="charts">
${charts(r).join('\n')}
</div>
${tables.map(htmlTable).join('\n')}
<h2>Notes</h2>
<ul>${r.notes.map((n) => `<li>${escapeXml(n)}</li>`).join('\n')}</ul>
</body></html>
`;
}

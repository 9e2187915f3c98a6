import { describe, expect, it } from 'vitest';
import type { Mode } from '../../client/src/core/options.ts';
import { summarize as summarizeCell, type RunFigures } from '../../client/src/sim/sweep.ts';
import type { BrowserMeshFigures } from './browser.ts';
import type { ModeFigures } from './mode-run.ts';
import { defaultOptions } from './options.ts';
import { charts, renderHtml, renderText } from './report.ts';
import { RESULTS_SCHEMA, type BenchResults } from './results.ts';
import { ratiosAgainst, summarize } from './stats.ts';
import { barChart, niceAxis } from './svg.ts';
import { formatTable, modesTable, ratiosTable } from './tables.ts';
import { compare } from './versus/figures.ts';
import { rep } from './versus/figures.fixture.ts';

function run(seed: number, rounds: number, rmr: number): RunFigures {
  return { seed, live: 100, rounds, roundsToLast: rounds, coverage: 1, messages: 5000, payloadMessages: Math.round((rmr + 1) * 99), rmr, meanDegree: 6.7 };
}

function modeFigures(mode: Mode, latencies: number[], payloadsPerDelivery: number, messagesPerRumor: number): ModeFigures {
  return {
    mode,
    rumors: latencies.length,
    warmupRumors: 2,
    publishToLastDeliveryMs: summarize(latencies),
    medianDeliveryMs: summarize(latencies.map((l) => l / 2)),
    lastDeliveryHops: summarize([2, 3, 3]),
    deliveryHops: summarize([1, 2, 2, 3]),
    payloadsPerRumor: payloadsPerDelivery * 11,
    payloadsPerDelivery,
    messagesPerRumor,
    messagesPerRumorAboveBackground: messagesPerRumor / 4,
    bytesPerRumor: messagesPerRumor * 200,
    bytesPerRumorAboveBackground: messagesPerRumor * 50,
    duplicatesPerRumor: 0,
    background: { windowMs: 6000, messagesPerTabPerSecond: 7.5, bytesPerTabPerSecond: 900, payloads: 0 },
    linksPerTab: { mean: 5, min: 4, max: 6 },
    links: { atStart: 30, atEnd: 30, kept: 30, added: 0, removed: 0 },
    memory: { jsHeapPerTabMB: summarize([5.5, 6.5]), browserPssMB: 1200, browserPssPerTabMB: 100 },
    loadAverage: { start: 1, end: 1 },
    durationMs: 60_000,
    samples: [],
    incomplete: [],
  };
}

function fixture(): BenchResults {
  const cells = [summarizeCell('push-pull', 100, [run(1, 5.5, 3.1), run(2, 6.5, 2.9)]), summarizeCell('tree', 100, [run(1, 0.2, 4.8), run(2, 0.2, 4.8)])];
  const modes = [modeFigures('tree', [8.25, 9, 31.5], 1.0, 120), modeFigures('flood', [7, 8, 12], 5.0, 240)];
  const mesh: BrowserMeshFigures = {
    tabs: 12,
    settings: { modes: ['tree', 'flood'], rumors: 3, warmupRumors: 2, periodMs: 1000, fanout: 3, seed: 1, openConcurrency: 1, idleMs: 3000 },
    chromiumVersion: '156.0.1',
    openToFirstLinkMs: summarize([700, 900, 1400]),
    meshFormedMs: 9000,
    meshSettledMs: 15000,
    linksAtStart: 30,
    linksPerTabAtStart: { mean: 5, min: 4, max: 6 },
    linksOpened: 33,
    linksViaMesh: 20,
    linksViaServer: 13,
    modes,
    ratios: ratiosAgainst(modes, 'flood'),
    durationMs: 120_000,
  };
  return {
    schema: RESULTS_SCHEMA,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:10:00.000Z',
    durationMs: 600_000,
    argv: ['--tabs', '12'],
    options: defaultOptions(2),
    environment: {
      platform: 'linux 6',
      arch: 'x64',
      cpus: 2,
      cpuModel: 'Test CPU',
      memoryMB: 8192,
      node: 'v20.0.0',
      chromium: { path: '/usr/bin/chromium', version: '156.0.1' },
      loopbackNamespace: true,
      loadAverage: { start: [1.5, 1, 1], end: [2.25, 1, 1] },
      git: { commit: 'abcdef1234567890', dirty: false },
    },
    notes: ['a note <with> markup'],
    sim: {
      sweep: { sweep: { config: { modes: ['push-pull', 'tree'], nodes: [100], seeds: 2, firstSeed: 1, base: {} }, cells }, seedsByNodes: { '100': 2 }, jobs: 2, durationMs: 60_000 },
      scale: { nodes: 100_000, mode: 'push-pull', seed: 1, wallTimeS: 321.5, peakRssMB: 4321, events: 123, rounds: 17.3, coverage: 1, rmr: 3.01, messages: 9, payloadMessages: 9, meanDegree: 6.7, processWallMs: 330_000 },
    },
    browser: [mesh],
    versus: null,
    errors: [],
  };
}

describe('tables', () => {
  it("show each mode's figures and its ratios to flood", () => {
    const r = fixture();
    const mesh = r.browser?.[0] as BrowserMeshFigures;
    const modes = formatTable(modesTable(mesh));
    expect(modes).toMatch(/^tree\s+3\s+9\.0\s+31\.5\s+3\.0\s+3\s+1\.00\s+120\.0\s+30\.0\s+5\.9\s+7\.5\s+6\.0\s+100\.0\s+5\.0 \(4-6\)\s+30\/30$/m);
    const ratios = formatTable(ratiosTable(mesh));
    // tree / flood: latency 9 / 8, max 31.5 / 12, payloads 1 / 5, messages 120 / 240.
    expect(ratios).toMatch(/^tree\s+1\.13x\s+2\.63x\s+0\.20x\s+0\.50x\s+0\.50x\s+0\.50x$/m);
  });
});

describe('renderText', () => {
  it('carries the environment, the sweep, the scale run and the browser figures', () => {
    const text = renderText(fixture());
    expect(text).toContain('2 CPUs (Test CPU)');
    expect(text).toContain('load average (1/5/15 min) 1.50 1.00 1.00 at the start, 2.25 1.00 1.00 at the end');
    expect(text).toContain('Chromium 156.0.1');
    expect(text).toMatch(/^push-pull\s+100\s+2\s+2\/2\s+6\.00\s+6\.50/m);
    expect(text).toMatch(/^100000\s+push-pull\s+321\.5\s+4321/m);
    expect(text).toMatch(/^12\s+900 \/ 1400\s+9000\s+15000\s+30/m);
    expect(text).toContain('- a note <with> markup');
  });
});

describe('renderHtml', () => {
  it('is one self-contained page with the figures in tables and seven charts', () => {
    const html = renderHtml(fixture());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link |src="http/);
    expect(html.match(/<svg /g)).toHaveLength(7);
    expect(html).toContain('<td class="num">321.5</td>');
    expect(html).toContain('<td class="num">0.20x</td>');
    expect(html).toContain('a note &lt;with&gt; markup');
    expect(html).not.toContain('<with>');
  });

  it('draws the charts from the figures (bar values, whiskers, theory marks)', () => {
    const [rounds, , latency] = charts(fixture());
    expect(rounds).toContain('data-series="push-pull" data-group="N=100" data-value="6"');
    expect(rounds).toContain('complete-graph theory');
    expect(latency).toContain('data-series="tree" data-group="12 tabs" data-value="9"');
    expect(latency).toContain('data-series="flood" data-group="12 tabs" data-value="8"');
    expect(latency).toContain('max 31.5');
  });

  it('leaves out the parts that did not run', () => {
    const r = { ...fixture(), sim: null, errors: ['browser, 48 tabs: no mesh'] };
    const html = renderHtml(r);
    expect(html.match(/<svg /g)).toHaveLength(5);
    expect(html).toContain('browser, 48 tabs: no mesh');
    expect(renderText(r)).not.toContain('Simulator');
  });
});

describe('the comparison with y-webrtc', () => {
  const reps = [rep('y-webrtc', 24, 0, { messagesPerUpdate: 1000 }), rep('mesh', 24, 0, { messagesPerUpdate: 50 })];
  const withVersus = (): BenchResults => {
    const r = fixture();
    return { ...r, versus: { settings: { ...r.options.versus, settleMs: 5000, settleBoundMs: 60_000, loadTimeoutMs: 120_000, linkTimeoutMs: 60_000, updateTimeoutMs: 30_000 }, repetitions: reps, comparisons: compare(reps), errors: [], durationMs: 1 } };
  };

  it('prints both columns and the ratio in the text report', () => {
    expect(renderText(withVersus())).toMatch(/^data-channel messages per update \(all sent during the update phase\)\s+1000\s+50\s+0\.05x\s+<= 0\.1x\s+yes$/m);
  });

  it('adds its table and three charts to the HTML report', () => {
    const html = renderHtml(withVersus());
    expect(html.match(/<svg /g)).toHaveLength(10);
    expect(html).toContain('<caption>24 tabs, each in its own browser context: medians of 1 (y-webrtc) and 1 (mesh) repetitions</caption>');
    expect(html).toContain('data-series="mesh" data-group="24 tabs" data-value="50"');
  });
});

describe('barChart', () => {
  it('scales bars to a nice axis maximum', () => {
    expect(niceAxis(7.3)).toEqual({ max: 8, step: 2 });
    expect(niceAxis(22.5)).toEqual({ max: 25, step: 5 });
    expect(niceAxis(4404)).toEqual({ max: 5000, step: 1000 });
    expect(niceAxis(0.22)).toEqual({ max: 0.25, step: 0.05 });
    expect(niceAxis(5)).toEqual({ max: 5, step: 1 });
    expect(niceAxis(0)).toEqual({ max: 1, step: 0.25 });
    const svg = barChart({ title: 't', yLabel: 'y', groups: ['a'], series: [{ name: 's', values: [5] }], height: 300 });
    // Axis 0..5, plot height 300 - 36 - 46 = 218: a bar of 5 fills it.
    expect(svg).toMatch(/data-value="5" x="[\d.]+" y="36\.0" width="[\d.]+" height="218\.0"/);
  });

  it('has a logarithmic axis between powers of ten', () => {
    const svg = barChart({ title: 't', yLabel: 'ms', series: [{ name: 's', values: [10, 1000] }, { name: 'u', values: [0] }], groups: ['a', 'b'], log: true });
    // Axis 1..1000 (three decades) over 218 px: 10 is one decade up, 1000 the top; 0 has no bar.
    expect(svg).toMatch(/data-value="10" x="[\d.]+" y="181\.3" width="[\d.]+" height="72\.7"/);
    expect(svg).toMatch(/data-value="1000" x="[\d.]+" y="36\.0"/);
    expect(svg).not.toContain('data-value="0"');
    expect(svg).toContain('ms (log scale)');
  });

  it('draws no bar for a missing value', () => {
    const svg = barChart({ title: 't', yLabel: 'y', groups: ['a', 'b'], series: [{ name: 's', values: [null, 2] }] });
    expect(svg.match(/class="bar"/g)).toHaveLength(1);
  });
});

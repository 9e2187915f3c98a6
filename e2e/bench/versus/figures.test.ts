import { describe, expect, it } from 'vitest';
import { combine, compare, comparisonRows, comparisonTable, estimateRemainingMs, schedule } from './figures.ts';
import { rep } from './figures.fixture.ts';

describe('combine', () => {
  it('takes per repetition the median and max over updates, then medians over repetitions', () => {
    const f = combine([
      rep('mesh', 6, 0, { updateToEveryTabMs: [10, 20, 900] }),
      rep('mesh', 6, 1, { updateToEveryTabMs: [30, 40, 50] }),
      rep('mesh', 6, 2, { updateToEveryTabMs: [60, 70, 80] }),
    ]);
    // medians per repetition: 20, 40, 70 -> 40; maxima: 900, 50, 80 -> 80
    expect(f?.updateMedianMs).toBe(40);
    expect(f?.updateMaxMs).toBe(80);
    expect(f?.repetitions).toBe(3);
  });

  it('adds up delivery over repetitions and counts repetitions with unlinked tabs', () => {
    const f = combine([rep('mesh', 6, 0, { updatesComplete: 2, tabsUnlinked: 1, openToAllLinkedMs: null }), rep('mesh', 6, 1)]);
    expect(f?.updates).toBe(6);
    expect(f?.updatesComplete).toBe(5);
    expect(f?.repetitionsWithUnlinkedTabs).toBe(1);
    // the repetition without a figure is left out of the median
    expect(f?.openToAllLinkedMs).toBe(10_000);
  });

  it('takes CPU per process kind as a median, a kind missing in a repetition counting 0 there', () => {
    const f = combine([rep('mesh', 6, 0, { idleCpuByKind: { 'gpu-process': 30, renderer: 10 } }), rep('mesh', 6, 1, { idleCpuByKind: { renderer: 20 } })]);
    expect(f?.idleCpuByKind).toEqual({ 'gpu-process': 15, renderer: 15 });
  });

  it('refuses a mix of systems or tab counts, and nothing', () => {
    expect(combine([])).toBeNull();
    expect(combine([rep('mesh', 6, 0), rep('y-webrtc', 6, 0)])).toBeNull();
    expect(combine([rep('mesh', 6, 0), rep('mesh', 12, 0)])).toBeNull();
  });
});

describe('comparisonRows', () => {
  const [c] = compare([
    rep('y-webrtc', 24, 0, { updateToEveryTabMs: [500, 600, 700], messagesPerUpdate: 1000, idleMessagesPerSecond: 800, idleCpuPercent: 120, links: [23, 23, 23] }),
    rep('mesh', 24, 0, { updateToEveryTabMs: [200, 300, 1400], messagesPerUpdate: 50, idleMessagesPerSecond: 100, idleCpuPercent: 60, links: [5, 6, 9] }),
  ]);
  if (c === undefined) throw new Error('no comparison');
  const rows = comparisonRows(c);
  const row = (prefix: string) => {
    const found = rows.find((r) => r.figure.startsWith(prefix));
    if (found === undefined) throw new Error(`no row ${prefix}`);
    return found;
  };

  it('gives mesh / y-webrtc and judges each against its goal', () => {
    expect(row('update to every tab, median')).toMatchObject({ yWebrtc: '600', mesh: '300', ratio: 0.5, met: true });
    expect(row('update to every tab, max')).toMatchObject({ ratio: 2, met: false });
    expect(row('data-channel messages per update')).toMatchObject({ ratio: 0.05, met: true, goal: '<= 0.1x' });
    expect(row('idle: data-channel')).toMatchObject({ ratio: 0.13, met: false });
    expect(row('idle: browser CPU')).toMatchObject({ ratio: 0.5, met: false });
  });

  it('holds the mesh to at most 8 links a tab and to every update everywhere', () => {
    expect(row('links per tab')).toMatchObject({ yWebrtc: '23 / 23', mesh: '6 / 9', met: false });
    expect(row('every update reached')).toMatchObject({ mesh: 'yes (3/3)', met: true, ratio: null });
  });

  it('lists CPU per process kind without a goal, leaving out kinds idle in both', () => {
    expect(row('  of which renderer')).toMatchObject({ goal: '', met: null, ratio: 1 });
    const [idleKind] = compare([rep('y-webrtc', 6, 0, { idleCpuByKind: { renderer: 5, zygote: 0 } }), rep('mesh', 6, 0, { idleCpuByKind: { renderer: 4, zygote: 0 } })]);
    if (idleKind === undefined) throw new Error('no comparison');
    expect(comparisonRows(idleKind).map((r) => r.figure)).not.toContain('  of which zygote');
  });

  it('shows a missing system as dashes, with no ratio', () => {
    const [alone] = compare([rep('mesh', 6, 0)]);
    if (alone === undefined) throw new Error('no comparison');
    const r = comparisonRows(alone).find((x) => x.figure.startsWith('update to every tab, median'));
    expect(r).toMatchObject({ yWebrtc: '-', mesh: '200', ratio: null, met: null });
    expect(comparisonTable(alone).title).toMatch(/medians of 0 \(y-webrtc\) and 1 \(mesh\)/);
  });
});

describe('schedule', () => {
  it('alternates the systems, each repetition starting with the one the last ended with', () => {
    const plan = schedule([6, 12], 3, ['y-webrtc', 'mesh']).map((s) => `${s.tabs}:${s.system}:${s.repetition}`);
    expect(plan).toEqual([
      '6:y-webrtc:0', '6:mesh:0', '6:mesh:1', '6:y-webrtc:1', '6:y-webrtc:2', '6:mesh:2',
      '12:y-webrtc:0', '12:mesh:0', '12:mesh:1', '12:y-webrtc:1', '12:y-webrtc:2', '12:mesh:2',
    ]);
  });
});

describe('estimateRemainingMs', () => {
  const prior = () => 1000;
  it('uses the prior before anything ran', () => {
    expect(estimateRemainingMs([], schedule([6], 2, ['y-webrtc', 'mesh']), prior)).toBe(4000);
  });

  it('uses the same system and tab count when done, else scales by tabs from the same system', () => {
    const done = [{ system: 'mesh' as const, tabs: 24, repetition: 0, durationMs: 120_000 }];
    const left = [
      { system: 'mesh' as const, tabs: 24, repetition: 1 },
      { system: 'mesh' as const, tabs: 48, repetition: 0 },
      { system: 'y-webrtc' as const, tabs: 48, repetition: 0 },
    ];
    expect(estimateRemainingMs(done, left, prior)).toBe(120_000 + 240_000 + 1000);
  });
});

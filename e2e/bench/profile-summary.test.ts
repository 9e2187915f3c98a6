import { describe, expect, it } from 'vitest';
import { busyPercent, cpuByKind, cpuTicks, processKind, selfTimes, type CpuProfile } from './profile-summary.ts';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

describe('selfTimes', () => {
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)') },
      { id: 2, callFrame: frame('(idle)') },
      { id: 3, callFrame: frame('draw', 'http://127.0.0.1:1/assets/index-abc.js?v=1', 9) },
      { id: 4, callFrame: frame('draw', 'http://127.0.0.1:1/assets/index-abc.js?v=1', 9) },
      { id: 5, callFrame: frame('', 'http://x/a.js', 0) },
    ],
    // Samples at 0, 1000, 3000, 6000 us; the profile ends at 10000 us.
    samples: [2, 3, 4, 5],
    timeDeltas: [0, 1000, 2000, 3000],
    startTime: 0,
    endTime: 10_000,
  };

  it('gives each sample the time until the next one and merges one function reached twice', () => {
    expect(selfTimes(profile)).toEqual([
      { name: 'draw index-abc.js:10', selfMs: 5, percent: 50 },
      { name: '(anonymous) a.js:1', selfMs: 4, percent: 40 },
      { name: '(idle)', selfMs: 1, percent: 10 },
    ]);
  });

  it('counts everything but idle as busy', () => {
    expect(busyPercent(selfTimes(profile))).toBe(90);
  });
});

describe('processKind', () => {
  it('reads the Chromium process type from the command line', () => {
    expect(processKind(['/usr/lib/chromium/chromium', '--headless'])).toBe('browser');
    expect(processKind(['/usr/lib/chromium/chromium', '--type=renderer'])).toBe('renderer');
    expect(processKind(['/usr/lib/chromium/chromium', '--type=gpu-process'])).toBe('gpu');
    expect(processKind(['/usr/lib/chromium/chromium', '--type=utility', '--utility-sub-type=network.mojom.NetworkService'])).toBe('utility');
    expect(processKind(['/usr/lib/chromium/chromium', '--type=zygote'])).toBe('zygote');
    expect(processKind(['/usr/bin/node', 'server.js'])).toBe('other');
  });
});

describe('cpuTicks and cpuByKind', () => {
  it('reads utime + stime even when the command name has spaces and parentheses', () => {
    const stat = '4242 (Chrome (Child) x) S 1 2 3 4 5 6 7 8 9 10 150 25 0 0 20 0';
    expect(cpuTicks(stat)).toBe(175);
  });

  it('gives percent of one core per process type over the window; new processes count from zero', () => {
    const before = [
      { pid: 1, kind: 'browser' as const, ticks: 100 },
      { pid: 2, kind: 'renderer' as const, ticks: 500 },
    ];
    const after = [
      { pid: 1, kind: 'browser' as const, ticks: 120 },
      { pid: 2, kind: 'renderer' as const, ticks: 700 },
      { pid: 3, kind: 'gpu' as const, ticks: 50 },
    ];
    // 2 s at 100 ticks/s: 20 ticks = 10 %, 200 ticks = 100 %, 50 ticks = 25 %.
    expect(cpuByKind(before, after, 2000, 100)).toEqual({ browser: 10, renderer: 100, gpu: 25, utility: 0, zygote: 0, other: 0, total: 135 });
  });
});

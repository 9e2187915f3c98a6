import { describe, expect, it } from 'vitest';
import { cpuPercent, parseStat, processKind, splitCmdline, subtree } from './proc.ts';

describe('parseStat', () => {
  it('reads pid, ppid and utime + stime past a command name with spaces and parentheses', () => {
    const text = '4242 (chromium (x) y) S 4200 4242 4242 0 -1 4194560 1000 0 0 0 150 25 0 0 20 0 12 0 123 456 789';
    expect(parseStat(text)).toEqual({ pid: 4242, ppid: 4200, ticks: 175 });
  });

  it('gives null for text that is not a stat line', () => {
    expect(parseStat('')).toBeNull();
    expect(parseStat('no parentheses here')).toBeNull();
  });
});

describe('processKind', () => {
  it("names Chromium's processes by --type, utilities by their service", () => {
    expect(processKind(['/usr/lib/chromium/chromium', '--remote-debugging-pipe'])).toBe('browser');
    expect(processKind(['chromium', '--type=renderer', '--lang=en'])).toBe('renderer');
    expect(processKind(['chromium', '--type=gpu-process'])).toBe('gpu-process');
    expect(processKind(['chromium', '--type=utility', '--utility-sub-type=network.mojom.NetworkService'])).toBe('utility:network');
    expect(processKind(['chromium', '--type=utility'])).toBe('utility');
  });
});

describe('splitCmdline', () => {
  it('splits on NUL, and a retitled Chromium child on spaces', () => {
    expect(splitCmdline('/usr/lib/chromium/chromium\0--remote-debugging-pipe\0about:blank\0')).toEqual(['/usr/lib/chromium/chromium', '--remote-debugging-pipe', 'about:blank']);
    expect(splitCmdline('/usr/lib/chromium/chromium --type=renderer --lang=en')).toEqual(['/usr/lib/chromium/chromium', '--type=renderer', '--lang=en']);
    expect(splitCmdline('')).toEqual([]);
  });
});

describe('subtree', () => {
  it('collects the descendants of the roots, roots included, and nothing else', () => {
    const table = new Map([
      [1, { ppid: 0 }],
      [10, { ppid: 1 }],
      [11, { ppid: 10 }],
      [12, { ppid: 11 }],
      [20, { ppid: 1 }],
    ]);
    expect([...subtree(table, [10])].sort((a, b) => a - b)).toEqual([10, 11, 12]);
  });
});

describe('cpuPercent', () => {
  it('turns tick deltas into % of one core per kind, new processes counting from 0', () => {
    const before = new Map([[1, { ticks: 100 }], [2, { ticks: 50 }]]);
    const after = new Map([
      [1, { ticks: 300, kind: 'browser' }],
      [2, { ticks: 150, kind: 'renderer' }],
      [3, { ticks: 100, kind: 'renderer' }],
    ]);
    // 2 s at 100 ticks/s: browser 200 ticks = 100%, renderers 100 + 100 ticks = 100%
    expect(cpuPercent(before, after, 2000, 100)).toEqual({ total: 200, byKind: { browser: 100, renderer: 100 } });
  });
});

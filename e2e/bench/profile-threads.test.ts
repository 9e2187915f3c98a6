import { describe, expect, it } from 'vitest';
import { cpuByThread, threadName, threadReading } from './profile-threads.ts';

// utime is field 14, stime field 15 of /proc/<pid>/task/<tid>/stat.
const stat = (name: string, utime: number, stime: number): string =>
  `7 (${name}) S 1 7 7 0 -1 4194560 100 0 0 0 ${utime} ${stime} 0 0 20 0 1 0 10 0 0`;

describe('threadName', () => {
  it('reads the name between the parentheses, pool numbers dropped, parentheses inside kept', () => {
    expect(threadName(stat('CrRendererMain', 0, 0))).toBe('CrRendererMain');
    expect(threadName(stat('ThreadPoolForeg3', 0, 0))).toBe('ThreadPoolForeg');
    expect(threadName(stat('a (b) c', 0, 0))).toBe('a (b) c');
    expect(threadName('garbage')).toBe('(unknown)');
  });
});

describe('cpuByThread', () => {
  it('sums threads of one name over processes, counts new threads from zero, largest first', () => {
    const before = [threadReading(1, 1, stat('CrRendererMain', 10, 5)), threadReading(2, 2, stat('CrRendererMain', 0, 0))];
    const after = [
      threadReading(1, 1, stat('CrRendererMain', 20, 5)),
      threadReading(2, 2, stat('CrRendererMain', 5, 5)),
      threadReading(2, 3, stat('WebRTC_Network', 30, 10)),
    ];
    // 100 ticks a second over 2 s: 40 ticks = 20 % of one core, 20 ticks = 10 %.
    expect(cpuByThread(before, after, 2000, 100)).toEqual([
      { name: 'WebRTC_Network', percent: 20, threads: 1 },
      { name: 'CrRendererMain', percent: 10, threads: 2 },
    ]);
  });
});

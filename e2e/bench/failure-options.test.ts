import { describe, expect, it } from 'vitest';
import { parseFailureArgs } from './failure-options.ts';

describe('parseFailureArgs', () => {
  it('defaults: 12 and 24 tabs, 3 repetitions, no soak', () => {
    const parsed = parseFailureArgs([]);
    expect(parsed).toEqual({ kind: 'run', options: { tabs: [12, 24], repeat: 3, soakMinutes: 0, soakTabs: 12, skipCrash: false, outDir: 'bench-results/failure' } });
  });

  it('reads every option, inline or as the next argument; the soak takes the first tab count', () => {
    const parsed = parseFailureArgs(['--tabs=16,8', '--repeat', '2', '--soak-minutes', '5', '--out-dir', 'x']);
    expect(parsed).toEqual({ kind: 'run', options: { tabs: [16, 8], repeat: 2, soakMinutes: 5, soakTabs: 16, skipCrash: false, outDir: 'x' } });
    const soakOnly = parseFailureArgs(['--skip-crash', '--soak-minutes', '10', '--tabs', '12']);
    expect(soakOnly.kind === 'run' && soakOnly.options.skipCrash && soakOnly.options.soakMinutes === 10).toBe(true);
  });

  it('--help wins', () => {
    expect(parseFailureArgs(['--repeat', '2', '--help'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['--tabs', '4'], '--tabs needs a whole number from 6 to 64, got "4"'],
    [['--tabs', '12,,24'], '--tabs takes a comma-separated list'],
    [['--tabs', '12,12'], '--tabs lists a count twice'],
    [['--repeat', '0'], '--repeat needs a whole number from 1 to 20'],
    [['--repeat'], '--repeat needs a whole number from 1 to 20, got nothing'],
    [['--soak-minutes', 'ten'], '--soak-minutes needs a whole number'],
    [['--skip-crash'], '--skip-crash with no --soak-minutes leaves nothing to measure'],
    [['--skip-crash', '--soak-minutes', '1', '--repeat', '2'], '--repeat has no effect with --skip-crash'],
    [['--repeat', '2', '--repeat', '3'], '--repeat given twice'],
    [['--tab', '12'], 'unknown option "--tab"'],
    [['--out-dir', ''], '--out-dir needs a directory'],
  ])('refuses %j with a clear message', (argv, message) => {
    const parsed = parseFailureArgs(argv);
    expect(parsed.kind).toBe('error');
    if (parsed.kind === 'error') expect(parsed.message).toContain(message);
  });
});

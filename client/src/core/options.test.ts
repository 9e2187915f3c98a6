import { describe, expect, it } from 'vitest';
import { CoreError } from './ids.ts';
import { DEFAULT_OPTIONS, MODES, createOptions, type OptionsInput } from './options.ts';

/** Bad input from untyped callers (URL params, JSON config): typed as input on purpose. */
const untyped = (value: Record<string, unknown>): OptionsInput => value as OptionsInput;

function expectBadOption(input: OptionsInput, field: string): void {
  let caught: unknown;
  try {
    createOptions(input);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(CoreError);
  const error = caught as CoreError;
  expect(error.code).toBe('bad-option');
  expect(error.message).toContain(field);
}

describe('createOptions', () => {
  it('fills documented defaults', () => {
    const options = createOptions();
    expect(options).toEqual({
      mode: 'tree',
      periodMs: 1000,
      fanout: 3,
      activeViewSize: 5,
      maxActiveViewSize: 8,
      passiveViewSize: 30,
      shufflePeriodMs: 5000,
      shuffleSampleSize: 8,
      stopAfterDuplicates: 3,
      hotForMs: 30_000,
      antiEntropyPeriodMs: 3000,
      rumorRetentionMs: 600_000,
      maxRumors: 2000,
      pingIntervalMs: 750,
      probePeriodMs: 250,
      probeTimeoutMs: 500,
      indirectProbes: 3,
      deadAfterMs: 2500,
      connectTimeoutMs: 15_000,
      shareTopology: true,
      topologyTtlMs: 60_000,
      aggregatePeriodMs: 250,
      epochMs: 5000,
      maxSignalHops: 8,
    });
    expect(DEFAULT_OPTIONS).toEqual(options);
    expect(createOptions({})).toEqual(options);
  });

  it('keeps given values and fills the rest', () => {
    const options = createOptions({ mode: 'pull', fanout: 5, activeViewSize: 8, maxActiveViewSize: 8, shareTopology: false });
    expect(options.mode).toBe('pull');
    expect(options.fanout).toBe(5);
    expect(options.maxActiveViewSize).toBe(8);
    expect(options.shareTopology).toBe(false);
    expect(options.periodMs).toBe(1000);
  });

  it('accepts every mode and the range bounds', () => {
    for (const mode of MODES) expect(createOptions({ mode }).mode).toBe(mode);
    expect(createOptions({ periodMs: 10 }).periodMs).toBe(10);
    expect(createOptions({ periodMs: 3_600_000 }).periodMs).toBe(3_600_000);
    expect(createOptions({ activeViewSize: 1, maxActiveViewSize: 1 }).maxActiveViewSize).toBe(1);
  });

  const bad: Array<[string, Record<string, unknown>]> = [
    ['mode', { mode: 'gossip' }],
    ['mode', { mode: 3 }],
    ['periodMs', { periodMs: '1000' }],
    ['periodMs', { periodMs: 9 }],
    ['periodMs', { periodMs: 3_600_001 }],
    ['periodMs', { periodMs: 100.5 }],
    ['periodMs', { periodMs: Number.NaN }],
    ['periodMs', { periodMs: Number.POSITIVE_INFINITY }],
    ['fanout', { fanout: 0 }],
    ['fanout', { fanout: 65 }],
    ['activeViewSize', { activeViewSize: 0 }],
    ['maxActiveViewSize', { maxActiveViewSize: 129 }],
    ['passiveViewSize', { passiveViewSize: 0 }],
    ['shufflePeriodMs', { shufflePeriodMs: -1 }],
    ['shuffleSampleSize', { shuffleSampleSize: 0 }],
    ['stopAfterDuplicates', { stopAfterDuplicates: 0 }],
    ['hotForMs', { hotForMs: null }],
    ['antiEntropyPeriodMs', { antiEntropyPeriodMs: 5 }],
    ['rumorRetentionMs', { rumorRetentionMs: 999 }],
    ['maxRumors', { maxRumors: 100_001 }],
    ['pingIntervalMs', { pingIntervalMs: true }],
    ['deadAfterMs', { deadAfterMs: 99 }],
    ['connectTimeoutMs', { connectTimeoutMs: 99 }],
    ['maxSignalHops', { maxSignalHops: 65 }],
    ['aggregatePeriodMs', { aggregatePeriodMs: -1 }],
    ['epochMs', { epochMs: 10 }],
    ['topologyTtlMs', { topologyTtlMs: 0 }],
    ['maxSignalHops', { maxSignalHops: 65 }],
    ['colour', { colour: 'red' }],
  ];
  for (const [field, input] of bad) {
    it(`rejects ${JSON.stringify(input)} naming ${field}`, () => expectBadOption(untyped(input), field));
  }

  it('rejects maxActiveViewSize below activeViewSize', () => {
    expectBadOption({ activeViewSize: 6, maxActiveViewSize: 5 }, 'maxActiveViewSize');
    expectBadOption({ activeViewSize: 9 }, 'maxActiveViewSize'); // default cap is 8
    expect(createOptions({ activeViewSize: 6, maxActiveViewSize: 6 }).activeViewSize).toBe(6);
  });

  it('names every bad field when several are wrong', () => {
    expectBadOption(untyped({ fanout: 0, periodMs: 'x' }), 'fanout');
    expectBadOption(untyped({ fanout: 0, periodMs: 'x' }), 'periodMs');
  });
});

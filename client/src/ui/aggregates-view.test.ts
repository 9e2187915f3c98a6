import { describe, expect, it } from 'vitest';
import { estimateAge } from './aggregates-view.ts';

describe('estimateAge', () => {
  it('says how old the shown estimate is, in words a user reads', () => {
    expect(estimateAge(0)).toBe('updated just now');
    expect(estimateAge(1999)).toBe('updated just now');
    expect(estimateAge(7_400)).toBe('updated 7 s ago');
    expect(estimateAge(125_000)).toBe('updated 2 min ago');
    expect(estimateAge(Number.NaN)).toBe('updated just now');
  });
});

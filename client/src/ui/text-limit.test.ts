import { describe, expect, it } from 'vitest';
import { rumorProblem, cutMessage, fitUtf8 } from './text-limit.ts';

const bytes = (s: string): number => new TextEncoder().encode(s).byteLength;

describe('fitUtf8', () => {
  it('keeps a text that fits', () => {
    expect(fitUtf8('hello', 2048)).toEqual({ text: 'hello', cut: false });
    const exact = 'a'.repeat(2048);
    expect(fitUtf8(exact, 2048)).toEqual({ text: exact, cut: false });
  });

  it('cuts a megabyte to the byte limit', () => {
    const pasted = 'x'.repeat(1024 * 1024);
    const fitted = fitUtf8(pasted, 2048);
    expect(fitted.cut).toBe(true);
    expect(fitted.text.length).toBe(2048);
  });

  it('never cuts inside a character (3-byte and 4-byte ones)', () => {
    // 'é' is 2 bytes, '€' 3, '😀' 4 (a surrogate pair in UTF-16).
    for (const ch of ['é', '€', '😀']) {
      const fitted = fitUtf8(ch.repeat(2000), 1024);
      expect(fitted.cut).toBe(true);
      expect(bytes(fitted.text)).toBeLessThanOrEqual(1024);
      expect(bytes(fitted.text)).toBeGreaterThan(1024 - bytes(ch));
      expect(fitted.text).toBe(ch.repeat(fitted.text.length / ch.length));
    }
  });
});

describe('rumorProblem and cutMessage', () => {
  it('refuses blank text with a reason, accepts the rest', () => {
    expect(rumorProblem('')).toMatch(/blank rumor/);
    expect(rumorProblem(' \n\t ')).not.toBeNull();
    expect(rumorProblem(' hi ')).toBeNull();
  });

  it('names the limit and the size that was there', () => {
    expect(cutMessage(2048, 1_048_576)).toBe('Cut to 2048 bytes, the most the mesh carries here: the text was 1,049k characters.');
    expect(cutMessage(1024, 1500)).toContain('1500 characters');
  });
});

import { describe, expect, it } from 'vitest';
import { clampField, configProblems, configToQuery, DEFAULT_CONFIG, GOSSIP_MODES, parseConfigQuery, validateConfig, type PlaygroundConfig } from './config.ts';

describe('playground config', () => {
  it('has valid defaults', () => {
    expect(configProblems({ ...DEFAULT_CONFIG })).toEqual([]);
  });

  it('names every bad field', () => {
    const bad: PlaygroundConfig = { ...DEFAULT_CONFIG, nodes: 1, degree: 2.5, loss: 2, throughputBytesPerMs: 0 };
    const problems = configProblems(bad);
    expect(problems.map((p) => p.split(':')[0])).toEqual(['nodes', 'degree', 'throughputBytesPerMs', 'loss']);
    expect(() => validateConfig(bad)).toThrow(/nodes: must be in \[2, 10000\], got 1/);
  });

  it('rejects an unknown mode', () => {
    const bad = { ...DEFAULT_CONFIG, mode: 'flood' } as unknown as PlaygroundConfig;
    expect(configProblems(bad)).toEqual([`mode: must be one of ${GOSSIP_MODES.join(', ')}, got flood`]);
  });

  it('reads a URL query and writes it back', () => {
    const parsed = parseConfigQuery('?n=1000&mode=eager&throughput=2.5&crash=1&crashAt=0.3&seed=42');
    expect(parsed).toEqual({
      ok: true,
      config: { ...DEFAULT_CONFIG, nodes: 1000, mode: 'eager', throughputBytesPerMs: 2.5, crashOrigin: true, crashAtFraction: 0.3, seed: 42 },
    });
    if (!parsed.ok) return;
    expect(parseConfigQuery(configToQuery(parsed.config))).toEqual(parsed);
    expect(configToQuery(DEFAULT_CONFIG)).toBe('');
  });

  it('reports bad query values instead of guessing', () => {
    const parsed = parseConfigQuery('?n=20000&mode=flood&crash=yes&degree=&loss=abc');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.map((e) => e.split(':')[0]).sort()).toEqual(['crash', 'degree', 'loss', 'mode', 'n']);
  });

  it('clamps slider values into range', () => {
    expect(clampField('nodes', 50_000)).toBe(10_000);
    expect(clampField('nodes', 12.4)).toBe(12);
    expect(clampField('loss', -1)).toBe(0);
    expect(clampField('latencyMs', Number.NaN)).toBe(DEFAULT_CONFIG.latencyMs);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, GOSSIP_MODES } from './config.ts';
import { crashTimeMs, horizonFor, naiveSendMs, Playground, rumorMessageBytesFor, runPlayground } from './model.ts';
import { SCENARIOS, scenario } from './scenarios.ts';

describe('playground model', () => {
  it('runs both on one network and reports the chart’s series and final values', () => {
    const summary = runPlayground({ ...DEFAULT_CONFIG, nodes: 120 });
    for (const run of [summary.naive, summary.gossip]) {
      expect(run.informedTimesMs).toHaveLength(run.informed);
      expect(run.finalFraction).toBe(run.informed / 120);
      expect(run.informedTimesMs[0]).toBe(0);
      expect(run.lastInformedAtMs).toBe(run.informedTimesMs.at(-1));
    }
    expect(summary.naive.kind).toBe('naive');
    expect(summary.gossip.kind).toBe(DEFAULT_CONFIG.mode);
    expect(summary.overlay.meanDegree).toBeGreaterThan(4.5);
  });

  it('is deterministic for a seed', () => {
    const config = { ...DEFAULT_CONFIG, nodes: 150, mode: 'push' as const, loss: 0.1 };
    expect(runPlayground(config)).toEqual(runPlayground(config));
    expect(runPlayground({ ...config, seed: 2 }).gossip.informedTimesMs).not.toEqual(runPlayground(config).gossip.informedTimesMs);
  });

  it('advances both runs on one clock, step by step to the same end', () => {
    const config = { ...DEFAULT_CONFIG, nodes: 100, mode: 'eager' as const };
    const stepped = new Playground(config);
    for (let t = 0; !stepped.done; t += 37) {
      stepped.advanceTo(t);
      expect(stepped.now).toBeGreaterThanOrEqual(Math.min(t, stepped.naive.now, stepped.gossip.now));
    }
    expect(stepped.summary()).toEqual(runPlayground(config));
  });

  it('times the crash from naive broadcast’s sending time', () => {
    const config = { ...DEFAULT_CONFIG, crashOrigin: true, crashAtFraction: 0.4 };
    const bytes = rumorMessageBytesFor(config);
    expect(naiveSendMs(config, bytes)).toBe((299 * bytes) / 20);
    expect(crashTimeMs(config, bytes)).toBe(0.4 * naiveSendMs(config, bytes));
    expect(crashTimeMs({ ...config, crashOrigin: false }, bytes)).toBeNull();
    expect(horizonFor(config, bytes)).toBeGreaterThan(2 * naiveSendMs(config, bytes));
  });

  describe('the three regimes, for every gossip mode', () => {
    for (const mode of GOSSIP_MODES) {
      it(`${mode}: naive wins on fast uplinks, gossip on slow ones, only gossip survives the crash`, () => {
        const fast = runPlayground({ ...scenario('fast-links').config, mode });
        expect(fast.winner).toBe('naive');
        expect(fast.naive.completeAtMs as number).toBeLessThan(fast.gossip.completeAtMs as number);

        const slow = runPlayground({ ...scenario('slow-uplinks').config, mode });
        expect(slow.winner).toBe('gossip');
        expect(slow.gossip.completeAtMs as number).toBeLessThan(slow.naive.completeAtMs as number);

        const crash = runPlayground({ ...scenario('origin-crash').config, mode });
        expect(crash.naive.informedLive).toBeLessThan(crash.naive.live);
        expect(crash.naive.completeAtMs).toBeNull();
        expect(crash.gossip.informedLive).toBe(crash.gossip.live);
        expect(crash.gossip.finalFraction).toBe(1);
      });
    }
  });

  it('every scenario is a valid config', () => {
    for (const s of SCENARIOS) expect(() => new Playground(s.config)).not.toThrow();
  });
});

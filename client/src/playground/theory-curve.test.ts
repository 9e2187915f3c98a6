import { describe, expect, it } from 'vitest';
import { theoryRounds } from '../sim/theory.ts';
import { DEFAULT_CONFIG, GOSSIP_MODES, type PlaygroundConfig } from './config.ts';
import { curveAt, gossipTheoryCurve, naiveTheoryCurve, type Curve } from './theory-curve.ts';

const config = (over: Partial<PlaygroundConfig>): PlaygroundConfig => ({ ...DEFAULT_CONFIG, ...over });

function expectRising(curve: Curve): void {
  for (let i = 1; i < curve.length; i++) {
    expect((curve[i] as readonly [number, number])[0]).toBeGreaterThanOrEqual((curve[i - 1] as readonly [number, number])[0]);
    expect((curve[i] as readonly [number, number])[1]).toBeGreaterThanOrEqual((curve[i - 1] as readonly [number, number])[1]);
  }
}

describe('gossip theory curve', () => {
  it('starts at one node, rises, and ends within half a node of everyone', () => {
    for (const mode of GOSSIP_MODES) {
      const c = config({ mode, nodes: 1000 });
      const curve = gossipTheoryCurve(c, 300);
      expect(curve[0]).toEqual([0, 1 / 1000]);
      expectRising(curve);
      expect((curve[curve.length - 1] as readonly [number, number])[1]).toBeGreaterThanOrEqual(1 - 0.5 / 1000);
    }
  });

  it('takes about as many rounds as the complete-graph formulas say', () => {
    for (const mode of ['push', 'pull', 'push-pull'] as const) {
      for (const nodes of [100, 1000, 10_000]) {
        const rounds = gossipTheoryCurve(config({ mode, nodes }), 300).length - 1;
        const formula = theoryRounds(mode, nodes) as number;
        expect(Math.abs(rounds - formula), `${mode} N=${nodes}: ${rounds} vs ${formula.toFixed(1)}`).toBeLessThanOrEqual(2);
      }
    }
  });

  it('push-pull is fastest, and loss slows every mode down', () => {
    const end = (c: PlaygroundConfig) => (gossipTheoryCurve(c, 300).at(-1) as readonly [number, number])[0];
    expect(end(config({ mode: 'push-pull' }))).toBeLessThan(end(config({ mode: 'push' })));
    expect(end(config({ mode: 'push-pull' }))).toBeLessThan(end(config({ mode: 'pull' })));
    for (const mode of GOSSIP_MODES) expect(end(config({ mode, loss: 0.3 }))).toBeGreaterThan(end(config({ mode })));
  });

  it('eager spreads in hops of one latency plus fanout copies, then pulls finish', () => {
    const c = config({ mode: 'eager', fanout: 3, latencyMs: 40, throughputBytesPerMs: 10, nodes: 1000 });
    const curve = gossipTheoryCurve(c, 100);
    expect(curve[1]?.[0]).toBe(40 + 30);
    expect(curve[1]?.[1]).toBeCloseTo(4 / 1000, 3);
    // Forwarding alone leaves about e^-3 of the nodes out; pulls (one period apart) repair them.
    expect(curveAt(curve, 12 * 70)).toBeGreaterThan(0.9);
    expectRising(curve);
  });
});

describe('naive theory curve', () => {
  it('is copy k landing at k x bytes / throughput + latency', () => {
    const c = config({ nodes: 11, throughputBytesPerMs: 2, latencyMs: 30 });
    const curve = naiveTheoryCurve(c, 100, null);
    expect(curve).toEqual([[0, 1 / 11], ...Array.from({ length: 10 }, (_, i) => [(i + 1) * 50 + 30, (i + 2) / 11])]);
  });

  it('stops at the copies that left before the crash, and thins long lines', () => {
    const c = config({ nodes: 11, throughputBytesPerMs: 2, latencyMs: 30 });
    expect(naiveTheoryCurve(c, 100, 160).at(-1)).toEqual([3 * 50 + 30, 4 / 11]);
    expect(naiveTheoryCurve(c, 100, 10)).toEqual([[0, 1 / 11]]);
    const big = naiveTheoryCurve(config({ nodes: 10_000 }), 300, null);
    expect(big.length).toBeLessThanOrEqual(402);
    expect(big.at(-1)?.[1]).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { formatBreakdown, hopBreakdown, type TabTrace } from './hop-figures.ts';

// a publishes u1 at 0; b gets it from a, c from b (a -> b -> c), each part a distinct size.
const traces: TabTrace[] = [
  { peer: 'a', records: [{ id: 'u1', from: null, hops: 0, frameAt: null, verifiedAt: null, deliveredAt: 0, sends: [['b', 1]] }] },
  { peer: 'b', records: [{ id: 'u1', from: 'a', hops: 1, frameAt: 11, verifiedAt: 14, deliveredAt: 14.5, sends: [['c', 16.5], ['a', 17]] }] },
  { peer: 'c', records: [{ id: 'u1', from: 'b', hops: 2, frameAt: 36.5, verifiedAt: 38.5, deliveredAt: 39, sends: [] }] },
];

describe('hopBreakdown', () => {
  it('splits each delivering hop into sender, wire, verify and core, and sums the path to the last tab', () => {
    const b = hopBreakdown(traces, [{ id: 'u1', lastPeer: 'c' }]);
    expect(b.hops).toBe(2);
    // hops a->b: sender 1, wire 10, verify 3, core 0.5, hop 14.5; b->c: 2, 20, 2, 0.5, 24.5
    expect(b.lastTabPath).toEqual({ sender: 3, wire: 30, verify: 5, core: 1, hop: 39 });
    expect(b.p90).toEqual({ sender: 2, wire: 20, verify: 3, core: 0.5, hop: 24.5 });
    expect(formatBreakdown(b)).toContain('wire 30');
  });

  it('leaves out hops whose sender kept no trace, and updates it does not know', () => {
    const b = hopBreakdown(traces.slice(1), [{ id: 'u1', lastPeer: 'c' }, { id: 'u2', lastPeer: 'c' }]);
    expect(b.hops).toBe(1);
    expect(Number.isNaN(b.lastTabPath.hop)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { buildOverlay, hopDistances, linkLatencyMs } from './topology.ts';

describe('overlay', () => {
  it('is a connected simple graph with degrees in [2, degree] and mean just below degree', () => {
    for (const [nodes, degree] of [
      [500, 5],
      [1000, 8],
      [50, 2],
      [9, 32],
    ] as const) {
      const overlay = buildOverlay(nodes, degree, 3);
      const cap = Math.min(degree, nodes - 1);
      let sum = 0;
      overlay.adjacency.forEach((neighbours, i) => {
        expect(neighbours.length).toBeGreaterThanOrEqual(2);
        expect(neighbours.length).toBeLessThanOrEqual(cap);
        expect(neighbours).not.toContain(i);
        expect(new Set(neighbours).size).toBe(neighbours.length);
        for (const j of neighbours) expect(overlay.adjacency[j]).toContain(i);
        sum += neighbours.length;
      });
      expect(sum).toBe(2 * overlay.edgeCount);
      expect(sum / nodes).toBeGreaterThan(cap - 0.2);
      expect([...hopDistances(overlay, 0)].every((d) => d >= 0)).toBe(true);
    }
  });

  it('handles two and three nodes', () => {
    expect(buildOverlay(2, 5, 1).adjacency).toEqual([[1], [0]]);
    expect(buildOverlay(3, 5, 1).adjacency).toEqual([[1, 2], [0, 2], [0, 1]]);
  });

  it('is the same for the same seed and differs for another', () => {
    expect(buildOverlay(200, 5, 9)).toEqual(buildOverlay(200, 5, 9));
    expect(buildOverlay(200, 5, 9)).not.toEqual(buildOverlay(200, 5, 10));
  });

  it('gives each link one latency, both ways, in [0.5, 1.5] x mean', () => {
    const seen = new Set<number>();
    for (let a = 0; a < 40; a++) {
      for (let b = 0; b < 40; b++) {
        if (a === b) continue;
        const ms = linkLatencyMs(5, 100, a, b);
        expect(ms).toBe(linkLatencyMs(5, 100, b, a));
        expect(ms).toBeGreaterThanOrEqual(50);
        expect(ms).toBeLessThan(150);
        seen.add(ms);
      }
    }
    expect(seen.size).toBeGreaterThan(700);
    expect(linkLatencyMs(6, 100, 1, 2)).not.toBe(linkLatencyMs(5, 100, 1, 2));
  });
});

import { describe, expect, it } from 'vitest';
import { gridLayout, radialLayout } from './layout.ts';
import { buildOverlay, hopDistances } from './topology.ts';

describe('radial layout', () => {
  const overlay = buildOverlay(300, 5, 4);
  const points = radialLayout(overlay, 0, 4);

  it('puts the origin in the middle and everything inside the unit square', () => {
    expect(points).toHaveLength(300);
    expect(points[0]).toEqual({ x: 0.5, y: 0.5 });
    for (const p of points) {
      expect(p.x).toBeGreaterThanOrEqual(0.04 - 1e-9);
      expect(p.x).toBeLessThanOrEqual(0.96 + 1e-9);
      expect(p.y).toBeGreaterThanOrEqual(0.04 - 1e-9);
      expect(p.y).toBeLessThanOrEqual(0.96 + 1e-9);
    }
  });

  it('places nodes further out the more hops they are from the origin', () => {
    const hops = hopDistances(overlay, 0);
    const radius = new Map<number, number[]>();
    points.forEach((p, i) => {
      const list = radius.get(hops[i] as number) ?? [];
      list.push(Math.hypot(p.x - 0.5, p.y - 0.5));
      radius.set(hops[i] as number, list);
    });
    const means = [...radius.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r.reduce((s, v) => s + v, 0) / r.length);
    for (let k = 1; k < means.length; k++) expect(means[k]).toBeGreaterThan(means[k - 1] as number);
  });

  it('is the same picture for the same seed', () => {
    expect(radialLayout(overlay, 0, 4)).toEqual(points);
  });
});

describe('grid layout', () => {
  it('fits every node in a near-square grid', () => {
    expect(gridLayout(10_000)).toEqual({ columns: 100, rows: 100 });
    expect(gridLayout(501)).toEqual({ columns: 23, rows: 22 });
    expect(gridLayout(1)).toEqual({ columns: 1, rows: 1 });
  });
});

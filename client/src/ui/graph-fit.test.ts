import { describe, expect, it } from 'vitest';
import { fitView, type FitPoint } from './graph-fit.ts';

const point = (x: number, y: number, halfLabelPx = 20): FitPoint => ({ x, y, radiusPx: 10, halfLabelPx });

describe('fitView', () => {
  it('centres the drawn picture (nodes and labels), not only the node centres', () => {
    // A wide label on the right-hand node: the picture's box is wider on that side.
    const view = fitView([point(0, 0), point(100, 0, 80)], 600, 400);
    const left = 0 * view.scale + view.offsetX - 20;
    const right = 100 * view.scale + view.offsetX + 80;
    expect((left + right) / 2).toBeCloseTo(300, 6);
    // Vertically: from the top of the node to the bottom of the label below it.
    const top = view.offsetY - 10;
    const bottom = view.offsetY + 10 + 22;
    expect((top + bottom) / 2).toBeCloseTo(200, 6);
  });

  it('fits a large layout into the canvas and never zooms a small one in beyond 2.2x', () => {
    const big = fitView([point(-1000, 0), point(1000, 0)], 600, 400);
    expect(2000 * big.scale).toBeLessThanOrEqual(600);
    expect(fitView([point(0, 0), point(10, 0)], 600, 400).scale).toBe(2.2);
    expect(fitView([], 600, 400).scale).toBe(2.2);
  });
});

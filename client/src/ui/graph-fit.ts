/**
 * The graph's view transform, pure: layout coordinates to CSS pixels so that the whole picture
 * fits the canvas and is centred, labels included (a label hangs below its node and the self label
 * is wider; centring node centres only left the picture off centre).
 */

export interface FitPoint {
  x: number;
  y: number;
  /** Node radius in px, and half the label's width in px. */
  radiusPx: number;
  halfLabelPx: number;
}

export interface View {
  scale: number;
  offsetX: number;
  offsetY: number;
}

const PADDING_PX = 34;
const MAX_SCALE = 2.2;
/** The label's height below its node, px. */
const LABEL_BELOW_PX = 22;

/** Fits `points` into width x height, never zooming in beyond MAX_SCALE. */
export function fitView(points: readonly FitPoint[], widthPx: number, heightPx: number): View {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of points) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  if (minX === Infinity) minX = maxX = minY = maxY = 0;
  const scale = Math.max(
    0.05,
    Math.min(MAX_SCALE, (widthPx - 2 * PADDING_PX) / Math.max(maxX - minX, 1), (heightPx - 2 * PADDING_PX) / Math.max(maxY - minY, 1)),
  );
  let left = Infinity;
  let right = -Infinity;
  let top = Infinity;
  let bottom = -Infinity;
  for (const p of points) {
    const half = Math.max(p.radiusPx, p.halfLabelPx);
    left = Math.min(left, p.x * scale - half);
    right = Math.max(right, p.x * scale + half);
    top = Math.min(top, p.y * scale - p.radiusPx);
    bottom = Math.max(bottom, p.y * scale + p.radiusPx + LABEL_BELOW_PX);
  }
  if (left === Infinity) left = right = top = bottom = 0;
  return { scale, offsetX: widthPx / 2 - (left + right) / 2, offsetY: heightPx / 2 - (top + bottom) / 2 };
}

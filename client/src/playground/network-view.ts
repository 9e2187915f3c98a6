import { COLORS } from './chart.ts';
import { formatMs } from './chart-data.ts';
import { gridLayout, type Point } from './layout.ts';
import { ORIGIN, type PlaygroundRun } from './run.ts';
import type { Overlay } from './topology.ts';

export interface ViewNetwork {
  overlay: Overlay;
  /** Positions in the unit square, or null to show the nodes as a grid of cells (large N). */
  points: readonly Point[] | null;
  /** Naive broadcast: draw the origin's direct links to everyone instead of the overlay. */
  star: boolean;
}

/**
 * One run drawn on a canvas: links, nodes (grey until they learn the rumor, then the run's colour),
 * the origin ringed (crossed out once crashed), and the messages on the wire as moving dots: large
 * for those carrying the rumor, small grey for the rest (digests, pings, state), red when lost.
 * Networks too large to draw node by node are shown as a grid of cells, one per node.
 */
export class NetworkView {
  private readonly context: CanvasRenderingContext2D;
  private network: ViewNetwork | null = null;
  private linkPath: Path2D | null = null;
  private linkPathFor = '';

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly color: string,
  ) {
    const context = canvas.getContext('2d');
    if (context === null) throw new Error('no 2d canvas context');
    this.context = context;
  }

  setNetwork(network: ViewNetwork): void {
    this.network = network;
    this.linkPath = null;
  }

  draw(run: PlaygroundRun): void {
    const network = this.network;
    if (network === null) return;
    const { canvas, context: g } = this;
    const dpr = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 400;
    const height = canvas.clientHeight || 400;
    if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
    }
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, width, height);
    const side = Math.min(width, height);
    const left = (width - side) / 2;
    const top = (height - side) / 2;
    if (network.points === null) this.drawGrid(run, left, top, side);
    else this.drawGraph(run, network, network.points, left, top, side, `${width}x${height}`);
    this.drawBacklog(run, width);
  }

  private drawGraph(run: PlaygroundRun, network: ViewNetwork, points: readonly Point[], left: number, top: number, side: number, sizeKey: string): void {
    const g = this.context;
    const px = (p: Point) => left + p.x * side;
    const py = (p: Point) => top + p.y * side;
    if (this.linkPath === null || this.linkPathFor !== sizeKey) {
      this.linkPath = linkPath(network, points, px, py);
      this.linkPathFor = sizeKey;
    }
    g.strokeStyle = COLORS.link;
    g.lineWidth = network.star ? 0.5 : 0.7;
    g.stroke(this.linkPath);

    const radius = Math.max(1.5, Math.min(5.5, (0.18 * side) / Math.sqrt(points.length)));
    const informed = new Path2D();
    const waiting = new Path2D();
    points.forEach((p, i) => {
      const path = Number.isNaN(run.informedAt[i] as number) ? waiting : informed;
      path.moveTo(px(p) + radius, py(p));
      path.arc(px(p), py(p), radius, 0, 2 * Math.PI);
    });
    g.fillStyle = COLORS.uninformed;
    g.fill(waiting);
    g.fillStyle = this.color;
    g.fill(informed);

    const origin = points[ORIGIN];
    if (origin !== undefined) this.drawOrigin(run, px(origin), py(origin), radius);

    // A finished run stopped its clock with some messages mid-way: they no longer matter.
    const now = run.now;
    if (run.done) return;
    for (const f of run.flights) {
      if (now < f.departAt) continue;
      const t = (now - f.departAt) / Math.max(1e-9, f.arriveAt - f.departAt);
      if (t >= 1 || (f.lost && t > 0.5)) continue;
      const a = points[f.from];
      const b = points[f.to];
      if (a === undefined || b === undefined) continue;
      const x = px(a) + (px(b) - px(a)) * t;
      const y = py(a) + (py(b) - py(a)) * t;
      g.fillStyle = f.lost ? COLORS.lost : f.payload ? this.color : COLORS.control;
      g.beginPath();
      g.arc(x, y, f.payload ? 2.8 : 1.6, 0, 2 * Math.PI);
      g.fill();
      if (f.payload && !f.lost) {
        g.strokeStyle = '#fff';
        g.lineWidth = 0.8;
        g.stroke();
      }
    }
  }

  private drawOrigin(run: PlaygroundRun, x: number, y: number, radius: number): void {
    const g = this.context;
    const r = radius + 3;
    g.lineWidth = 2;
    g.strokeStyle = run.isCrashed(ORIGIN) ? COLORS.lost : COLORS.crashed;
    g.beginPath();
    g.arc(x, y, r, 0, 2 * Math.PI);
    g.stroke();
    if (!run.isCrashed(ORIGIN)) return;
    g.fillStyle = COLORS.crashed;
    g.beginPath();
    g.arc(x, y, r, 0, 2 * Math.PI);
    g.fill();
    g.strokeStyle = COLORS.lost;
    g.lineWidth = 2.5;
    g.beginPath();
    g.moveTo(x - r, y - r);
    g.lineTo(x + r, y + r);
    g.moveTo(x + r, y - r);
    g.lineTo(x - r, y + r);
    g.stroke();
  }

  /** One cell per node, row by row (node 0, the origin, top left). */
  private drawGrid(run: PlaygroundRun, left: number, top: number, side: number): void {
    const g = this.context;
    const { columns, rows } = gridLayout(run.size);
    const cell = side / Math.max(columns, rows);
    const gap = cell > 3 ? 0.5 : 0;
    const informed = new Path2D();
    const waiting = new Path2D();
    for (let i = 0; i < run.size; i++) {
      const x = left + (i % columns) * cell;
      const y = top + Math.floor(i / columns) * cell;
      (Number.isNaN(run.informedAt[i] as number) ? waiting : informed).rect(x, y, cell - gap, cell - gap);
    }
    g.fillStyle = COLORS.uninformed;
    g.fill(waiting);
    g.fillStyle = this.color;
    g.fill(informed);
    g.strokeStyle = run.isCrashed(ORIGIN) ? COLORS.lost : COLORS.crashed;
    g.lineWidth = 1.5;
    g.strokeRect(left - 1, top - 1, cell + 1, cell + 1);
  }

  /** The origin's queued sending time, when there is any: why naive broadcast is slow. */
  private drawBacklog(run: PlaygroundRun, width: number): void {
    const backlogMs = run.backlogMs(ORIGIN);
    const g = this.context;
    g.font = '12px system-ui, sans-serif';
    g.textAlign = 'right';
    g.textBaseline = 'top';
    g.fillStyle = COLORS.axis;
    if (run.isCrashed(ORIGIN)) {
      g.fillStyle = COLORS.lost;
      g.fillText('origin crashed', width - 6, 6);
    } else if (backlogMs > 0) g.fillText(`origin uplink busy for ${formatMs(backlogMs)} more`, width - 6, 6);
  }
}

function linkPath(network: ViewNetwork, points: readonly Point[], px: (p: Point) => number, py: (p: Point) => number): Path2D {
  const path = new Path2D();
  const origin = points[ORIGIN];
  if (network.star) {
    if (origin === undefined) return path;
    for (let i = 0; i < points.length; i++) {
      if (i === ORIGIN) continue;
      const p = points[i] as Point;
      path.moveTo(px(origin), py(origin));
      path.lineTo(px(p), py(p));
    }
    return path;
  }
  network.overlay.adjacency.forEach((neighbours, a) => {
    const pa = points[a] as Point;
    for (const b of neighbours) {
      if (b < a) continue;
      const pb = points[b] as Point;
      path.moveTo(px(pa), py(pa));
      path.lineTo(px(pb), py(pb));
    }
  });
  return path;
}

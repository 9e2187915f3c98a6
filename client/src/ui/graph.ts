import {
  forceCollide,
  forceLink,
  forceManyBody,
  forceSimulation,
  forceX,
  forceY,
  type ForceLink,
  type Simulation,
  type SimulationLinkDatum,
  type SimulationNodeDatum,
} from 'd3-force';
import { fitView } from './graph-fit.ts';
import { graphModel, type GraphInput, type ModelLink } from './graph-model.ts';
import { nextFrameDelay } from './frame-pacing.ts';
import { peerColor, shortId } from './peer.ts';

/**
 * The mesh as one tab knows it, drawn on a canvas with d3-force.
 *
 * Idle tabs must cost nothing, so nothing here runs per frame by itself: when peers or links
 * come or go (graph-model.ts's structureKey), the layout is computed at once, off screen, until it
 * has cooled, and the nodes glide to their new places over TWEEN_MS; a change that moves nothing
 * (a link becoming two-sided, a peer's own list arriving) is one redraw; a rumor's flash animates
 * for FLASH_MS, at a few frames a second (frame-pacing.ts). Nothing is drawn while the tab is
 * hidden: it is drawn once when it shows again.
 */

interface GraphNode extends SimulationNodeDatum {
  id: string;
  reported: boolean;
  flashStart: number;
  /** Where the node is drawn from during a glide (layout coordinates). */
  fromX: number;
  fromY: number;
}

interface GraphLink extends SimulationLinkDatum<GraphNode>, ModelLink {}

export type { GraphInput } from './graph-model.ts';

const FLASH_MS = 1000;
/** How long nodes glide to a new layout. */
const TWEEN_MS = 450;
/** Bound on the ticks of one relayout (it cools in about 150 from a full reheat). */
const MAX_TICKS = 300;
/** How hot a relayout starts: new peers need room; a changed link among placed peers, a nudge. */
const ALPHA_NEW_PEERS = 0.6;
const ALPHA_LINKS_ONLY = 0.2;
/**
 * Least time between two relayouts: in a churning mesh the structure can change on every look,
 * and each relayout costs a hundred-odd ticks; changes in between wait (the latest one wins).
 */
const MIN_RELAYOUT_INTERVAL_MS = 2000;
const LINK_DISTANCE = 80;
/** Label width per character for centring: 12-13 px monospace. */
const LABEL_CHAR_PX = 7.5;

function nodeOf(end: GraphNode | string | number): GraphNode | undefined {
  return typeof end === 'object' ? end : undefined;
}

function easeOut(t: number): number {
  return 1 - (1 - t) ** 3;
}

export class MeshGraph {
  private readonly ctx: CanvasRenderingContext2D;
  private readonly simulation: Simulation<GraphNode, GraphLink>;
  private readonly linkForce: ForceLink<GraphNode, GraphLink>;
  private readonly nodes = new Map<string, GraphNode>();
  private links: GraphLink[] = [];
  private structureKey = '';
  private styleKey = '';
  private self = '';
  private neighborSet = new Set<string>();
  private frame = 0;
  /** performance.now() when the current glide started; -Infinity: none. */
  private tweenStart = -Infinity;
  /** Something changed while the tab was hidden: draw when it shows. */
  private dirty = false;
  private widthPx = 0;
  private heightPx = 0;
  /** Current view transform (layout coordinates to CSS pixels). */
  private scale = 1;
  private offsetX = 0;
  private offsetY = 0;
  /** How far the current glide is, 0..1 (1: nodes are at their layout positions). */
  private progress = 1;
  private lastRelayoutAt = -Infinity;
  /** A structural change waiting for MIN_RELAYOUT_INTERVAL_MS to pass. */
  private deferred: ReturnType<typeof setTimeout> | undefined;
  /** The next paced flash frame (frame-pacing.ts). */
  private paced: ReturnType<typeof setTimeout> | undefined;
  private latest: GraphInput | null = null;
  private readonly resizeObserver: ResizeObserver;
  private readonly onVisibility = (): void => {
    if (document.visibilityState === 'visible' && this.dirty) this.kick();
  };

  constructor(private readonly canvas: HTMLCanvasElement) {
    const ctx = canvas.getContext('2d');
    if (ctx === null) throw new Error('canvas 2d context unavailable');
    this.ctx = ctx;
    this.linkForce = forceLink<GraphNode, GraphLink>()
      .id((n) => n.id)
      .distance(LINK_DISTANCE)
      .strength(0.6);
    // Never started: relayout() ticks it synchronously until it has cooled, then it sleeps.
    this.simulation = forceSimulation<GraphNode, GraphLink>()
      .stop()
      .alphaMin(0.005)
      .alphaDecay(0.035)
      .velocityDecay(0.35)
      .force('link', this.linkForce)
      .force('charge', forceManyBody<GraphNode>().strength(-320).distanceMax(480))
      .force('collide', forceCollide<GraphNode>(26))
      // Weak pulls to the middle keep separate components on screen; the stronger vertical one
      // makes the layout wider than tall, like the canvas.
      .force('x', forceX<GraphNode>(0).strength(0.025))
      .force('y', forceY<GraphNode>(0).strength(0.07));
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(canvas);
    canvas.addEventListener('mousemove', this.onPointer);
    canvas.addEventListener('mouseleave', () => (canvas.title = ''));
    document.addEventListener('visibilitychange', this.onVisibility);
    this.resize();
  }

  /** Takes the latest view of the mesh. Costs a comparison when nothing changed. */
  update(input: GraphInput): void {
    this.latest = input;
    const model = graphModel(input);
    if (model.structureKey === this.structureKey && model.styleKey === this.styleKey) return;
    const waitMs = this.lastRelayoutAt + MIN_RELAYOUT_INTERVAL_MS - performance.now();
    if (model.structureKey !== this.structureKey && this.structureKey !== '' && waitMs > 0) {
      // Too soon after the last relayout: take the latest input when the interval has passed.
      this.deferred ??= setTimeout(() => {
        this.deferred = undefined;
        if (this.latest !== null) this.update(this.latest);
      }, waitMs);
      return;
    }
    this.self = input.self;
    this.neighborSet = new Set(input.neighbors);
    this.styleKey = model.styleKey;
    const mutual = new Map(model.links.map((l) => [l.key, l.mutual]));
    if (model.structureKey === this.structureKey) {
      // Nothing moves: restyle in place, one redraw.
      for (const n of this.nodes.values()) n.reported = model.reported.has(n.id);
      for (const l of this.links) l.mutual = mutual.get(l.key) ?? l.mutual;
    } else {
      this.structureKey = model.structureKey;
      this.lastRelayoutAt = performance.now();
      this.relayout(model.ids, model.links, model.reported);
    }
    this.canvas.setAttribute('aria-label', this.describe());
    this.kick();
  }

  /** Briefly highlights a node (a rumor from it arrived). Unknown ids are ignored. */
  flash(id: string): void {
    const node = this.nodes.get(id);
    if (node === undefined) return;
    node.flashStart = performance.now();
    this.kick();
  }

  dispose(): void {
    clearTimeout(this.deferred);
    clearTimeout(this.paced);
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.resizeObserver.disconnect();
    this.canvas.removeEventListener('mousemove', this.onPointer);
    document.removeEventListener('visibilitychange', this.onVisibility);
  }

  /** Places new peers next to a placed neighbour, cools the layout off screen, starts a glide. */
  private relayout(ids: readonly string[], modelLinks: readonly ModelLink[], reported: ReadonlySet<string>): void {
    // Glide from where the nodes are drawn now (a glide may be under way).
    const t = easeOut(this.progress);
    for (const n of this.nodes.values()) {
      n.fromX += ((n.x ?? 0) - n.fromX) * t;
      n.fromY += ((n.y ?? 0) - n.fromY) * t;
    }
    const wanted = new Set(ids);
    for (const id of [...this.nodes.keys()]) if (!wanted.has(id)) this.nodes.delete(id);
    const adjacency = new Map<string, string[]>();
    for (const { a, b } of modelLinks) {
      adjacency.set(a, [...(adjacency.get(a) ?? []), b]);
      adjacency.set(b, [...(adjacency.get(b) ?? []), a]);
    }
    let added = 0;
    for (const id of ids) {
      if (this.nodes.has(id)) continue;
      added++;
      const anchor = (adjacency.get(id) ?? []).map((n) => this.nodes.get(n)).find((n) => n?.x !== undefined);
      const angle = Math.random() * 2 * Math.PI;
      const radius = anchor ? LINK_DISTANCE * 0.6 : 20 + Math.random() * 40;
      const x = (anchor?.x ?? 0) + Math.cos(angle) * radius;
      const y = (anchor?.y ?? 0) + Math.sin(angle) * radius;
      // A new peer appears where its neighbour is drawn, and glides out from there.
      this.nodes.set(id, { id, reported: false, flashStart: -Infinity, x, y, fromX: anchor?.fromX ?? x, fromY: anchor?.fromY ?? y });
    }
    for (const n of this.nodes.values()) n.reported = reported.has(n.id);
    this.links = modelLinks.map((l) => ({ ...l, source: l.a, target: l.b }));
    this.simulation.nodes([...this.nodes.values()]);
    this.linkForce.links(this.links);
    this.simulation.alpha(added > 0 ? ALPHA_NEW_PEERS : ALPHA_LINKS_ONLY);
    for (let i = 0; i < MAX_TICKS && this.simulation.alpha() >= this.simulation.alphaMin(); i++) this.simulation.tick();
    this.progress = 0;
    this.tweenStart = -Infinity;
  }

  private describe(): string {
    return `Mesh graph as this tab knows it: ${this.nodes.size} peers, ${this.links.length} links; this tab has ${this.neighborSet.size} links.`;
  }

  /** Asks for a frame; a hidden tab only remembers that it has something to draw. */
  private kick(): void {
    if (document.visibilityState === 'hidden') {
      this.dirty = true;
      return;
    }
    if (this.frame === 0) this.frame = requestAnimationFrame(this.step);
  }

  private readonly step = (now: number): void => {
    this.frame = 0;
    if (document.visibilityState === 'hidden') {
      this.dirty = true;
      return;
    }
    this.dirty = false;
    if (this.progress < 1) {
      if (this.tweenStart === -Infinity) this.tweenStart = now;
      this.progress = Math.min(1, (now - this.tweenStart) / TWEEN_MS);
    }
    this.draw(now);
    let flashing = false;
    for (const n of this.nodes.values()) if (now - n.flashStart < FLASH_MS) flashing = true;
    const delay = nextFrameDelay(this.progress < 1, flashing);
    if (delay === 'now') this.kick();
    else if (delay !== null) this.paced ??= setTimeout(() => ((this.paced = undefined), this.kick()), delay);
    else for (const n of this.nodes.values()) [n.fromX, n.fromY] = [n.x ?? 0, n.y ?? 0];
  };

  /** Where a node is drawn now, in layout coordinates. */
  private at(n: GraphNode): [number, number] {
    const t = easeOut(this.progress);
    return [n.fromX + ((n.x ?? 0) - n.fromX) * t, n.fromY + ((n.y ?? 0) - n.fromY) * t];
  }

  private resize(): void {
    const rect = this.canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const widthPx = Math.max(1, Math.round(rect.width));
    const heightPx = Math.max(1, Math.round(rect.height));
    if (widthPx === this.widthPx && heightPx === this.heightPx && this.canvas.width === Math.round(widthPx * dpr)) return;
    this.widthPx = widthPx;
    this.heightPx = heightPx;
    this.canvas.width = Math.round(this.widthPx * dpr);
    this.canvas.height = Math.round(this.heightPx * dpr);
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.kick();
  }

  /** Fits the whole picture into the canvas (graph-fit.ts). */
  private fit(): void {
    const points = [...this.nodes.values()].map((n) => {
      const [x, y] = this.at(n);
      const isSelf = n.id === this.self;
      const chars = shortId(n.id).length + (isSelf ? 6 : 0);
      return { x, y, radiusPx: isSelf ? 19 : 10, halfLabelPx: chars * LABEL_CHAR_PX * 0.5 };
    });
    ({ scale: this.scale, offsetX: this.offsetX, offsetY: this.offsetY } = fitView(points, this.widthPx, this.heightPx));
  }

  private draw(now: number): void {
    const { ctx } = this;
    this.fit();
    ctx.clearRect(0, 0, this.widthPx, this.heightPx);
    const px = (n: GraphNode): [number, number] => {
      const [x, y] = this.at(n);
      return [this.offsetX + x * this.scale, this.offsetY + y * this.scale];
    };

    if (this.nodes.size <= 1) {
      ctx.fillStyle = '#5b6472';
      ctx.font = '14px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.fillText('No links yet: waiting for other peers in this room…', this.widthPx / 2, this.heightPx / 2 + 48);
    }

    // Links: others' first, then this tab's own (open links to its neighbours) on top.
    const selfColor = peerColor(this.self);
    for (const own of [false, true]) {
      for (const link of this.links) {
        const isOwn =
          (link.a === this.self && this.neighborSet.has(link.b)) ||
          (link.b === this.self && this.neighborSet.has(link.a));
        if (isOwn !== own) continue;
        const s = nodeOf(link.source);
        const t = nodeOf(link.target);
        if (s === undefined || t === undefined) continue;
        const [x1, y1] = px(s);
        const [x2, y2] = px(t);
        ctx.beginPath();
        ctx.moveTo(x1, y1);
        ctx.lineTo(x2, y2);
        ctx.setLineDash(link.mutual ? [] : [5, 4]);
        ctx.strokeStyle = own ? selfColor : '#9aa3b0';
        ctx.lineWidth = own ? 3.5 : 1.5;
        ctx.stroke();
      }
    }
    ctx.setLineDash([]);

    // Nodes, self last so it is never hidden.
    const ordered = [...this.nodes.values()].sort((a, b) => Number(a.id === this.self) - Number(b.id === this.self));
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const node of ordered) {
      const [x, y] = px(node);
      const isSelf = node.id === this.self;
      const isNeighbor = this.neighborSet.has(node.id);
      const radius = isSelf ? 14 : isNeighbor ? 10 : 8;
      const color = peerColor(node.id);

      const age = now - node.flashStart;
      if (age >= 0 && age < FLASH_MS) {
        const t = age / FLASH_MS;
        ctx.beginPath();
        ctx.arc(x, y, radius + 4 + t * 22, 0, 2 * Math.PI);
        ctx.fillStyle = `rgba(255, 176, 0, ${0.55 * (1 - t)})`;
        ctx.fill();
      }

      if (isSelf) {
        ctx.beginPath();
        ctx.arc(x, y, radius + 5, 0, 2 * Math.PI);
        ctx.fillStyle = '#ffffff';
        ctx.fill();
        ctx.lineWidth = 3;
        ctx.strokeStyle = '#1d2430';
        ctx.stroke();
      }
      ctx.beginPath();
      ctx.arc(x, y, radius, 0, 2 * Math.PI);
      ctx.globalAlpha = node.reported || isSelf ? 1 : 0.5;
      ctx.fillStyle = color;
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.lineWidth = isNeighbor ? 2.5 : 1.5;
      ctx.strokeStyle = isNeighbor ? '#1d2430' : '#ffffff';
      ctx.stroke();

      const label = isSelf ? `${shortId(node.id)} (you)` : shortId(node.id);
      ctx.font = `${isSelf ? '600 13px' : isNeighbor ? '600 12px' : '12px'} ui-monospace, SFMono-Regular, Menlo, monospace`;
      ctx.lineWidth = 4;
      ctx.strokeStyle = 'rgba(255, 255, 255, 0.9)';
      ctx.strokeText(label, x, y + radius + (isSelf ? 7 : 4));
      ctx.fillStyle = '#1d2430';
      ctx.fillText(label, x, y + radius + (isSelf ? 7 : 4));
    }
  }

  /** Shows the full peer id of the node under the pointer as the canvas tooltip. */
  private readonly onPointer = (event: MouseEvent): void => {
    const rect = this.canvas.getBoundingClientRect();
    const mx = event.clientX - rect.left;
    const my = event.clientY - rect.top;
    let best: GraphNode | undefined;
    let bestDistance = 16;
    for (const n of this.nodes.values()) {
      const [x, y] = this.at(n);
      const d = Math.hypot(this.offsetX + x * this.scale - mx, this.offsetY + y * this.scale - my);
      if (d < bestDistance) {
        best = n;
        bestDistance = d;
      }
    }
    const title = best === undefined ? '' : best.id === this.self ? `${best.id} (this tab)` : best.id;
    if (this.canvas.title !== title) this.canvas.title = title;
  };
}

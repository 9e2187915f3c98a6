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
import { peerColor, shortId } from './peer.ts';

/**
 * The mesh as one tab knows it, drawn on a canvas with d3-force.
 * Node positions are kept across updates; the simulation is reheated only when the set of nodes
 * or links changes, and the animation loop runs only while the layout moves or a node flashes.
 */

interface GraphNode extends SimulationNodeDatum {
  id: string;
  /** Listed as a key of the graph (its own neighbour list is known), not only seen in others' lists. */
  reported: boolean;
  flashStart: number;
}

interface GraphLink extends SimulationLinkDatum<GraphNode> {
  key: string;
  a: string;
  b: string;
  /** Both ends list each other; one-sided links are drawn dashed (stale or half-open). */
  mutual: boolean;
}

export interface GraphInput {
  self: string;
  neighbors: readonly string[];
  graph: ReadonlyMap<string, ReadonlySet<string>>;
}

const FLASH_MS = 1000;
const LINK_DISTANCE = 80;
const PADDING_PX = 34;
const MAX_SCALE = 2.2;

function linkKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

function nodeOf(end: GraphNode | string | number): GraphNode | undefined {
  return typeof end === 'object' ? end : undefined;
}

export class MeshGraph {
  private readonly ctx: CanvasRenderingContext2D;
  private readonly simulation: Simulation<GraphNode, GraphLink>;
  private readonly linkForce: ForceLink<GraphNode, GraphLink>;
  private readonly nodes = new Map<string, GraphNode>();
  private links: GraphLink[] = [];
  private signature = '';
  private self = '';
  private neighborSet = new Set<string>();
  private frame = 0;
  private widthPx = 0;
  private heightPx = 0;
  /** Current view transform (layout coordinates to CSS pixels). */
  private scale = 1;
  private offsetX = 0;
  private offsetY = 0;
  private readonly resizeObserver: ResizeObserver;

  constructor(private readonly canvas: HTMLCanvasElement) {
    const ctx = canvas.getContext('2d');
    if (ctx === null) throw new Error('canvas 2d context unavailable');
    this.ctx = ctx;
    this.linkForce = forceLink<GraphNode, GraphLink>()
      .id((n) => n.id)
      .distance(LINK_DISTANCE)
      .strength(0.6);
    // Created stopped: this class drives the ticks from its own requestAnimationFrame loop.
    this.simulation = forceSimulation<GraphNode, GraphLink>()
      .stop()
      .alphaDecay(0.03)
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
    this.resize();
  }

  /** Takes the latest view of the mesh. Cheap when nothing structural changed. */
  update(input: GraphInput): void {
    const { self, graph } = input;
    const wanted = new Set<string>([self]);
    const reported = new Set<string>();
    const directed = new Set<string>();
    const pairs = new Map<string, [string, string]>();
    const addEdge = (from: string, to: string): void => {
      if (from === to) return;
      wanted.add(from);
      wanted.add(to);
      directed.add(`${from}\u0000${to}`);
      const key = linkKey(from, to);
      if (!pairs.has(key)) pairs.set(key, from < to ? [from, to] : [to, from]);
    };
    for (const [peer, peers] of graph) {
      reported.add(peer);
      wanted.add(peer);
      // This tab's own links are known first hand (below), fresher than its gossiped entry.
      if (peer === self) continue;
      for (const other of peers) addEdge(peer, other);
    }
    reported.add(self);
    for (const n of input.neighbors) {
      addEdge(self, n);
      // An open link is two-way, whatever the neighbour's gossiped entry says yet.
      directed.add(`${n}\u0000${self}`);
    }

    const neighborSet = new Set(input.neighbors);
    const styleChanged =
      self !== this.self ||
      neighborSet.size !== this.neighborSet.size ||
      [...neighborSet].some((n) => !this.neighborSet.has(n));
    this.self = self;
    this.neighborSet = neighborSet;

    const linkKeys = [...pairs.keys()].sort();
    const mutualKeys = linkKeys.filter((k) => {
      const [a, b] = pairs.get(k) ?? ['', ''];
      return directed.has(`${a}\u0000${b}`) && directed.has(`${b}\u0000${a}`);
    });
    const signature = `${[...wanted].sort().join(',')}|${linkKeys.join(',')}|${mutualKeys.join(',')}`;
    const reportedChanged = [...this.nodes.values()].some((n) => n.reported !== reported.has(n.id));
    if (signature === this.signature) {
      if (reportedChanged) for (const n of this.nodes.values()) n.reported = reported.has(n.id);
      if (styleChanged || reportedChanged) {
        this.canvas.setAttribute('aria-label', this.describe());
        this.kick();
      }
      return;
    }
    const structural = signature.split('|').slice(0, 2).join('|') !== this.signature.split('|').slice(0, 2).join('|');
    this.signature = signature;

    // Drop nodes that are gone, add new ones next to a placed neighbour so the layout stays calm.
    for (const id of [...this.nodes.keys()]) if (!wanted.has(id)) this.nodes.delete(id);
    const adjacency = new Map<string, string[]>();
    for (const [a, b] of pairs.values()) {
      adjacency.set(a, [...(adjacency.get(a) ?? []), b]);
      adjacency.set(b, [...(adjacency.get(b) ?? []), a]);
    }
    for (const id of wanted) {
      if (this.nodes.has(id)) continue;
      const anchor = (adjacency.get(id) ?? []).map((n) => this.nodes.get(n)).find((n) => n?.x !== undefined);
      const angle = Math.random() * 2 * Math.PI;
      const radius = anchor ? LINK_DISTANCE * 0.6 : 20 + Math.random() * 40;
      this.nodes.set(id, {
        id,
        reported: false,
        flashStart: -Infinity,
        x: (anchor?.x ?? 0) + Math.cos(angle) * radius,
        y: (anchor?.y ?? 0) + Math.sin(angle) * radius,
      });
    }
    for (const n of this.nodes.values()) n.reported = reported.has(n.id);

    const mutual = new Set(mutualKeys);
    this.links = linkKeys.map((key) => {
      const [a, b] = pairs.get(key) ?? ['', ''];
      return { key, a, b, source: a, target: b, mutual: mutual.has(key) };
    });
    this.simulation.nodes([...this.nodes.values()]);
    this.linkForce.links(this.links);
    if (structural) this.simulation.alpha(Math.max(this.simulation.alpha(), 0.5));
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
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.resizeObserver.disconnect();
    this.canvas.removeEventListener('mousemove', this.onPointer);
  }

  private describe(): string {
    return `Mesh graph as this tab knows it: ${this.nodes.size} peers, ${this.links.length} links; this tab has ${this.neighborSet.size} links.`;
  }

  private kick(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(this.step);
  }

  private readonly step = (now: number): void => {
    this.frame = 0;
    const hot = this.simulation.alpha() >= this.simulation.alphaMin();
    if (hot) this.simulation.tick();
    this.draw(now);
    let flashing = false;
    for (const n of this.nodes.values()) if (now - n.flashStart < FLASH_MS) flashing = true;
    if (hot || flashing) this.kick();
  };

  private resize(): void {
    const rect = this.canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    this.widthPx = Math.max(1, Math.round(rect.width));
    this.heightPx = Math.max(1, Math.round(rect.height));
    this.canvas.width = Math.round(this.widthPx * dpr);
    this.canvas.height = Math.round(this.heightPx * dpr);
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.kick();
  }

  /** Fits the whole layout into the canvas, never zooming in beyond MAX_SCALE. */
  private fit(): void {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const n of this.nodes.values()) {
      const x = n.x ?? 0;
      const y = n.y ?? 0;
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
    if (minX === Infinity) {
      minX = maxX = minY = maxY = 0;
    }
    const spanX = Math.max(maxX - minX, 1);
    const spanY = Math.max(maxY - minY, 1);
    const scale = Math.min(
      MAX_SCALE,
      (this.widthPx - 2 * PADDING_PX) / spanX,
      (this.heightPx - 2 * PADDING_PX) / spanY,
    );
    this.scale = Math.max(scale, 0.05);
    this.offsetX = this.widthPx / 2 - ((minX + maxX) / 2) * this.scale;
    this.offsetY = this.heightPx / 2 - ((minY + maxY) / 2) * this.scale;
  }

  private draw(now: number): void {
    const { ctx } = this;
    this.fit();
    ctx.clearRect(0, 0, this.widthPx, this.heightPx);
    const px = (n: GraphNode): [number, number] => [
      this.offsetX + (n.x ?? 0) * this.scale,
      this.offsetY + (n.y ?? 0) * this.scale,
    ];

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
      const d = Math.hypot(this.offsetX + (n.x ?? 0) * this.scale - mx, this.offsetY + (n.y ?? 0) * this.scale - my);
      if (d < bestDistance) {
        best = n;
        bestDistance = d;
      }
    }
    const title = best === undefined ? '' : best.id === this.self ? `${best.id} (this tab)` : best.id;
    if (this.canvas.title !== title) this.canvas.title = title;
  };
}

import { forceLink, forceManyBody, forceRadial, forceSimulation, type SimulationLinkDatum, type SimulationNodeDatum } from 'd3-force';
import { seededRandom } from '../core/env.ts';
import { deriveSeed } from '../sim/random.ts';
import { hopDistances, type Overlay } from './topology.ts';

/** A position in the unit square (the view scales it to its canvas). */
export interface Point {
  readonly x: number;
  readonly y: number;
}

interface LayoutNode extends SimulationNodeDatum {
  index: number;
  hops: number;
}

/**
 * Where to draw each node: the origin in the middle and the others on rings by their hop distance
 * from it (a radial force), pulled towards their neighbours (link force) and apart from each other
 * (many-body). A rumor spreading by gossip then visibly moves outwards ring by ring. Seeded and
 * computed once (no animation): the same picture for the same network. Pure: no DOM.
 */
export function radialLayout(overlay: Overlay, origin: number, seed: number, ticks = 150): Point[] {
  const hops = hopDistances(overlay, origin);
  let maxHops = 1;
  for (const h of hops) maxHops = Math.max(maxHops, h);
  const ringGap = 1 / maxHops;
  // Each ring gets an annulus of area proportional to its node count (even density), at its middle.
  const perHop = new Array<number>(maxHops + 1).fill(0);
  for (const h of hops) perHop[Math.max(0, h)] = (perHop[Math.max(0, h)] as number) + 1;
  const ringRadius: number[] = [];
  let before = 0;
  for (const count of perHop) {
    ringRadius.push(Math.sqrt((before + count / 2) / overlay.nodes));
    before += count;
  }
  ringRadius[0] = 0;
  const radiusOf = (h: number) => ringRadius[h] ?? 1;
  const nodes: LayoutNode[] = Array.from({ length: overlay.nodes }, (_, index) => ({ index, hops: Math.max(0, hops[index] as number) }));
  const links: Array<SimulationLinkDatum<LayoutNode>> = [];
  overlay.adjacency.forEach((neighbours, a) => {
    for (const b of neighbours) if (b > a) links.push({ source: a, target: b });
  });
  const originNode = nodes[origin];
  if (originNode !== undefined) {
    originNode.fx = 0;
    originNode.fy = 0;
  }
  const simulation = forceSimulation(nodes)
    .randomSource(seededRandom(deriveSeed(seed, 'layout')))
    .force('link', forceLink<LayoutNode, SimulationLinkDatum<LayoutNode>>(links).distance(ringGap * 0.8).strength(0.05))
    .force('charge', forceManyBody<LayoutNode>().strength(-0.02 / Math.sqrt(overlay.nodes)).distanceMax(ringGap * 2))
    .force('rings', forceRadial<LayoutNode>((d) => radiusOf(d.hops), 0, 0).strength(0.6))
    .stop();
  // Start on the rings (spread by index) so the forces only have to tidy up.
  for (const node of nodes) {
    if (node.index === origin) continue;
    const angle = node.index * 2.399963229728653; // golden angle
    node.x = Math.cos(angle) * radiusOf(node.hops);
    node.y = Math.sin(angle) * radiusOf(node.hops);
  }
  simulation.tick(ticks);
  return normalize(nodes);
}

/** Cells of a square grid, row by row: for networks too large to draw node by node. */
export function gridLayout(count: number): { columns: number; rows: number } {
  const columns = Math.max(1, Math.ceil(Math.sqrt(count)));
  return { columns, rows: Math.max(1, Math.ceil(count / columns)) };
}

/** Scales positions into [0.04, 0.96] on both axes, keeping the aspect ratio and the centre. */
function normalize(nodes: readonly LayoutNode[]): Point[] {
  let extent = 1e-9;
  for (const n of nodes) extent = Math.max(extent, Math.abs(n.x ?? 0), Math.abs(n.y ?? 0));
  const scale = 0.46 / extent;
  return nodes.map((n) => ({ x: 0.5 + (n.x ?? 0) * scale, y: 0.5 + (n.y ?? 0) * scale }));
}

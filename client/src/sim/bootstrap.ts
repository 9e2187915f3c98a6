import type { PeerId } from '../core/ids.ts';
import { distinctInts } from './random.ts';

/** What the bootstrap service sees of the simulated population. Nodes join in index order. */
export interface Population {
  readonly ids: readonly PeerId[];
  /** Nodes 0 .. joined-1 have joined. */
  readonly joined: number;
  /** Joined and not crashed. */
  readonly live: number;
  isAlive(i: number): boolean;
}

export interface BootstrapConfig {
  /** Peers handed out per request. */
  introductions: number;
  /** Watchdog: a node with no lasting link for this long gets fresh introductions; 0 = off. */
  reintroduceAfterMs: number;
}

/**
 * The signaling server's part in the simulation, and the driver's watchdog that falls back on it.
 * Like the server, it hands a node a few random live members already present, never the full list:
 * at join, and whenever the core says 'lonely' (below target with nobody left to try). Like a tab's
 * driver, it also asks again for a node that has had no lasting link for a while, whatever the core
 * says: a belt to the core's braces.
 */
export class Bootstrap {
  /** Introductions handed out after joining (on 'lonely' or by the watchdog). */
  reintroductions = 0;
  /** Since when each node has had at least one link (NaN: none now). */
  private readonly linkedSince: Float64Array;
  /** Since which tick each node has been seen without a lasting link (NaN: it had one at its last tick). */
  private readonly aloneSince: Float64Array;

  constructor(
    private readonly population: Population,
    private readonly config: BootstrapConfig,
    private readonly random: () => number,
  ) {
    const size = population.ids.length;
    this.linkedSince = new Float64Array(size).fill(NaN);
    this.aloneSince = new Float64Array(size).fill(NaN);
  }

  /** A few random live members other than `i`: for a node joining, or again later. */
  introductionsFor(i: number): PeerId[] {
    const { ids, joined: present, live } = this.population;
    const isAlive = (j: number) => this.population.isAlive(j);
    const count = this.config.introductions;
    const peers: PeerId[] = [];
    const wanted = Math.min(count, live - (isAlive(i) ? 1 : 0));
    if (wanted <= 0) return peers;
    if (present <= 4 * count) {
      // Few nodes: pick among the live ones exactly.
      const candidates: number[] = [];
      for (let j = 0; j < present; j++) if (j !== i && isAlive(j)) candidates.push(j);
      for (const k of distinctInts(this.random, candidates.length, wanted)) peers.push(ids[candidates[k] as number] as PeerId);
      return peers;
    }
    const picked: number[] = [];
    for (let tries = 0; picked.length < wanted && tries < 100 * wanted; tries++) {
      const j = Math.floor(this.random() * present);
      if (j === i || !isAlive(j) || picked.includes(j)) continue;
      picked.push(j);
    }
    for (const j of picked) peers.push(ids[j] as PeerId);
    return peers;
  }

  /** Introductions for a node that already joined (counted). */
  reintroduce(i: number): PeerId[] {
    this.reintroductions++;
    return this.introductionsFor(i);
  }

  /** The node's active view size changed. */
  degreeChanged(i: number, degree: number, now: number): void {
    if (degree === 0) this.linkedSince[i] = NaN;
    else if (Number.isNaN(this.linkedSince[i] as number)) this.linkedSince[i] = now;
  }

  /**
   * Checked at each tick of node i: true when the watchdog wants fresh introductions for it. A link
   * that a full peer opens and refuses within a latency is not a link: the node counts as linked once
   * it has kept at least one link for a second.
   */
  watchdogDue(i: number, now: number): boolean {
    if (this.config.reintroduceAfterMs <= 0) return false;
    if (now - (this.linkedSince[i] as number) >= 1000) this.aloneSince[i] = NaN;
    else if (Number.isNaN(this.aloneSince[i] as number)) this.aloneSince[i] = now;
    else if (now - (this.aloneSince[i] as number) >= this.config.reintroduceAfterMs) {
      this.aloneSince[i] = now;
      return true;
    }
    return false;
  }
}

import { pickOne, sample, type Env } from './env.ts';
import type { PeerId } from './ids.ts';
import type { Options } from './options.ts';
import type { Outbox } from './outbox.ts';
import type { MessageOf } from './wire.ts';

interface Link {
  openedAt: number;
  lastHeardAt: number;
  lastPingAt: number;
  unansweredPings: number;
}

const PINGS_BEFORE_DEAD = 3;

/**
 * Partial view in the spirit of HyParView: a small active view (the open links) kept near
 * `activeViewSize` and never above `maxActiveViewSize`, and a larger passive view of known peers
 * refreshed by shuffles, from which lost links are replaced. No node needs the member list.
 */
export class Membership {
  readonly active = new Map<PeerId, Link>();
  private readonly pending = new Map<PeerId, number>();
  private passive: PeerId[] = [];
  /** Peers that left or went silent, kept out of the views for a while so gossip can't revive them. */
  private readonly gone = new Map<PeerId, number>();
  private nextShuffleAt: number;
  private lastLonelyAt = -Infinity;
  private pingSeq = 0;

  constructor(
    private readonly self: PeerId,
    private readonly env: Env,
    private readonly options: Options,
    private readonly out: Outbox,
    private readonly onViewChange: () => void,
  ) {
    this.nextShuffleAt = env.now() + env.random() * options.shufflePeriodMs;
  }

  neighbors(): PeerId[] {
    return [...this.active.keys()];
  }

  known(): PeerId[] {
    return this.passive.slice();
  }

  /** Peers handed over by a bootstrap service: candidates, not links. */
  introduce(peers: readonly PeerId[]): void {
    for (const peer of peers) this.gone.delete(peer);
    this.addPassive(peers);
  }

  connected(peer: PeerId, now: number): void {
    if (this.active.has(peer)) return;
    this.pending.delete(peer);
    if (this.gone.has(peer) || this.active.size >= this.options.maxActiveViewSize) {
      this.out.disconnect(peer);
      return;
    }
    this.removePassive(peer);
    this.active.set(peer, { openedAt: now, lastHeardAt: now, lastPingAt: now, unansweredPings: 0 });
    this.onViewChange();
  }

  disconnected(peer: PeerId): void {
    if (this.pending.delete(peer)) {
      this.removePassive(peer);
      this.out.emit({ type: 'peer-gone', peer, reason: 'link-failed' });
    }
    if (!this.active.delete(peer)) return;
    if (!this.gone.has(peer)) this.addPassive([peer]);
    this.onViewChange();
  }

  /** Any message proves the sender alive. */
  heard(from: PeerId, now: number): void {
    const link = this.active.get(from);
    if (link === undefined) return;
    link.lastHeardAt = now;
    link.unansweredPings = 0;
  }

  handle(from: PeerId, message: MessageOf<'ping' | 'pong' | 'leave' | 'shuffle' | 'shuffle-reply'>, now: number): void {
    switch (message.t) {
      case 'ping':
        // Answered at once from the message handler, so throttled background tabs still answer.
        this.out.send(from, { v: 1, t: 'pong', n: message.n });
        return;
      case 'pong':
        return;
      case 'leave':
        this.markGone(from, 'left', now);
        return;
      case 'shuffle':
        this.out.send(from, { v: 1, t: 'shuffle-reply', sample: this.sampleFor(from, message.sample.length) });
        this.addPassive(message.sample);
        return;
      case 'shuffle-reply':
        this.addPassive(message.sample);
        return;
    }
  }

  tick(now: number): void {
    this.detectFailures(now);
    for (const [peer, at] of this.pending) {
      if (now - at >= this.options.connectTimeoutMs) {
        this.pending.delete(peer);
        this.removePassive(peer);
        this.out.disconnect(peer);
      }
    }
    for (const [peer, until] of this.gone) if (now >= until) this.gone.delete(peer);
    this.fill(now);
    if (now >= this.nextShuffleAt) {
      this.nextShuffleAt = now + this.options.shufflePeriodMs;
      this.shuffle();
    }
  }

  /** Tell neighbours we are leaving for good (tab closing). */
  leave(): void {
    for (const peer of this.active.keys()) this.out.send(peer, { v: 1, t: 'leave' });
  }

  /** Cut a peer off (it misbehaved): close the link and keep it out of the views for a while. */
  evict(peer: PeerId, now: number): void {
    this.markGone(peer, 'silent', now);
  }

  private markGone(peer: PeerId, reason: 'left' | 'silent', now: number): void {
    this.gone.set(peer, now + 3 * this.options.deadAfterMs);
    this.removePassive(peer);
    this.pending.delete(peer);
    if (this.active.delete(peer)) {
      this.out.disconnect(peer);
      this.onViewChange();
    }
    this.out.emit({ type: 'peer-gone', peer, reason });
  }

  private detectFailures(now: number): void {
    for (const [peer, link] of this.active) {
      const silentMs = now - link.lastHeardAt;
      if (link.unansweredPings >= PINGS_BEFORE_DEAD && silentMs >= this.options.deadAfterMs) {
        this.markGone(peer, 'silent', now);
      } else if (silentMs >= this.options.pingIntervalMs && now - link.lastPingAt >= this.options.pingIntervalMs) {
        // One ping per tick at most: a node that slept gives its neighbours several ticks to answer.
        link.lastPingAt = now;
        link.unansweredPings++;
        this.out.send(peer, { v: 1, t: 'ping', n: ++this.pingSeq });
      }
    }
  }

  /** Below target: ask the driver for links to random passive peers. */
  private fill(now: number): void {
    const missing = this.options.activeViewSize - this.active.size - this.pending.size;
    if (missing <= 0) return;
    const candidates = this.passive.filter((p) => !this.pending.has(p));
    for (const peer of sample(this.env.random, candidates, missing)) {
      this.pending.set(peer, now);
      this.out.connect(peer);
    }
    if (this.active.size === 0 && this.pending.size === 0 && now - this.lastLonelyAt >= this.options.connectTimeoutMs) {
      this.lastLonelyAt = now;
      this.out.emit({ type: 'lonely' });
    }
  }

  private shuffle(): void {
    const target = pickOne(this.env.random, this.neighbors());
    if (target === undefined) return;
    const own = this.sampleFor(target, this.options.shuffleSampleSize - 1);
    this.out.send(target, { v: 1, t: 'shuffle', sample: [this.self, ...own] });
  }

  private sampleFor(exclude: PeerId, size: number): PeerId[] {
    const pool = [...this.active.keys(), ...this.passive].filter((p) => p !== exclude);
    return sample(this.env.random, pool, Math.min(size, this.options.shuffleSampleSize));
  }

  private addPassive(peers: readonly PeerId[]): void {
    for (const peer of peers) {
      if (peer === this.self || this.active.has(peer) || this.gone.has(peer) || this.passive.includes(peer)) continue;
      if (this.passive.length >= this.options.passiveViewSize) {
        // Evict at random so that fresh samples keep the view a random slice of the network.
        const victim = Math.floor(this.env.random() * this.passive.length);
        this.passive[victim] = peer;
      } else this.passive.push(peer);
    }
  }

  private removePassive(peer: PeerId): void {
    const i = this.passive.indexOf(peer);
    if (i >= 0) this.passive.splice(i, 1);
  }
}

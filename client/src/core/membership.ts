import { pickOne, sample, type Env } from './env.ts';
import { FailureDetector } from './failure-detector.ts';
import type { PeerId } from './ids.ts';
import type { Options } from './options.ts';
import type { Outbox } from './outbox.ts';
import type { ProtocolModule } from './protocol.ts';
import type { MessageOf } from './wire.ts';

interface Link {
  openedAt: number;
  lastHeardAt: number;
}

/** A peer kept out of the views; one that left or was cut off may not link again meanwhile. */
interface Gone {
  until: number;
  refuseLinks: boolean;
}

/** What the membership asks of the rest of the node (all optional: a bare Membership works alone). */
export interface MembershipHooks {
  /** Gossip holds a death notice for `peer` (topology.ts): keep it out of the passive view. */
  reportedGone?(peer: PeerId): boolean;
  /** This node saw a neighbour leave or go silent: spread the news (a death notice). */
  declaredGone?(peer: PeerId, now: number): void;
  /** How many links `peer` last said it has (its gossiped topology entry), if known. */
  degreeOf?(peer: PeerId): number | undefined;
  /** Some other peer lists `peer` among its healthy links: it was alive lately. */
  vouched?(peer: PeerId): boolean;
  /** `helper`'s gossiped entry lists `target` as a link: it can probe `target` for us. */
  linkedTo?(helper: PeerId, target: PeerId): boolean;
}

/**
 * Partial view in the spirit of HyParView: a small active view (the open links) kept near
 * `activeViewSize` and never above `maxActiveViewSize`, and a larger passive view of known peers
 * refreshed by shuffles, from which lost links are replaced. No node needs the member list.
 *
 * Churn, with or without a bootstrap service:
 * - failure detection (failure-detector.ts: SWIM probes, indirect probes, suspicion, local
 *   health): a suspect gets a replacement link at once, and the node's topology entry stops listing
 *   it (no longer vouched for);
 * - a suspect silent for deadAfterMs, a `leave`, or its link dying while suspected: it is declared
 *   gone, and a death notice spreads in the topology (topology.ts), so that every passive view
 *   drops it, not only its neighbours';
 * - a peer declared silent that links to us again is alive after all (it slept): it is taken back;
 * - replacements are dialled among peers someone vouches for first, those with room first; a peer
 *   at the cap takes a newcomer by dropping a neighbour that has links to spare.
 */
type Owned = 'ping' | 'pong' | 'probe-req' | 'probe-ack' | 'leave' | 'shuffle' | 'shuffle-reply';

export class Membership implements ProtocolModule<Owned> {
  readonly handles = ['ping', 'pong', 'probe-req', 'probe-ack', 'leave', 'shuffle', 'shuffle-reply'] as const;
  readonly active = new Map<PeerId, Link>();
  private readonly pending = new Map<PeerId, number>();
  private passive: PeerId[] = [];
  /** Peers that left or went silent, kept out of the views for a while so gossip can't revive them. */
  private readonly gone = new Map<PeerId, Gone>();
  private readonly detector: FailureDetector;
  private nextShuffleAt: number;
  private lastLonelyAt = -Infinity;
  private readonly startedAt: number;

  constructor(
    private readonly self: PeerId,
    private readonly env: Env,
    private readonly options: Options,
    private readonly out: Outbox,
    private readonly onViewChange: () => void,
    private readonly hooks: MembershipHooks = {},
  ) {
    this.startedAt = env.now();
    this.nextShuffleAt = this.startedAt + env.random() * options.shufflePeriodMs;
    this.detector = new FailureDetector(env, options, out, {
      helpersFor: (target) => this.neighbors().filter((h) => h !== target && (hooks.linkedTo?.(h, target) ?? false)),
      suspicionChanged: () => this.onViewChange(),
      dead: (peer, now) => this.markGone(peer, 'silent', now, true),
    });
  }

  neighbors(): PeerId[] {
    return [...this.active.keys()];
  }

  /** Neighbours with no probe outstanding: the ones to relay signals through (an unanswered probe is a first doubt). */
  responsive(): PeerId[] {
    return this.neighbors().filter((peer) => !this.detector.doubtful(peer));
  }

  /** Neighbours not suspected: what this node vouches for in its topology entry. */
  healthy(): PeerId[] {
    return this.neighbors().filter((peer) => !this.detector.suspected(peer));
  }

  /** The transport saw the link falter (ICE disconnected or failed, channel closing): probe it now. */
  doubt(peer: PeerId): void {
    this.detector.doubt(peer);
  }

  /** `peer` answered off the link (a signal through the server) while the link is repaired for up to `graceMs`. */
  repairing(peer: PeerId, graceMs: number): void {
    this.detector.repairing(peer, this.env.now(), graceMs);
  }

  /** Lifeguard's local health (0: our own timers run on time), for diagnostics. */
  localHealth(): number {
    return this.detector.localHealth();
  }

  known(): PeerId[] {
    return this.passive.slice();
  }

  /** Peers handed over by a bootstrap service: candidates, not links (the service knows they are live). */
  introduce(peers: readonly PeerId[]): void {
    for (const peer of peers) this.gone.delete(peer);
    this.addPassive(peers, true);
  }

  /**
   * Others report `peer` gone (a death notice arrived): drop it from the passive view and give up
   * a link attempt to it, so that `fill` dials a live peer instead of waiting for a timeout. An
   * open link to it stays: our own pings are better evidence than hearsay.
   */
  forget(peer: PeerId): void {
    this.removePassive(peer);
    if (this.pending.delete(peer)) this.out.disconnect(peer);
  }

  /** Others report neighbour `peer` gone: probe it now (a notice is evidence, not an eviction). */
  noticedGone(peer: PeerId, now: number): void {
    this.detector.noticed(peer, now);
  }

  /**
   * A link opened. At the cap, a link we asked for is closed again (we no longer need it); a link
   * someone else asked for (they are below target) takes the place of a neighbour that has links
   * to spare (more than activeViewSize, by its gossiped entry), or is refused if none has.
   */
  connected(peer: PeerId, now: number): void {
    if (this.active.has(peer)) return;
    const ours = this.pending.delete(peer);
    const refused = this.gone.get(peer)?.refuseLinks === true;
    if (refused || (this.active.size >= this.options.maxActiveViewSize && (ours || !this.makeRoom(peer)))) {
      this.out.disconnect(peer);
      return;
    }
    // Declared gone but linking again: it is alive (a frozen tab woke); its newer entry refutes the notice.
    this.gone.delete(peer);
    this.removePassive(peer);
    this.active.set(peer, { openedAt: now, lastHeardAt: now });
    this.detector.watch(peer, now);
    this.onViewChange();
  }

  /**
   * A link closed without our asking. If the peer had stopped answering our pings before, the link
   * died with it (e.g. ICE gave up on a killed tab): it is gone, as if the heartbeat had said so.
   * Otherwise (the other side closed it, or a glitch) it goes back to the passive view.
   */
  disconnected(peer: PeerId, now: number = this.env.now()): void {
    if (this.pending.delete(peer)) {
      this.removePassive(peer);
      this.out.emit({ type: 'peer-gone', peer, reason: 'link-failed' });
    }
    const link = this.active.get(peer);
    if (link !== undefined && this.detector.suspected(peer)) {
      this.markGone(peer, 'silent', now, true);
      return;
    }
    if (link === undefined) return;
    this.active.delete(peer);
    this.detector.unwatch(peer);
    // Closed before the peer said a word: it refused us (it was full). Asking it again soon would only
    // be refused again, and a node whose few known peers are all full would ask them forever: drop
    // it, so that `fill` runs out of candidates and says 'lonely'.
    const refused = link.lastHeardAt === link.openedAt;
    if (!refused && !this.gone.has(peer)) this.addPassive([peer]);
    this.onViewChange();
  }

  /** Any message proves the sender alive. */
  heard(from: PeerId, now: number): void {
    const link = this.active.get(from);
    if (link === undefined) return;
    link.lastHeardAt = now;
    this.detector.heard(from, now); // a refuted suspicion is a view change: vouch for it again
  }

  receive(from: PeerId, message: MessageOf<Owned>, now: number): void {
    switch (message.t) {
      case 'ping':
        // Answered at once from the message handler, so throttled background tabs still answer;
        // a tab whose rounds run late says by how much (its answers queue behind them).
        this.detector.lagReported(from, message.lag ?? 0);
        this.out.send(from, this.pong(from, message.n, now));
        return;
      case 'pong':
      case 'probe-req':
      case 'probe-ack':
        this.detector.receive(from, message, now);
        return;
      case 'leave':
        this.markGone(from, 'left', now, true);
        return;
      case 'shuffle':
        this.out.send(from, { t: 'shuffle-reply', sample: this.sampleFor(from, message.sample.length) });
        this.addPassive(message.sample);
        return;
      case 'shuffle-reply':
        this.addPassive(message.sample);
        return;
    }
  }

  tick(now: number): void {
    this.detector.tick(now);
    // Both maps are nearly always empty: not even an iterator for them then.
    if (this.pending.size > 0) for (const [peer, at] of this.pending) {
      if (now - at >= this.options.connectTimeoutMs) {
        this.pending.delete(peer);
        this.removePassive(peer);
        this.out.disconnect(peer);
      }
    }
    if (this.gone.size > 0) for (const [peer, gone] of this.gone) if (now >= gone.until) this.gone.delete(peer);
    this.fill(now);
    if (now >= this.nextShuffleAt) {
      this.nextShuffleAt = now + this.options.shufflePeriodMs;
      this.shuffle();
    }
  }

  /** The node's beat goes to `partner`: a probe due within half a ping interval goes with it. */
  beat(partner: PeerId, now: number): void {
    this.detector.probeWithBeat(partner, now, this.options.pingIntervalMs / 2);
  }

  /** Failure-detector rounds every probePeriodMs (they also run timeouts and `fill`); shuffles on their own period. */
  nextTickAt(): number {
    return Math.min(this.nextShuffleAt, this.detector.nextTickAt());
  }

  /** Tell neighbours we are leaving for good (tab closing). */
  leave(): void {
    for (const peer of this.active.keys()) this.out.send(peer, { t: 'leave' });
  }

  /** Cut a peer off (it misbehaved): close the link and keep it out of the views for a while. */
  evict(peer: PeerId, now: number): void {
    this.markGone(peer, 'silent', now, false);
  }

  private pong(to: PeerId, n: number, now: number): MessageOf<'pong'> {
    const lag = this.detector.lagToTell(to, now);
    return lag > 0 ? { t: 'pong', n, lag } : { t: 'pong', n };
  }

  /** Drops the neighbour with the most links to spare, if any has more than activeViewSize. */
  private makeRoom(newcomer: PeerId): boolean {
    let richest: PeerId | undefined;
    let most = this.options.activeViewSize;
    for (const peer of this.active.keys()) {
      const degree = this.hooks.degreeOf?.(peer);
      if (peer !== newcomer && degree !== undefined && degree > most) {
        richest = peer;
        most = degree;
      }
    }
    if (richest === undefined) return false;
    this.active.delete(richest);
    this.detector.unwatch(richest);
    this.out.disconnect(richest);
    this.addPassive([richest]);
    this.onViewChange();
    return true;
  }

  /** `declare`: tell the mesh (a death notice); not for a peer we merely cut off. */
  private markGone(peer: PeerId, reason: 'left' | 'silent', now: number, declare: boolean): void {
    // Long enough for the death notice to reach everyone (and shuffles to stop carrying the peer).
    this.gone.set(peer, { until: now + 3 * Math.max(this.options.deadAfterMs, this.options.shufflePeriodMs), refuseLinks: reason === 'left' || !declare });
    this.removePassive(peer);
    this.pending.delete(peer);
    this.detector.unwatch(peer);
    if (this.active.delete(peer)) {
      this.out.disconnect(peer);
      this.onViewChange();
    }
    this.out.emit({ type: 'peer-gone', peer, reason });
    if (declare) this.hooks.declaredGone?.(peer, now);
  }

  /**
   * Below target: ask the driver for links to random passive peers. Suspected neighbours do not
   * count, so a lost link is replaced as soon as its peer is suspected, before it is declared dead (with one spare attempt); if the suspect recovers (a tab that slept) it simply
   * keeps its link, the cap `maxActiveViewSize` bounds the extra ones.
   */
  private fill(now: number): void {
    const suspected = this.detector.suspects();
    const room = this.options.maxActiveViewSize - this.active.size - this.pending.size;
    const short = this.options.activeViewSize - (this.active.size - suspected) - this.pending.size;
    // Replacing a suspect, one spare attempt: right after a crash some candidates are dead too, and
    // nobody has said so yet (each dead one costs a timeout); an extra link stays within the cap.
    const missing = Math.min(short > 0 && suspected > 0 ? short + 1 : short, room);
    if (missing <= 0) return;
    const candidates = this.passive.filter((p) => !this.pending.has(p) && this.hooks.reportedGone?.(p) !== true);
    // Best first: peers someone vouches for (alive lately) with room; vouched ones at the cap (they
    // can only take us by dropping someone); then the rest (e.g. a dead peer nobody noticed yet,
    // which would cost us a timeout). Without topology, everyone counts as vouched.
    const full = (p: PeerId): boolean => (this.hooks.degreeOf?.(p) ?? 0) >= this.options.maxActiveViewSize;
    const vouched = (p: PeerId): boolean => this.hooks.vouched?.(p) ?? true;
    // One pass (isVouched scans the whole topology table: three filters asked it three times per candidate).
    const tiers: [PeerId[], PeerId[], PeerId[]] = [[], [], []];
    for (const p of candidates) tiers[!vouched(p) ? 2 : full(p) ? 1 : 0].push(p);
    const picks: PeerId[] = [];
    for (const tier of tiers) picks.push(...sample(this.env.random, tier, missing - picks.length));
    for (const peer of picks) {
      this.pending.set(peer, now);
      this.out.connect(peer);
    }
    // Below target with nobody left to try: ask the driver for introductions. Not only with no link at
    // all: two nodes linked only to each other, whose known peers are all full, would otherwise stay a
    // mesh of their own forever. A newcomer first gives its shuffles a period to fill the passive view.
    const settled = now - this.startedAt >= this.options.shufflePeriodMs;
    const tooFew = this.active.size === 0 || (settled && this.active.size < this.options.activeViewSize);
    if (tooFew && this.pending.size === 0 && now - this.lastLonelyAt >= this.options.connectTimeoutMs) {
      this.lastLonelyAt = now;
      this.out.emit({ type: 'lonely' });
    }
  }

  private shuffle(): void {
    const target = pickOne(this.env.random, this.neighbors());
    if (target === undefined) return;
    const own = this.sampleFor(target, this.options.shuffleSampleSize - 1);
    this.out.send(target, { t: 'shuffle', sample: [this.self, ...own] });
  }

  private sampleFor(exclude: PeerId, size: number): PeerId[] {
    const pool = [...this.active.keys(), ...this.passive].filter((p) => p !== exclude);
    return sample(this.env.random, pool, Math.min(size, this.options.shuffleSampleSize));
  }

  /** `trusted`: from the bootstrap service, which knows better than a death notice. */
  private addPassive(peers: readonly PeerId[], trusted = false): void {
    for (const peer of peers) {
      if (peer === this.self || this.active.has(peer) || this.gone.has(peer) || this.passive.includes(peer)) continue;
      if (!trusted && this.hooks.reportedGone?.(peer) === true) continue;
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

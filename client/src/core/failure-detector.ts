import { sample, type Env } from './env.ts';
import type { PeerId } from './ids.ts';
import type { Options } from './options.ts';
import type { Outbox } from './outbox.ts';
import type { MessageOf } from './wire.ts';

/** Lifeguard's local health multiplier never grows past this: timeouts stretch to 1 + 8 times. */
const MAX_HEALTH = 8;

interface Watch {
  /** Last time the neighbour was heard from (shifted forward by our own late ticks: time we slept does not count). */
  quietSince: number;
  /** Our outstanding probe, direct first, then through helpers. */
  probe: { n: number; sentAt: number; phase: 'direct' | 'indirect'; helpers: Set<PeerId>; nacked: Set<PeerId> } | undefined;
  suspectedAt: number | undefined;
  /** When a suspect was last pinged (each timeout it gets another chance to speak). */
  pingedAt: number;
  /** Another peer's death notice for it arrived: probed at once, and unanswered probes need no helpers. */
  noticed: boolean;
  /** Its link is being repaired (an ICE restart the peer takes part in): no verdict before this. */
  repairUntil: number;
}

/** What the detector asks of its membership. */
export interface FailureHooks {
  /** Our neighbours that are linked to `target` (by their gossiped entries): who can probe it for us. */
  helpersFor(target: PeerId): PeerId[];
  /** `peer` became a suspect, or stopped being one (a view change: stop or resume vouching for it). */
  suspicionChanged(peer: PeerId): void;
  /** `peer` stayed silent through probes, indirect probes and suspicion: declare it gone. */
  dead(peer: PeerId, now: number): void;
}

/**
 * Failure detection over the open links in the spirit of SWIM with Lifeguard (HashiCorp
 * memberlist), adapted to a partial view where each node watches only its own neighbours:
 * - a link that carried anything within pingIntervalMs needs no probe; of the quiet ones, the
 *   quietest gets one `ping` per probePeriodMs (plus any the transport doubts: ICE or the data
 *   channel said so), answered by `pong` from the message handler, so a tab whose timers are
 *   throttled (background) still answers in time;
 * - unanswered for probeTimeoutMs: `probe-req` to up to indirectProbes neighbours linked to the
 *   target, each pings it and answers `probe-ack` ok or not (Lifeguard's nack: the helper is alive,
 *   the target did not answer it);
 * - no ok within another probeTimeoutMs: the target is a suspect (no longer vouched for, a
 *   replacement link is dialled) and is pinged again; any message from it refutes the suspicion;
 * - a suspect silent for deadAfterMs is declared dead (a death notice spreads in the topology, whose
 *   entry version is the incarnation number: a live peer refutes the notice with a newer entry).
 *   Each new suspect is an event ('peer-suspected'): the driver restarts the link's ICE, and while
 *   the peer takes part in that (`repairing`) the verdict waits for the repair.
 * - a death notice from another peer for a neighbour (`noticed`): it is pinged at once; unanswered,
 *   it is suspected without indirect probes and dead one timeout later;
 * Local health (Lifeguard): a node whose own ticks run late (throttled or frozen timers) and that
 * heard nothing meanwhile shifts every deadline by the delay, so time it slept never counts against
 * its neighbours, and stretches its timeouts by 1 + health; health rises on such late ticks and
 * missing nacks, falls on answered probes. A late tick with messages in between is load, not sleep.
 */
export class FailureDetector {
  private readonly watched = new Map<PeerId, Watch>();
  /** Probes we make for others: our ping number -> who asked, their number, the target. */
  private readonly relayed = new Map<number, { requester: PeerId; n: number; target: PeerId; sentAt: number }>();
  private readonly doubted = new Set<PeerId>();
  private seq = 0;
  private health = 0;
  private nextRoundAt: number;
  /** A neighbour spoke since the previous round: we were awake, so a late round is load, not sleep. */
  private heardSinceRound = false;

  constructor(
    private readonly env: Env,
    private readonly options: Options,
    private readonly out: Outbox,
    private readonly hooks: FailureHooks,
  ) {
    this.nextRoundAt = env.now() + options.probePeriodMs;
  }

  watch(peer: PeerId, now: number): void {
    this.watched.set(peer, { quietSince: now, probe: undefined, suspectedAt: undefined, pingedAt: now, noticed: false, repairUntil: -Infinity });
  }

  unwatch(peer: PeerId): void {
    this.watched.delete(peer);
    this.doubted.delete(peer);
  }

  /** Any message from `peer` proves it alive: its probe is answered, a suspicion refuted. */
  heard(peer: PeerId, now: number): void {
    const watch = this.watched.get(peer);
    if (watch === undefined) return;
    this.heardSinceRound = true;
    if (watch.probe?.phase === 'direct' && now - watch.probe.sentAt < this.timeoutMs()) this.health = Math.max(0, this.health - 1);
    this.alive(peer, watch, now);
  }

  /**
   * Another peer's death notice names this neighbour. Evidence, not a verdict: ping it now rather
   * than in turn. If it answers, it stays (and its newer entry refutes the notice); if it does not,
   * the notice stands in for the indirect probes and shortens the suspicion (Lifeguard's suspicion
   * timeout shrinks with independent confirmations), so a link that is still open to a dead tab
   * does not keep it in our view long after the rest of the mesh dropped it.
   */
  noticed(peer: PeerId, now: number): void {
    const watch = this.watched.get(peer);
    if (watch === undefined || watch.noticed) return;
    watch.noticed = true;
    if (watch.probe === undefined && watch.suspectedAt === undefined) this.ping(peer, watch, now);
  }

  /** The transport doubts the link (ICE disconnected, channel closing): probe it now, not in turn. */
  doubt(peer: PeerId): void {
    if (this.watched.has(peer)) this.doubted.add(peer);
  }

  /**
   * `peer` proved alive off its link (its signals for an ICE restart came through the server) and
   * the link may stay silent for `graceMs` while it is repaired (the data channel resumes only
   * when its SCTP timer fires, seconds after the new path works): no verdict before then. A dead
   * peer sends no such signal, so its verdict comes as fast as ever.
   */
  repairing(peer: PeerId, now: number, graceMs: number): void {
    const watch = this.watched.get(peer);
    if (watch === undefined) return;
    this.alive(peer, watch, now);
    watch.repairUntil = Math.max(watch.repairUntil, now + graceMs);
  }

  suspected(peer: PeerId): boolean {
    return this.watched.get(peer)?.suspectedAt !== undefined;
  }

  /** A probe of ours is outstanding (a first doubt) or the peer is suspected. */
  doubtful(peer: PeerId): boolean {
    const watch = this.watched.get(peer);
    return watch !== undefined && (watch.probe !== undefined || watch.suspectedAt !== undefined);
  }

  suspects(): number {
    let count = 0;
    for (const watch of this.watched.values()) if (watch.suspectedAt !== undefined) count++;
    return count;
  }

  /** The local health multiplier (0 = healthy), for diagnostics and tests. */
  localHealth(): number {
    return this.health;
  }

  receive(from: PeerId, message: MessageOf<'pong' | 'probe-req' | 'probe-ack'>, now: number): void {
    switch (message.t) {
      case 'pong': {
        const relay = this.relayed.get(message.n);
        if (relay === undefined || relay.target !== from) return;
        this.relayed.delete(message.n);
        this.out.send(relay.requester, { t: 'probe-ack', n: relay.n, target: relay.target, ok: true });
        return;
      }
      case 'probe-req': {
        if (!this.watched.has(message.target)) {
          // Not linked to it: we cannot help, but say so at once (we are alive, the asker is not slow).
          this.out.send(from, { t: 'probe-ack', n: message.n, target: message.target, ok: false });
          return;
        }
        const n = ++this.seq;
        this.relayed.set(n, { requester: from, n: message.n, target: message.target, sentAt: now });
        this.out.send(message.target, { t: 'ping', n });
        return;
      }
      case 'probe-ack': {
        const watch = this.watched.get(message.target);
        const probe = watch?.probe;
        if (watch === undefined || probe === undefined || probe.n !== message.n || !probe.helpers.has(from)) return;
        if (message.ok) this.alive(message.target, watch, now);
        else probe.nacked.add(from);
        return;
      }
    }
  }

  tick(now: number): void {
    const lateMs = now - this.nextRoundAt;
    // A late round is our own sleep only if nobody got through meanwhile: under load ticks run late
    // while messages keep arriving, and shifting deadlines then would keep a dead neighbour forever.
    if (lateMs > 2 * this.options.probePeriodMs && !this.heardSinceRound) this.slept(lateMs, now);
    if (now < this.nextRoundAt) return;
    this.nextRoundAt = now + this.options.probePeriodMs;
    this.heardSinceRound = false;
    this.expireRelays(now);
    const timeout = this.timeoutMs();
    let quietest: [PeerId, Watch] | undefined;
    for (const entry of this.watched) {
      const [peer, watch] = entry;
      if (watch.suspectedAt !== undefined) this.suspectRound(peer, watch, now, timeout);
      else if (watch.probe !== undefined) this.probeRound(peer, watch, now, timeout);
      else if (this.doubted.has(peer)) this.ping(peer, watch, now);
      else if (now - watch.quietSince >= this.options.pingIntervalMs && (quietest === undefined || watch.quietSince < quietest[1].quietSince)) quietest = entry;
    }
    this.doubted.clear();
    if (quietest !== undefined) this.ping(quietest[0], quietest[1], now);
  }

  nextTickAt(): number {
    return this.nextRoundAt;
  }

  /**
   * The node's beat goes to `peer` now anyway: if it has been quiet for `quietMs` (less than
   * pingIntervalMs), its probe rides in the beat's batch instead of costing a message of its own later.
   */
  probeWithBeat(peer: PeerId, now: number, quietMs: number): void {
    const watch = this.watched.get(peer);
    if (watch === undefined || watch.probe !== undefined || watch.suspectedAt !== undefined || now - watch.quietSince < quietMs) return;
    this.ping(peer, watch, now);
  }

  private timeoutMs(): number {
    return this.options.probeTimeoutMs * (1 + this.health);
  }

  private alive(peer: PeerId, watch: Watch, now: number): void {
    watch.quietSince = now;
    watch.probe = undefined;
    watch.noticed = false;
    if (watch.suspectedAt === undefined) return;
    watch.suspectedAt = undefined;
    this.hooks.suspicionChanged(peer);
  }

  /**
   * Our own tick came `lateMs` late: our timers were throttled or the tab was frozen. What we did
   * not see meanwhile is our fault, not our neighbours': every deadline moves by the delay (answers
   * that arrived meanwhile may still sit in the event queue behind this tick).
   */
  private slept(lateMs: number, now: number): void {
    this.health = Math.min(MAX_HEALTH, this.health + 1);
    for (const watch of this.watched.values()) {
      watch.quietSince = Math.min(now, watch.quietSince + lateMs);
      if (watch.probe !== undefined) watch.probe.sentAt += lateMs;
      if (watch.suspectedAt !== undefined) watch.suspectedAt += lateMs;
      watch.repairUntil += lateMs;
      watch.pingedAt += lateMs;
    }
    for (const relay of this.relayed.values()) relay.sentAt += lateMs;
  }

  private ping(peer: PeerId, watch: Watch, now: number): void {
    const n = ++this.seq;
    watch.probe = { n, sentAt: now, phase: 'direct', helpers: new Set(), nacked: new Set() };
    this.out.send(peer, { t: 'ping', n });
  }

  private probeRound(peer: PeerId, watch: Watch, now: number, timeout: number): void {
    const probe = watch.probe;
    // Helpers answer at their own rounds: an indirect round gets one period more.
    if (probe === undefined || now - probe.sentAt < timeout + (probe.phase === 'indirect' ? this.options.probePeriodMs : 0)) return;
    if (probe.phase === 'direct' && !watch.noticed) {
      const helpers = sample(this.env.random, this.hooks.helpersFor(peer).filter((h) => h !== peer && this.watched.has(h)), this.options.indirectProbes);
      if (helpers.length > 0) {
        watch.probe = { n: probe.n, sentAt: now, phase: 'indirect', helpers: new Set(helpers), nacked: new Set() };
        for (const helper of helpers) this.out.send(helper, { t: 'probe-req', n: probe.n, target: peer });
        return;
      }
    } else if ([...probe.helpers].some((h) => !probe.nacked.has(h) && !this.doubtful(h))) {
      // A helper that did not even nack: the slow one may be us (Lifeguard), so wait longer from now on.
      // Not when that helper is itself unanswered (two tabs crashed together): it is dead, not us slow.
      this.health = Math.min(MAX_HEALTH, this.health + 1);
    }
    watch.probe = undefined;
    watch.suspectedAt = now;
    this.hooks.suspicionChanged(peer);
    this.out.emit({ type: 'peer-suspected', peer });
    // The suspect gets another chance to speak (any message refutes), pinged every timeout.
    watch.pingedAt = now;
    this.out.send(peer, { t: 'ping', n: ++this.seq });
  }

  private suspectRound(peer: PeerId, watch: Watch, now: number, timeout: number): void {
    // Confirmed by a death notice: one more timeout to answer, not the whole deadAfterMs.
    const confirmed = watch.noticed && now - (watch.suspectedAt ?? now) >= timeout;
    const due = confirmed || now - watch.quietSince >= this.options.deadAfterMs * (1 + this.health);
    if (due && now >= watch.repairUntil) {
      this.hooks.dead(peer, now);
      return;
    }
    if (now - watch.pingedAt >= timeout) {
      watch.pingedAt = now;
      this.out.send(peer, { t: 'ping', n: ++this.seq });
    }
  }

  /** A relayed probe whose target never answered: nack it, so the asker knows we tried. */
  private expireRelays(now: number): void {
    const timeout = this.options.probeTimeoutMs;
    for (const [n, relay] of this.relayed) {
      if (now - relay.sentAt < timeout) continue;
      this.relayed.delete(n);
      this.out.send(relay.requester, { t: 'probe-ack', n: relay.n, target: relay.target, ok: false });
    }
  }
}

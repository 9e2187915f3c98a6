import { sample, type Env } from './env.ts';
import type { PeerId } from './ids.ts';
import type { Options } from './options.ts';
import type { Outbox } from './outbox.ts';
import type { MessageOf } from './wire.ts';

/** Lifeguard's local health multiplier never grows past this: timeouts stretch to 1 + 8 times. */
const MAX_HEALTH = 8;
/** Our own lateness is remembered with this decay per round (about 5 s to forget a late burst). */
const LAG_DECAY = 0.9;
/** The most lateness we report (a tab that woke from a long freeze is not given minutes). */
const MAX_REPORTED_LAG_MS = 60_000;
/** A node whose rounds run late tells each neighbour so at least this often (a busy link carries no pings). */
const LAG_TELL_MS = 5000;

interface Watch {
  readonly peer: PeerId;
  /** Last time the neighbour was heard from (shifted forward by our own late ticks: time we slept does not count). */
  quietSince: number;
  /** Our outstanding probe, direct first, then through helpers. */
  probe: { n: number; sentAt: number; phase: 'direct' | 'indirect'; helpers: ReadonlySet<PeerId>; nacked: Set<PeerId> | undefined } | undefined;
  suspectedAt: number | undefined;
  /** When a suspect was last pinged (each timeout it gets another chance to speak). */
  pingedAt: number;
  /** Another peer's death notice for it arrived: probed at once, and unanswered probes need no helpers. */
  noticed: boolean;
  /** Our first ping it has not answered yet (cleared by any message from it). */
  unansweredSince: number | undefined;
  /** How late its own rounds run, as its last pong said (0: on time): a background tab's answers queue behind long batched rounds. */
  lagMs: number;
  /** When our own lag last went to it in a ping or pong. */
  toldLagAt: number;
  /** Its link is being repaired (an ICE restart the peer takes part in): no verdict before this. */
  repairUntil: number;
}

const NO_HELPERS: ReadonlySet<PeerId> = new Set(); // a direct probe's: one shared set (pings are frequent)

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
 * - a suspect silent for deadAfterMs is declared dead, in the round its deadline passes (a death
 *   notice spreads in the topology, whose entry version is the incarnation number: a live peer
 *   refutes the notice with a newer entry);
 * - a death notice from another peer for a neighbour (`noticed`) is a confirmation (Lifeguard):
 *   a suspect is dead at once, in a round held right away; a neighbour not yet suspected is pinged
 *   at once and dead when that ping goes two timeouts unanswered. So the first verdict brings in
 *   every other neighbour of a crashed tab within a round, instead of each waiting out its own;
 * - a node whose own rounds run late (timers throttled, as in a background tab) says by how much
 *   in its pings and pongs (to every neighbour every LAG_TELL_MS): its answers come from the
 *   message handler, but queue behind its long batched rounds. Its neighbours add that lag to
 *   their probe timeouts and twice it to the verdict's deadline (at most deadAfterMs more), so a
 *   background tab that stalls a few seconds is kept, while tabs on time keep the short deadline;
 * - each new suspect is an event ('peer-suspected'): the driver restarts the link's ICE, and while
 *   the peer takes part in that (`repairing`) no verdict is given until the repair had its time;
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
  /** How late our own rounds run lately (decaying max): what our pongs report when it is large. */
  private lagMs = 0;
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
    this.watched.set(peer, { peer, quietSince: now, probe: undefined, suspectedAt: undefined, pingedAt: now, noticed: false, unansweredSince: undefined, lagMs: 0, toldLagAt: -Infinity, repairUntil: -Infinity });
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
    // Its verdict may be due already (our own probes went unanswered): decide now, not a round later.
    this.nextRoundAt = Math.min(this.nextRoundAt, now);
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

  /**
   * What our pongs say about us: how late our rounds run, when it is two periods or more (timers
   * throttled, as in a background tab), else 0. Our answers come from the message handler, but
   * they queue behind our long batched rounds: neighbours give us that much longer.
   */
  reportedLagMs(): number {
    return this.lagMs >= 2 * this.options.probePeriodMs ? Math.round(Math.min(this.lagMs, MAX_REPORTED_LAG_MS)) : 0;
  }

  /** The lag to put in a ping or pong to `peer` (0: none), noting that it was told. */
  lagToTell(peer: PeerId, now: number): number {
    const lag = this.reportedLagMs();
    const watch = this.watched.get(peer);
    if (lag > 0 && watch !== undefined) watch.toldLagAt = now;
    return lag;
  }

  /** A ping or pong from `peer` said how late its rounds run (0: on time). */
  lagReported(peer: PeerId, lagMs: number): void {
    const watch = this.watched.get(peer);
    if (watch !== undefined) watch.lagMs = lagMs;
  }

  receive(from: PeerId, message: MessageOf<'pong' | 'probe-req' | 'probe-ack'>, now: number): void {
    switch (message.t) {
      case 'pong': {
        this.lagReported(from, message.lag ?? 0);
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
        else (probe.nacked ??= new Set()).add(from);
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
    this.lagMs = Math.max(now - this.nextRoundAt, this.lagMs * LAG_DECAY);
    this.nextRoundAt = now + this.options.probePeriodMs;
    this.heardSinceRound = false;
    this.expireRelays(now);
    let quietest: Watch | undefined;
    // Values, not [peer, watch] entries: an entry is an array allocated per neighbour per round.
    for (const watch of this.watched.values()) {
      const peer = watch.peer;
      const timeout = this.timeoutFor(watch);
      if (watch.suspectedAt === undefined && watch.probe !== undefined) this.probeRound(peer, watch, now, timeout);
      // The verdict in the same round as the suspicion when its deadline passed already: no round's delay.
      if (this.verdictDue(watch, now)) this.hooks.dead(peer, now);
      else if (watch.suspectedAt !== undefined) this.suspectRound(peer, watch, now, timeout);
      else if (watch.probe !== undefined) continue;
      else if (this.doubted.has(peer)) this.ping(peer, watch, now);
      else if (now - watch.quietSince >= this.options.pingIntervalMs && (quietest === undefined || watch.quietSince < quietest.quietSince)) quietest = watch;
    }
    if (this.doubted.size > 0) this.doubted.clear(); // clear() allocates a fresh table even when empty
    if (quietest !== undefined) this.ping(quietest.peer, quietest, now);
    if (this.reportedLagMs() > 0) this.tellLag(now);
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

  /** A probe's wait for this peer: ours stretched by local health, plus the lateness it reports. */
  private timeoutFor(watch: Watch): number {
    return this.timeoutMs() + this.lagOf(watch);
  }

  /** A peer that reports late rounds gets twice that much more silence before the verdict (at most deadAfterMs more). */
  private graceFor(watch: Watch): number {
    return 2 * this.lagOf(watch);
  }

  /** The lag a peer reported, counted up to half of deadAfterMs (one that slept for minutes is not waited for as long). */
  private lagOf(watch: Watch): number {
    return Math.min(watch.lagMs, this.options.deadAfterMs / 2);
  }

  /**
   * Dead: a suspect silent for deadAfterMs (local health and its lag stretch it), or, with another
   * peer's death notice for it, at once if we suspect it too (a probe timeout unanswered and the
   * notice agree: Lifeguard's confirmations), else once our ping went two timeouts unanswered.
   * A peer that reports late rounds keeps its grace in every case.
   */
  private verdictDue(watch: Watch, now: number): boolean {
    if (now < watch.repairUntil) return false;
    const grace = this.graceFor(watch);
    const suspected = watch.suspectedAt !== undefined;
    if (suspected && now - watch.quietSince >= this.options.deadAfterMs * (1 + this.health) + grace) return true;
    return watch.noticed && watch.unansweredSince !== undefined && now - watch.unansweredSince >= (suspected ? 1 : 2) * this.timeoutFor(watch) + grace;
  }

  private alive(peer: PeerId, watch: Watch, now: number): void {
    watch.quietSince = now;
    watch.probe = undefined;
    watch.noticed = false;
    watch.unansweredSince = undefined;
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
      if (watch.unansweredSince !== undefined) watch.unansweredSince = Math.min(now, watch.unansweredSince + lateMs);
      watch.repairUntil += lateMs;
      watch.pingedAt += lateMs;
    }
    for (const relay of this.relayed.values()) relay.sentAt += lateMs;
  }

  private ping(peer: PeerId, watch: Watch, now: number): void {
    const message = this.pingMessage(peer, now);
    watch.probe = { n: message.n, sentAt: now, phase: 'direct', helpers: NO_HELPERS, nacked: undefined };
    watch.unansweredSince ??= now;
    this.out.send(peer, message);
  }

  private pingMessage(peer: PeerId, now: number): MessageOf<'ping'> {
    const n = ++this.seq;
    const lag = this.lagToTell(peer, now);
    return lag > 0 ? { t: 'ping', n, lag } : { t: 'ping', n };
  }

  /** Our rounds run late: neighbours not told so lately get a ping that says it (on a busy link nobody pings). */
  private tellLag(now: number): void {
    for (const [peer, watch] of this.watched) {
      if (watch.probe === undefined && watch.suspectedAt === undefined && now - watch.toldLagAt >= LAG_TELL_MS) this.ping(peer, watch, now);
    }
  }

  private probeRound(peer: PeerId, watch: Watch, now: number, timeout: number): void {
    const probe = watch.probe;
    // Helpers answer at their own rounds: an indirect round gets one period more.
    if (probe === undefined || now - probe.sentAt < timeout + (probe.phase === 'indirect' ? this.options.probePeriodMs : 0)) return;
    if (probe.phase === 'direct' && !watch.noticed) {
      const helpers = sample(this.env.random, this.hooks.helpersFor(peer).filter((h) => h !== peer && this.watched.has(h)), this.options.indirectProbes);
      if (helpers.length > 0) {
        watch.probe = { n: probe.n, sentAt: now, phase: 'indirect', helpers: new Set(helpers), nacked: undefined };
        for (const helper of helpers) this.out.send(helper, { t: 'probe-req', n: probe.n, target: peer });
        return;
      }
    } else if ([...probe.helpers].some((h) => probe.nacked?.has(h) !== true && (this.watched.get(h)?.quietSince ?? -Infinity) > probe.sentAt)) {
      // A helper that did not even nack: the slow one may be us (Lifeguard), so wait longer from now on.
      // Only one we heard from since we asked: one silent since (two tabs crashed together, even
      // before our own probe of it started) is dead, not us slow.
      this.health = Math.min(MAX_HEALTH, this.health + 1);
    }
    watch.probe = undefined;
    watch.suspectedAt = now;
    this.hooks.suspicionChanged(peer);
    this.out.emit({ type: 'peer-suspected', peer });
    // The suspect gets another chance to speak (any message refutes), pinged every timeout.
    watch.pingedAt = now;
    this.out.send(peer, this.pingMessage(peer, now));
  }

  /** A suspect not yet due its verdict is pinged again every timeout. */
  private suspectRound(peer: PeerId, watch: Watch, now: number, timeout: number): void {
    if (now - watch.pingedAt >= timeout) {
      watch.pingedAt = now;
      this.out.send(peer, this.pingMessage(peer, now));
    }
  }

  /** A relayed probe whose target never answered: nack it, so the asker knows we tried. */
  private expireRelays(now: number): void {
    if (this.relayed.size === 0) return; // every round: no iterator for an empty map
    for (const [n, relay] of this.relayed) {
      // A target that reports late rounds gets its lag more from us too.
      const target = this.watched.get(relay.target);
      if (now - relay.sentAt < this.options.probeTimeoutMs + (target === undefined ? 0 : this.lagOf(target))) continue;
      this.relayed.delete(n);
      this.out.send(relay.requester, { t: 'probe-ack', n: relay.n, target: relay.target, ok: false });
    }
  }
}

import SimplePeer from 'simple-peer';
import type { PeerId } from '../core/ids.ts';
import { signalDataSchema, type SignalData } from '../core/wire.ts';
import { EarlySignals } from './early-signals.ts';
import { IceRestart, sdpSessionId } from './ice-restart.ts';
import { LinkIo, type DataLimits } from './link-io.ts';
import { describe, newLink, type Link, type Role } from './link.ts';
import type { Lane } from './send-queue.ts';
import { transportSettings } from './transport-settings.ts';
import { countLinkOpened, transportStats, zeroTransportCounters, type SignalPath, type TransportStats, type WebRtcTransportOptions } from './webrtc-contract.ts';

/**
 * WebRTC links for one peer: one simple-peer connection (one data channel) per neighbour.
 *
 * Who initiates: always the LOWER peer id (plain string order), so two peers never both send an
 * offer (no glare). When the node asks for a link to a lower id, this side sends `{type:'knock'}`
 * and waits for the lower id's offer. At most one link per peer id exists at any time:
 * - a knock to a peer that is already connecting or freshly open is ignored;
 * - an offer always starts a fresh attempt: it upgrades our knock, or replaces an older link
 *   (the initiator only offers again when its side of the old link is gone);
 * - offers from a higher id and knocks to a higher id break the rule and are dropped and counted.
 *
 * Signals leave through `sendSignal` (the driver picks the mesh or the signaling server) and
 * arrive through `handleSignal` (from either). Messages are JSON text; what arrives is passed on
 * (string or bytes) for the core to parse, after a size check and the reassembly of chunked
 * messages (link-io.ts). Sends never throw: they wait in the link's bounded two-lane queue while
 * the channel's buffer is full, and are dropped and counted only with no open link or a full
 * queue. A link that does not open within `connectTimeoutMs` is destroyed; an open link whose
 * ICE falters is restarted once (ice-restart.ts) before it is given up.
 */

export type { SignalPath, TransportStats, WebRtcTransportOptions } from './webrtc-contract.ts';

/** A knock for a link open at least this long means the knocker lost its side: replace the link. */
const KNOCK_REPLACES_OPEN_LINK_AFTER_MS = 5_000;

export class WebRtcTransport {
  private readonly links = new Map<PeerId, Link>();
  /** Signals from a would-be initiator that arrived before its offer (responder side). */
  private readonly early: EarlySignals;
  private iceServers: RTCIceServer[];
  private readonly connectTimeoutMs: number;
  private readonly answerTimeoutMs: number;
  private readonly limits: DataLimits;
  private readonly iceRestartAfterMs: number;
  private readonly iceRestartTimeoutMs: number;
  private readonly counters = zeroTransportCounters();
  private lastError: string | null = null;
  private joinedVia: SignalPath | null = null;
  private destroyed = false;

  constructor(private readonly options: WebRtcTransportOptions) {
    const settings = transportSettings(options);
    this.iceServers = settings.iceServers;
    this.connectTimeoutMs = settings.connectTimeoutMs;
    this.answerTimeoutMs = settings.answerTimeoutMs;
    this.limits = settings.limits;
    this.iceRestartAfterMs = settings.iceRestartAfterMs;
    this.iceRestartTimeoutMs = settings.iceRestartTimeoutMs;
    this.early = new EarlySignals(this.connectTimeoutMs);
  }

  /** Asks for a link to `peer`; answered later by onLinkUp or onLinkDown (never synchronously). */
  connect(peer: PeerId): void {
    if (this.destroyed || peer === this.options.self) return;
    const link = this.links.get(peer);
    if (link !== undefined) {
      // Already there or on its way; an open link is confirmed again for whoever asked.
      if (link.open) queueMicrotask(() => this.links.get(peer) === link && link.open && this.options.onLinkUp(peer));
      return;
    }
    if (this.options.self < peer) {
      this.startInitiator(peer);
      return;
    }
    const knocking = this.addLink(peer, 'knocking');
    if (this.emitSignal(knocking, { type: 'knock' }) === null) {
      queueMicrotask(() => this.close(knocking, true, 'no path for the knock'));
    }
  }

  /** Closes the link to `peer` (the node decided); not reported back through onLinkDown. */
  disconnect(peer: PeerId): void {
    const link = this.links.get(peer);
    if (link !== undefined) this.close(link, false, null);
  }

  /**
   * Queues one message on the open link to `peer` (control traffic before bulk); false (and
   * counted) with no open link, a message over `maxMessageBytes`, or a full queue.
   */
  send(peer: PeerId, text: string, lane: Lane = 'control'): boolean {
    const io = this.links.get(peer)?.io;
    if (io === null || io === undefined) {
      this.counters.sendsDropped++;
      return false;
    }
    return io.send(text, lane);
  }

  /** A signal for us, relayed by the server or through the mesh (already validated). */
  handleSignal(from: PeerId, data: SignalData, via: SignalPath): void {
    if (this.destroyed) return;
    const self = this.options.self;
    if (from === self) return this.dropSignal(`signal from ourselves via ${via}`);
    this.counters.signalsReceived++;
    const link = this.links.get(from);
    if (link !== undefined) {
      link.answered = true;
      clearTimeout(link.answerTimer);
      link.ice?.signalled();
    }
    switch (data.type) {
      case 'knock': {
        if (!(self < from)) return this.dropSignal(`knock from lower id ${from}`);
        if (link === undefined) {
          this.startInitiator(from);
        } else if (link.open && now() - link.openedAt >= KNOCK_REPLACES_OPEN_LINK_AFTER_MS) {
          // The knocker has no link to us any more, so ours is a dead end: start over.
          this.close(link, true, null);
          this.startInitiator(from);
        }
        // Otherwise our offer is on its way or the link just opened: nothing to do.
        return;
      }
      case 'offer': {
        if (!(from < self)) return this.dropSignal(`offer from higher id ${from}`);
        if (link?.role === 'responder' && link.open && link.remoteSession !== null && link.remoteSession === sdpSessionId(data.sdp)) {
          // The same session renegotiated: the initiator restarts ICE on this link.
          link.ice?.start(false);
          this.signalInstance(link, data);
          return;
        }
        let responder: Link;
        if (link !== undefined && link.role === 'knocking' && link.instance === null) {
          responder = link;
          responder.role = 'responder';
        } else {
          if (link !== undefined) this.close(link, link.open, null);
          responder = this.addLink(from, 'responder');
        }
        responder.offerVia = via;
        responder.remoteSession = sdpSessionId(data.sdp);
        responder.instance = this.createInstance(responder, false);
        this.signalInstance(responder, data);
        for (const signal of this.early.take(from)) this.signalInstance(responder, signal);
        return;
      }
      case 'renegotiate': {
        // The responder saw ICE falter and asks us, the initiator, to restart it.
        if (link?.role === 'initiator' && link.open && link.ice !== null) link.ice.start();
        else this.dropSignal(`unexpected renegotiate from ${from} via ${via}`);
        return;
      }
      default: {
        if (link?.instance !== null && link?.instance !== undefined) {
          this.signalInstance(link, data);
        } else if (from < self && data.type === 'candidate') {
          if (!this.early.keep(from, data, now())) this.dropSignal(`too many early signals from ${from}`);
        } else {
          this.dropSignal(`unexpected ${data.type} from ${from} via ${via}`);
        }
      }
    }
  }

  /** The node stopped hearing from `peer`: restart ICE on the open link now (ICE notices seconds later). */
  restartIce(peer: PeerId): void {
    this.links.get(peer)?.ice?.start();
  }

  /** STUN/TURN servers for links made from now on (e.g. handed out by the signaling server at join). */
  setIceServers(servers: readonly RTCIceServer[]): void {
    this.iceServers = servers.map((s) => ({ ...s }));
  }

  /** The URLs of the ICE servers new links use (no credentials). */
  iceServerUrls(): string[] {
    return this.iceServers.flatMap((s) => (typeof s.urls === 'string' ? [s.urls] : [...s.urls]));
  }

  /** Peers with an open link. */
  openPeers(): PeerId[] {
    return [...this.links.values()].filter((l) => l.open).map((l) => l.peer);
  }

  stats(): TransportStats {
    return transportStats(this.counters, this.links.values(), this.joinedVia, this.lastError);
  }

  // ---- links signalled by hand (invites, transport/invite.ts) -------------------------------

  /**
   * Starts a link whose offer (with every ICE candidate, no trickle) is handed back instead of
   * sent: `token` names it until the answer says who took it. It waits `timeoutMs` for that.
   */
  offerByHand(token: PeerId, timeoutMs: number): Promise<SignalData> {
    return this.linkByHand(token, timeoutMs, null);
  }

  /** Answers an offer made by hand: resolves with the answer to hand back. */
  answerByHand(from: PeerId, offer: SignalData, timeoutMs: number): Promise<SignalData> {
    return this.linkByHand(from, timeoutMs, offer);
  }

  /** The answer to an offer made by hand arrived: the link now belongs to `peer`. */
  completeByHand(token: PeerId, peer: PeerId, answer: SignalData): void {
    const link = this.links.get(token);
    if (link === undefined || link.handSignal === null) throw new Error(`no open invite ${token}`);
    if (this.links.has(peer)) throw new Error(`a link to ${peer} exists already`);
    this.links.delete(token);
    link.peer = peer;
    link.handSignal = null;
    this.links.set(peer, link);
    this.signalInstance(link, answer);
  }

  /** Closes every link (nothing reported) and refuses new ones. */
  destroy(): void {
    this.destroyed = true;
    for (const link of [...this.links.values()]) this.close(link, false, null);
    this.early.clear();
  }

  // ---- internals ----------------------------------------------------------------------------

  /** A link whose one complete signal (ICE gathered, no trickle) goes to the caller: the offer, or with `offer` given, the answer. */
  private linkByHand(peer: PeerId, timeoutMs: number, offer: SignalData | null): Promise<SignalData> {
    return new Promise((resolve, reject) => {
      if (this.destroyed || this.links.has(peer)) return reject(new Error(`a link to ${peer} exists already`));
      const link = this.addLink(peer, offer === null ? 'initiator' : 'responder', timeoutMs);
      link.offerVia = 'invite';
      link.handSignal = resolve;
      link.instance = this.createInstance(link, offer === null, false);
      if (offer !== null) this.signalInstance(link, offer);
    });
  }

  private addLink(peer: PeerId, role: Role, timeoutMs = this.connectTimeoutMs): Link {
    const link = newLink(peer, role);
    link.timer = setTimeout(() => {
      if (link.open || link.closed) return;
      this.counters.linkTimeouts++;
      this.close(link, true, `link to ${link.peer} did not open within ${timeoutMs} ms (${link.role})`);
    }, timeoutMs);
    this.links.set(peer, link);
    return link;
  }

  private startInitiator(peer: PeerId): void {
    const link = this.addLink(peer, 'initiator');
    link.instance = this.createInstance(link, true);
  }

  private createInstance(link: Link, initiator: boolean, trickle = true): SimplePeer.Instance {
    const options: SimplePeer.Options = {
      initiator,
      trickle,
      // One 'data' event per channel message, strings kept as strings.
      objectMode: true,
      config: {
        iceServers: this.iceServers,
        ...(this.options.iceTransportPolicy !== undefined ? { iceTransportPolicy: this.options.iceTransportPolicy } : {}),
      },
      offerOptions: link.offerOptions,
      ...(this.options.wrtc !== undefined ? { wrtc: this.options.wrtc } : {}),
    };
    const instance = this.options.createPeer?.(options, link.peer) ?? new SimplePeer(options);
    const current = (): boolean => this.links.get(link.peer) === link && !link.closed;
    instance.on('signal', (raw: unknown) => {
      if (!current()) return;
      const parsed = signalDataSchema.safeParse(raw);
      if (!parsed.success) {
        this.dropSignal(`unsendable signal for ${link.peer}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
        return;
      }
      if (link.handSignal !== null) {
        link.handSignal(parsed.data);
        return;
      }
      const restarting = link.ice?.inProgress === true;
      // One offer with fresh ICE credentials per restart.
      if (parsed.data.type === 'offer') delete link.offerOptions.iceRestart;
      const via = this.emitSignal(link, parsed.data, restarting ? 'restart' : 'setup');
      if (via === null) {
        this.close(link, true, `no path for a signal to ${link.peer}`);
        return;
      }
      if (parsed.data.type === 'offer' && !restarting) link.offerVia = via;
    });
    instance.on('connect', () => {
      if (!current() || link.open) return;
      link.open = true;
      link.openedAt = now();
      clearTimeout(link.timer);
      link.io = new LinkIo(
        instance,
        this.limits,
        this.counters,
        (why) => {
          this.counters.linksCutForFraming++;
          this.close(link, true, `link to ${link.peer} cut: ${why}`);
        },
        (error) => (this.lastError = `send to ${link.peer}: ${describe(error)}`),
        onFrame,
      );
      link.ice = new IceRestart(this.iceRestartAfterMs, this.iceRestartTimeoutMs, this.counters, {
        begin: () => this.beginIceRestart(link),
        peerAlive: (graceMs) => this.options.onPeerAlive?.(link.peer, graceMs),
        giveUp: (why) => this.close(link, true, `link to ${link.peer}: ${why}`),
      });
      countLinkOpened(this.counters, link.offerVia);
      this.joinedVia ??= link.offerVia;
      this.options.onLinkUp(link.peer);
    });
    const onFrame = (chunk: unknown): void => {
      if (!current() || link.io === null) return;
      link.ice?.heard();
      const data = link.io.receive(chunk);
      if (data !== null) this.options.onData(link.peer, data);
    };
    instance.on('data', onFrame);
    instance.on('error', (error: unknown) => {
      this.counters.linkErrors++;
      this.close(link, true, `link to ${link.peer}: ${describe(error)}`);
    });
    instance.on('close', () => this.close(link, true, null));
    // 'failed' and 'closed' end the link (simple-peer destroys it); 'disconnected' is the early
    // doubt, and if it lasts, the cue for an ICE restart.
    instance.on('iceStateChange', (ice: unknown) => {
      if (!current() || !link.open || typeof ice !== 'string') return;
      if (ice === 'disconnected') this.options.onLinkDoubt?.(link.peer);
      link.ice?.iceState(ice);
    });
    return instance;
  }

  private signalInstance(link: Link, data: SignalData): void {
    try {
      // The core's schema is simple-peer's signal format (knock aside, which never gets here); as
      // JSON text, which signal() parses, since its types want an RTCIceCandidate instance.
      link.instance?.signal(JSON.stringify(data));
    } catch (error: unknown) {
      this.close(link, true, `signal to link ${link.peer}: ${describe(error)}`);
    }
  }

  /** Initiator: one offer with iceRestart (simple-peer renegotiates on its own 'renegotiate'); responder: ask for it. */
  private beginIceRestart(link: Link): void {
    if (link.role === 'initiator') {
      link.offerOptions.iceRestart = true;
      this.signalInstance(link, { type: 'renegotiate', renegotiate: true });
    } else if (this.emitSignal(link, { type: 'renegotiate', renegotiate: true }, 'restart') === null) {
      this.lastError = `no path to ask ${link.peer} for an ICE restart`;
    }
  }

  private emitSignal(link: Link, data: SignalData, purpose: 'setup' | 'restart' = 'setup'): SignalPath | null {
    const via = this.options.sendSignal(link.peer, data, purpose);
    if (via === null) this.counters.signalsDropped++;
    else this.counters.signalsSent++;
    // Our first offer or knock starts the wait for an answer (a responder is answering already).
    if (via !== null && link.role !== 'responder' && !link.answered && link.answerTimer === undefined) {
      link.answerTimer = setTimeout(() => {
        if (link.answered || link.open || link.closed) return;
        this.counters.linksUnanswered++;
        this.close(link, true, `no answer from ${link.peer} within ${this.answerTimeoutMs} ms (${link.role})`);
      }, this.answerTimeoutMs);
    }
    return via;
  }

  private dropSignal(why: string): void {
    this.counters.signalsDropped++;
    this.lastError = why;
  }

  /** Ends a link once; `report` tells the node (onLinkDown) unless it asked for this itself. */
  private close(link: Link, report: boolean, why: string | null): void {
    if (link.closed) return;
    link.closed = true;
    clearTimeout(link.timer);
    clearTimeout(link.answerTimer);
    if (link.ice?.inProgress === true) this.counters.iceRestartsFailed++;
    link.ice?.close();
    link.io?.close();
    if (why !== null) this.lastError = why;
    if (this.links.get(link.peer) === link) this.links.delete(link.peer);
    const instance = link.instance;
    link.instance = null;
    try {
      instance?.destroy();
    } catch (error: unknown) {
      this.lastError = `destroying link to ${link.peer}: ${describe(error)}`;
    }
    if (report && !this.destroyed) this.options.onLinkDown(link.peer);
  }
}

const now = (): number => performance.now();

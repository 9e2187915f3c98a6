import type { TransportCounters } from './webrtc-contract.ts';

/**
 * ICE restart of one open link, once per failure: when ICE stays 'disconnected' past `afterMs`,
 * or the peer or the node asks (the node hears the silence first), `begin` renegotiates with
 * fresh ICE credentials through the signaling path; ICE 'connected' again, or data over the link,
 * within `timeoutMs` is a recovery, else `giveUp` closes the link and the node replaces it. After
 * a recovery a later failure may restart again (from timeoutMs after the last start). While the
 * peer takes part (its restart signals come through the server) the node is told it is alive
 * and given until the restart's end, so it does not give up a link that is being repaired.
 *
 * 'failed' is not waited for: simple-peer destroys the connection on 'failed', so the restart
 * must begin while ICE is still 'disconnected' (consent checks unanswered for a few seconds).
 */
export interface IceRestartHooks {
  /** Renegotiate with iceRestart (initiator), or ask the initiator to (responder). */
  begin(): void;
  /** The peer signalled for the restart: alive, so the node should wait `graceMs` for the link. */
  peerAlive(graceMs: number): void;
  /** The restart did not bring the link back. */
  giveUp(why: string): void;
}

export class IceRestart {
  private doubtTimer: ReturnType<typeof setTimeout> | undefined;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private restarting = false;
  /** Set for timeoutMs from a restart's start: one restart per failure (see start). */
  private window: ReturnType<typeof setTimeout> | undefined;
  private done = false;
  /** The last ICE connection state seen: the link opened 'connected'. */
  private state = 'connected';

  constructor(
    private readonly afterMs: number,
    private readonly timeoutMs: number,
    private readonly counters: TransportCounters,
    private readonly hooks: IceRestartHooks,
  ) {}

  get inProgress(): boolean {
    return this.restarting;
  }

  /**
   * The connection's ICE state, as simple-peer reports it (only while the link is open). It also
   * reports on every ICE gathering change, with the connection state unchanged: a restart's own
   * gathering repeats 'connected', which is not a recovery, so only changes count.
   */
  iceState(state: string): void {
    if (this.done || state === this.state) return;
    this.state = state;
    if (state === 'disconnected') {
      this.doubtTimer ??= setTimeout(() => {
        this.doubtTimer = undefined;
        this.start();
      }, this.afterMs);
    } else if (state === 'connected' || state === 'completed') {
      clearTimeout(this.doubtTimer);
      this.doubtTimer = undefined;
      this.recovered();
    }
  }

  /**
   * The link carried data. During a restart that is a recovery too: a restart begun before the
   * browser noticed the outage (the node asked) may never leave 'connected' (Chromium keeps it).
   */
  heard(): void {
    if (!this.done) this.recovered();
  }

  private recovered(): void {
    if (!this.restarting) return;
    this.restarting = false;
    clearTimeout(this.restartTimer);
    this.counters.iceRestartsRecovered++;
  }

  /** A signal from the peer arrived: during a restart, proof that it is alive and taking part. */
  signalled(): void {
    if (this.restarting) this.hooks.peerAlive(this.timeoutMs);
  }

  /**
   * Starts a restart now unless one began less than timeoutMs ago: after a recovery the data
   * channel's SCTP resends only when its backed-off timer fires (seconds in Chromium), and a
   * second restart would not make it sooner. `begin` false: the peer began it (its restart offer
   * came), so there is nothing to send.
   */
  start(begin = true): void {
    if (this.done || this.window !== undefined) return;
    clearTimeout(this.doubtTimer);
    this.doubtTimer = undefined;
    this.window = setTimeout(() => (this.window = undefined), this.timeoutMs);
    this.restarting = true;
    this.counters.iceRestarts++;
    this.restartTimer = setTimeout(() => {
      if (!this.restarting) return;
      this.counters.iceRestartsFailed++;
      this.close();
      this.hooks.giveUp(`ICE restart did not reconnect within ${this.timeoutMs} ms`);
    }, this.timeoutMs);
    if (begin) this.hooks.begin();
    else this.hooks.peerAlive(this.timeoutMs);
  }

  close(): void {
    this.done = true;
    this.restarting = false;
    clearTimeout(this.doubtTimer);
    clearTimeout(this.restartTimer);
    clearTimeout(this.window);
  }
}

/** The o= line's session id: a renegotiation keeps it, a new connection's offer has a new one (RFC 3264 §5). */
export function sdpSessionId(sdp: string): string | null {
  return /^o=\S+ (\S+) /m.exec(sdp)?.[1] ?? null;
}

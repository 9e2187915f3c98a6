import type { TransportCounters } from './webrtc-contract.ts';

/**
 * ICE restart of one open link, once per failure: when ICE stays 'disconnected' past `afterMs`
 * (or the peer asks), `begin` renegotiates with fresh ICE credentials through the signaling path;
 * ICE 'connected' again within `timeoutMs` is a recovery, else `giveUp` closes the link and the
 * node replaces it. After a recovery a later failure may restart again.
 *
 * 'failed' is not waited for: simple-peer destroys the connection on 'failed', so the restart
 * must begin while ICE is still 'disconnected' (consent checks unanswered for a few seconds).
 */
export interface IceRestartHooks {
  /** Renegotiate with iceRestart (initiator), or ask the initiator to (responder). */
  begin(): void;
  /** The restart did not bring the link back. */
  giveUp(why: string): void;
}

export class IceRestart {
  private doubtTimer: ReturnType<typeof setTimeout> | undefined;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private restarting = false;
  private done = false;

  constructor(
    private readonly afterMs: number,
    private readonly timeoutMs: number,
    private readonly counters: TransportCounters,
    private readonly hooks: IceRestartHooks,
  ) {}

  get inProgress(): boolean {
    return this.restarting;
  }

  /** The connection's ICE state changed (only while the link is open). */
  iceState(state: string): void {
    if (this.done) return;
    if (state === 'disconnected') {
      this.doubtTimer ??= setTimeout(() => {
        this.doubtTimer = undefined;
        this.start();
      }, this.afterMs);
    } else if (state === 'connected' || state === 'completed') {
      clearTimeout(this.doubtTimer);
      this.doubtTimer = undefined;
      if (!this.restarting) return;
      this.restarting = false;
      clearTimeout(this.restartTimer);
      this.counters.iceRestartsRecovered++;
    }
  }

  /**
   * Starts a restart now unless one is under way; false when none can be (the link is ending).
   * `begin` false: the peer began it (its restart offer came), so there is nothing to send.
   */
  start(begin = true): boolean {
    if (this.done) return false;
    if (this.restarting) return true;
    clearTimeout(this.doubtTimer);
    this.doubtTimer = undefined;
    this.restarting = true;
    this.counters.iceRestarts++;
    this.restartTimer = setTimeout(() => {
      if (!this.restarting) return;
      this.counters.iceRestartsFailed++;
      this.close();
      this.hooks.giveUp(`ICE restart did not reconnect within ${this.timeoutMs} ms`);
    }, this.timeoutMs);
    if (begin) this.hooks.begin();
    return true;
  }

  close(): void {
    this.done = true;
    this.restarting = false;
    clearTimeout(this.doubtTimer);
    clearTimeout(this.restartTimer);
  }
}

/** The o= line's session id: a renegotiation keeps it, a new connection's offer has a new one (RFC 3264 §5). */
export function sdpSessionId(sdp: string): string | null {
  return /^o=\S+ (\S+) /m.exec(sdp)?.[1] ?? null;
}

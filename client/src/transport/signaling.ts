import { io, type Socket } from 'socket.io-client';
import { isPeerId, type PeerId } from '../core/ids.ts';
import { signalDataSchema, type SignalData } from '../core/wire.ts';
import {
  describeIssues,
  introduceAck,
  joinAck,
  peerIdSchema,
  roomSchema,
  signalAck,
  signalMessage,
} from '#signaling/protocol';

/**
 * The browser side of the signaling server (#signaling/protocol): join a room and get
 * a few introductions, ask for more, relay WebRTC signals to a peer, and receive the signals relayed
 * to us. Every server payload (acks and `signal` events) is untrusted: it goes through the protocol's
 * zod schemas, and the signal data through the core's `signalDataSchema`; what fails is dropped and
 * counted, never thrown. socket.io reconnects by itself; after each reconnection this client joins
 * its room again (the server forgets a member when its socket drops) and hands the fresh
 * introductions to `onRejoin`. The mesh does not need the server once it has links.
 */

export interface SignalingOptions {
  /** Signaling server URL (http(s) or ws(s)). Default: the page's own origin. */
  url?: string;
  /** Bound on each request's acknowledgement. Default 5000 ms. */
  ackTimeoutMs?: number;
  /** A valid signal relayed by the server from another member of the room. */
  onSignal: (from: PeerId, data: SignalData) => void;
  /** The socket connected (true) or dropped (false). */
  onConnectionChange?: (connected: boolean) => void;
  /** Introductions from a join after a reconnection (the first join's come from `join()`). */
  onRejoin?: (introductions: PeerId[]) => void;
  /** Overrides the socket factory (tests). */
  connect?: (url: string | undefined) => Socket;
}

export interface SignalingStats {
  connects: number;
  disconnects: number;
  joins: number;
  introductions: number;
  signalsSent: number;
  /** Signals the server refused (peer gone), could not take (disconnected) or did not ack in time. */
  signalsFailed: number;
  signalsReceived: number;
  /** Server payloads that failed validation (acks, events), dropped. */
  badPayloads: number;
  lastError: string | null;
}

const DEFAULT_ACK_TIMEOUT_MS = 5000;
/** A refused join (e.g. the server still holds our previous socket) is retried this often. */
const REJOIN_RETRY_MS = [500, 1000, 2000, 4000, 8000] as const;

type Reply<T> = { ok: true; value: T } | { ok: false; error: string; timedOut?: true };

export class SignalingClient {
  private readonly socket: Socket;
  private readonly ackTimeoutMs: number;
  private membership: { room: string; peerId: PeerId } | null = null;
  /** socket.id the current membership was joined on: never join twice on one connection. */
  private joinedOn: string | null = null;
  private joinInFlight = false;
  private joinAttempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private firstJoin: ((introductions: PeerId[]) => void) | null = null;
  private closed = false;
  private readonly counters: SignalingStats = {
    connects: 0,
    disconnects: 0,
    joins: 0,
    introductions: 0,
    signalsSent: 0,
    signalsFailed: 0,
    signalsReceived: 0,
    badPayloads: 0,
    lastError: null,
  };

  constructor(private readonly options: SignalingOptions) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    const connect =
      options.connect ??
      ((url: string | undefined) => {
        const socketOptions = { reconnectionDelay: 500, reconnectionDelayMax: 5000 };
        return url === undefined ? io(socketOptions) : io(url, socketOptions);
      });
    this.socket = connect(options.url);
    this.socket.on('connect', () => {
      this.counters.connects++;
      this.options.onConnectionChange?.(true);
      this.sendJoin();
    });
    this.socket.on('disconnect', (reason: unknown) => {
      this.counters.disconnects++;
      this.counters.lastError = `disconnected: ${String(reason)}`;
      this.joinedOn = null;
      this.options.onConnectionChange?.(false);
    });
    this.socket.on('connect_error', (error: unknown) => {
      this.counters.lastError = `connect error: ${error instanceof Error ? error.message : String(error)}`;
    });
    this.socket.on('signal', (...args: unknown[]) => this.onSignalEvent(args));
    this.socket.onAny((event: unknown) => {
      // `signal` is the only event the server sends; anything else is a bad payload.
      if (event !== 'signal') this.bad(`unknown event ${JSON.stringify(String(event)).slice(0, 80)}`);
    });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Joined the room on the current connection (so introduce and signal can work). */
  get joined(): boolean {
    return this.joinedOn !== null && this.joinedOn === (this.socket.id ?? null);
  }

  stats(): SignalingStats {
    return { ...this.counters };
  }

  /**
   * Joins `room` as `peerId` (once per client) and resolves with the first introductions, as soon as
   * the server answers; while the server is unreachable it keeps waiting (socket.io retries).
   * Throws on a malformed room or peer id or a second call: those are programming errors.
   */
  join(room: string, peerId: PeerId): Promise<PeerId[]> {
    const roomOk = roomSchema.safeParse(room);
    if (!roomOk.success) throw new Error(`signaling: bad room ${JSON.stringify(room)}: ${describeIssues(roomOk.error)}`);
    const idOk = peerIdSchema.safeParse(peerId);
    if (!idOk.success) throw new Error(`signaling: bad peer id ${JSON.stringify(peerId)}: ${describeIssues(idOk.error)}`);
    if (this.membership !== null) throw new Error('signaling: join() called twice');
    this.membership = { room, peerId };
    const introductions = new Promise<PeerId[]>((resolve) => (this.firstJoin = resolve));
    if (this.socket.connected) this.sendJoin();
    return introductions;
  }

  /** A few more random members of the room; [] when not joined or on any failure. */
  async introduce(): Promise<PeerId[]> {
    if (!this.joined) return [];
    const reply = await this.request('introduce', {}, (raw) => {
      const parsed = introduceAck.safeParse(raw);
      if (!parsed.success) return null;
      return parsed.data.ok ? { ok: true, value: parsed.data.introductions } : { ok: false, error: parsed.data.error };
    });
    if (!reply.ok) return [];
    const peers = this.ownIds(reply.value);
    this.counters.introductions += peers.length;
    return peers;
  }

  /** Relays a signal to `to` through the server; resolves false if it was not delivered. */
  async signal(to: PeerId, data: SignalData): Promise<boolean> {
    if (!this.joined) {
      this.counters.signalsFailed++;
      return false;
    }
    this.counters.signalsSent++;
    const reply = await this.request('signal', { to, data }, (raw) => {
      const parsed = signalAck.safeParse(raw);
      if (!parsed.success) return null;
      return parsed.data.ok ? { ok: true, value: true } : { ok: false, error: parsed.data.error };
    });
    if (!reply.ok) this.counters.signalsFailed++;
    return reply.ok;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.socket.removeAllListeners();
    this.socket.offAny();
    this.socket.disconnect();
  }

  // ---- internals ----------------------------------------------------------------------------

  private sendJoin(): void {
    const membership = this.membership;
    const socketId = this.socket.id ?? null;
    if (this.closed || membership === null || !this.socket.connected || this.joinInFlight) return;
    if (socketId !== null && this.joinedOn === socketId) return;
    this.joinInFlight = true;
    void this.request('join', membership, (raw) => {
      const parsed = joinAck.safeParse(raw);
      if (!parsed.success) return null;
      return parsed.data.ok ? { ok: true, value: parsed.data.introductions } : { ok: false, error: parsed.data.error };
    }).then((reply) => {
      this.joinInFlight = false;
      if (this.closed) return;
      if (!reply.ok) {
        // E.g. "peerId already in room": the server has not noticed our old socket dropped yet.
        // An ack timeout means a broken connection: socket.io reconnects and we join again then.
        if (this.socket.connected && this.socket.id === socketId && reply.timedOut !== true) {
          const delay = REJOIN_RETRY_MS[Math.min(this.joinAttempts, REJOIN_RETRY_MS.length - 1)] ?? 8000;
          this.joinAttempts++;
          clearTimeout(this.retryTimer);
          this.retryTimer = setTimeout(() => this.sendJoin(), delay);
        }
        return;
      }
      this.joinAttempts = 0;
      this.joinedOn = socketId;
      this.counters.joins++;
      const peers = this.ownIds(reply.value);
      this.counters.introductions += peers.length;
      const first = this.firstJoin;
      this.firstJoin = null;
      if (first !== null) first(peers);
      else this.options.onRejoin?.(peers);
    });
  }

  /** Emits with an ack and a timeout; the ack is validated by `read` (null = malformed). */
  private request<T>(event: 'join' | 'introduce' | 'signal', payload: object, read: (raw: unknown) => Reply<T> | null): Promise<Reply<T>> {
    return new Promise((resolve) => {
      this.socket.timeout(this.ackTimeoutMs).emit(event, payload, (error: unknown, raw: unknown) => {
        if (error !== null && error !== undefined) {
          const message = `timeout: no ${event} ack within ${this.ackTimeoutMs} ms`;
          this.counters.lastError = message;
          resolve({ ok: false, error: message, timedOut: true });
          return;
        }
        const reply = read(raw);
        if (reply === null) {
          this.bad(`malformed ${event} ack`);
          resolve({ ok: false, error: `malformed ${event} ack` });
          return;
        }
        if (!reply.ok) this.counters.lastError = `${event} refused: ${reply.error}`;
        resolve(reply);
      });
    });
  }

  private onSignalEvent(args: unknown[]): void {
    const parsed = args.length === 1 ? signalMessage.safeParse(args[0]) : null;
    if (parsed === null || !parsed.success) {
      this.bad(parsed === null ? `signal event with ${args.length} arguments` : `bad signal event: ${describeIssues(parsed.error)}`);
      return;
    }
    const data = signalDataSchema.safeParse(parsed.data.data);
    const from = parsed.data.from;
    if (!data.success || !isPeerId(from) || from === this.membership?.peerId) {
      this.bad(data.success ? `signal from ${JSON.stringify(from)}` : `bad signal data from ${from}`);
      return;
    }
    this.counters.signalsReceived++;
    this.options.onSignal(from, data.data);
  }

  private ownIds(ids: readonly string[]): PeerId[] {
    const self = this.membership?.peerId;
    return ids.filter((id): id is PeerId => isPeerId(id) && id !== self);
  }

  private bad(detail: string): void {
    this.counters.badPayloads++;
    this.counters.lastError = `bad server payload: ${detail}`;
  }
}

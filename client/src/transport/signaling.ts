import type { Socket } from 'socket.io-client';
import { isPeerId, type PeerId } from '../core/ids.ts';
import { signalDataSchema, type SignalData } from '../core/wire.ts';
import { earlyChallengeOf, openSignalingSocket } from './signaling-socket.ts';
import {
  challengeMessage,
  describeIssues,
  introduceAck,
  joinAck,
  joinText,
  PERMANENT_JOIN_CODES,
  moveMessage,
  peerIdSchema,
  roomSchema,
  signalAck,
  signalMessage,
  type IceServer,
} from '#signaling/protocol';

/**
 * The browser side of the signaling server (#signaling/protocol): join a room and get
 * a few introductions, ask for more, relay WebRTC signals to a peer, and receive the signals relayed
 * to us. Every server payload (acks and `signal` events) is untrusted: it goes through the protocol's
 * zod schemas, and the signal data through the core's `signalDataSchema`; what fails is dropped and
 * counted, never thrown. socket.io reconnects by itself; after each reconnection this client joins
 * its room again (the server forgets a member when its socket drops) and hands the fresh
 * introductions to `onRejoin`. The mesh does not need the server once it has links.
 *
 * Several servers (`urls`): the client stays on one while it works and moves to the next when
 * it fails to connect `failoverAfter` times in a row, when the server drops the socket itself,
 * or when the server says `move` (it is shutting down). Rooms are shared between them (Redis),
 * so the rejoin on the next server finds the same room.
 */

export interface SignalingOptions {
  /** Signaling server URL (http(s) or ws(s)). Default: the page's own origin. */
  url?: string;
  /** Several servers sharing rooms, tried in order (wins over `url`). Default: `[url]`. */
  urls?: readonly string[];
  /** Failed connection attempts in a row before moving to the next of `urls`. Default 2. */
  failoverAfter?: number;
  /** ICE servers the server handed out at a join (STUN, TURN with minted credentials). */
  onIceServers?: (servers: RTCIceServer[]) => void;
  /** Bound on each request's acknowledgement. Default 5000 ms. */
  ackTimeoutMs?: number;
  /** A valid signal relayed by the server from another member of the room. */
  onSignal: (from: PeerId, data: SignalData) => void;
  /** The socket connected (true) or dropped (false). */
  onConnectionChange?: (connected: boolean) => void;
  /** Introductions from a join after a reconnection (the first join's come from `join()`). */
  onRejoin?: (introductions: PeerId[]) => void;
  /**
   * Signs a join: this peer's proof (Identity.sign) over the server's challenge, so the server
   * binds the socket to the key the id is derived from. Without it the join is unsigned, which
   * only a server started with ALLOW_UNSIGNED=1 accepts.
   */
  prove?: (text: string) => string;
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
  /** The server in use (undefined entry = the page's origin). */
  url: string | null;
  /** Moves to another of `urls`. */
  failovers: number;
}

const DEFAULT_ACK_TIMEOUT_MS = 5000;
/** A refused join (e.g. the server still holds our previous socket) is retried this often. */
const REJOIN_RETRY_MS = [500, 1000, 2000, 4000, 8000] as const;

export { openSignalingSocket };

type Reply<T> = { ok: true; value: T } | { ok: false; error: string; code?: string; timedOut?: true };

/** RTCIceServer with exactOptionalPropertyTypes: absent fields stay absent. */
function toRtc(server: IceServer): RTCIceServer {
  return {
    urls: server.urls,
    ...(server.username !== undefined ? { username: server.username } : {}),
    ...(server.credential !== undefined ? { credential: server.credential } : {}),
  };
}

export class SignalingClient {
  private socket: Socket;
  private readonly ackTimeoutMs: number;
  private readonly urls: readonly (string | undefined)[];
  private readonly failoverAfter: number;
  private readonly connectSocket: (url: string | undefined) => Socket;
  private urlIndex = 0;
  private connectErrors = 0;
  private lastIceServers: RTCIceServer[] = [];
  private membership: { room: string; peerId: PeerId } | null = null;
  /** socket.id the current membership was joined on: never join twice on one connection. */
  private joinedOn: string | null = null;
  private joinInFlight = false;
  private joinAttempts = 0;
  /** The current connection's challenge (a signed join waits for it); cleared on disconnect. */
  private nonce: { socketId: string; nonce: string } | null = null;
  /** The server refused the join for good (e.g. it wants signed joins and this one is not). */
  private refusedFor: string | null = null;
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
    url: null,
    failovers: 0,
  };

  constructor(private readonly options: SignalingOptions) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    this.urls = options.urls !== undefined && options.urls.length > 0 ? [...options.urls] : [options.url];
    this.failoverAfter = Math.max(1, options.failoverAfter ?? 2);
    this.connectSocket = options.connect ?? openSignalingSocket;
    this.socket = this.open();
  }

  /** The ICE servers from the latest join ([] before one, or when the server has none). */
  get iceServers(): RTCIceServer[] {
    return this.lastIceServers.map((s) => ({ ...s }));
  }

  private open(): Socket {
    const url = this.urls[this.urlIndex];
    this.counters.url = url ?? null;
    const socket = this.connectSocket(url);
    const connected = (): void => {
      this.connectErrors = 0;
      this.counters.connects++;
      this.options.onConnectionChange?.(true);
      this.sendJoin();
    };
    socket.on('connect', connected);
    // A socket opened ahead (while the key was made, see mesh/start.ts) may be connected already.
    if (socket.connected) queueMicrotask(() => socket === this.socket && !this.closed && connected());
    socket.on('disconnect', (reason: unknown) => {
      this.counters.disconnects++;
      this.counters.lastError = `disconnected: ${String(reason)}`;
      this.joinedOn = null;
      this.nonce = null;
      this.options.onConnectionChange?.(false);
      // socket.io does not reconnect after the server dropped us on purpose: move on (or retry).
      if (reason === 'io server disconnect') this.failover();
    });
    socket.on('connect_error', (error: unknown) => {
      this.counters.lastError = `connect error: ${error instanceof Error ? error.message : String(error)}`;
      this.connectErrors++;
      if (this.connectErrors >= this.failoverAfter && this.urls.length > 1) this.failover();
    });
    const challenged = (args: unknown[]): void => {
      const parsed = args.length === 1 ? challengeMessage.safeParse(args[0]) : null;
      if (parsed === null || !parsed.success || socket.id === undefined) {
        this.bad('malformed challenge event');
        return;
      }
      this.nonce = { socketId: socket.id, nonce: parsed.data.nonce };
      this.sendJoin();
    };
    socket.on('challenge', (...args: unknown[]) => challenged(args));
    const early = earlyChallengeOf(socket);
    if (socket.connected && early !== undefined) queueMicrotask(() => socket === this.socket && !this.closed && challenged(early));
    socket.on('signal', (...args: unknown[]) => this.onSignalEvent(args));
    socket.on('move', (...args: unknown[]) => {
      if (args.length !== 1 || !moveMessage.safeParse(args[0]).success) {
        this.bad('malformed move event');
        return;
      }
      this.counters.lastError = 'server asked to move';
      this.failover();
    });
    socket.onAny((event: unknown) => {
      // `challenge`, `signal` and `move` are the only events the server sends; anything else is a bad payload.
      if (event !== 'challenge' && event !== 'signal' && event !== 'move') this.bad(`unknown event ${JSON.stringify(String(event)).slice(0, 80)}`);
    });
    return socket;
  }

  /** Drops the current socket and connects to the next server (the same one if it is the only one). */
  private failover(): void {
    if (this.closed) return;
    const old = this.socket;
    old.removeAllListeners();
    old.offAny();
    old.disconnect();
    if (this.joinedOn !== null) {
      this.joinedOn = null;
      this.options.onConnectionChange?.(false);
    }
    this.joinInFlight = false;
    this.nonce = null;
    this.connectErrors = 0;
    this.urlIndex = (this.urlIndex + 1) % this.urls.length;
    if (this.urls.length > 1) this.counters.failovers++;
    this.socket = this.open();
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

  /** Why the server refused to let this peer join for good (no retry), or null. */
  get refused(): string | null {
    return this.refusedFor;
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
    if (this.closed || membership === null || !this.socket.connected || this.joinInFlight || this.refusedFor !== null) return;
    if (socketId !== null && this.joinedOn === socketId) return;
    // A signed join signs this connection's challenge; it arrives right after 'connect'.
    const nonce = this.nonce !== null && this.nonce.socketId === socketId ? this.nonce.nonce : null;
    const prove = this.options.prove;
    if (prove !== undefined && nonce === null) return;
    const payload = prove === undefined || nonce === null ? membership : { ...membership, proof: prove(joinText(membership.room, membership.peerId, nonce)) };
    this.joinInFlight = true;
    const socket = this.socket;
    void this.request('join', payload, (raw) => {
      const parsed = joinAck.safeParse(raw);
      if (!parsed.success) return null;
      if (!parsed.data.ok) return { ok: false, error: parsed.data.error, ...(parsed.data.code !== undefined ? { code: parsed.data.code } : {}) };
      return { ok: true, value: { introductions: parsed.data.introductions, iceServers: parsed.data.iceServers ?? [] } };
    }).then((reply) => {
      // A failover replaced the socket meanwhile: the new one joins on its own.
      if (socket !== this.socket) return;
      this.joinInFlight = false;
      if (this.closed) return;
      if (!reply.ok) {
        // Signing off against a server that wants signed joins (or a key that is not ours): no retry helps.
        if (reply.code !== undefined && PERMANENT_JOIN_CODES.includes(reply.code)) {
          this.refusedFor = `join refused (${reply.code}): ${reply.error}`;
          this.counters.lastError = this.refusedFor;
          return;
        }
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
      this.lastIceServers = reply.value.iceServers.map(toRtc);
      if (reply.value.iceServers.length > 0) this.options.onIceServers?.(this.iceServers);
      const peers = this.ownIds(reply.value.introductions);
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

import { io as connectClient, type Socket } from 'socket.io-client';
import {
  challengeMessage,
  introduceAck,
  joinAck,
  joinText,
  signalAck,
  signalMessage,
  type IntroduceAck,
  type JoinAck,
  type SignalAck,
  type SignalMessage,
} from '#signaling/protocol';
import type { Identity } from '../../client/src/identity/identity.ts';
import { createSignalingServer, type SignalingServer, type SignalingServerOptions } from './server.ts';

/** Every wait is bounded so a broken server fails a test instead of hanging it. */
export const WAIT_MS = 3000;

/** Resolves with the first `event` on `emitter`, or rejects after `ms`. */
export function once<T extends unknown[]>(
  emitter: { once(event: string, fn: (...args: T) => void): unknown; off(event: string, fn: (...args: T) => void): unknown },
  event: string,
  ms = WAIT_MS,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onEvent = (...args: T): void => {
      clearTimeout(timer);
      resolve(args);
    };
    const timer = setTimeout(() => {
      emitter.off(event, onEvent);
      reject(new Error(`timed out after ${ms} ms waiting for "${event}"`));
    }, ms);
    emitter.once(event, onEvent);
  });
}

/** Each client's challenge nonce, as the server sent it right after connecting. */
const challenges = new WeakMap<Socket, Promise<string>>();

/**
 * Starts servers and clients and tears all of them down in `cleanup()` (call from afterEach).
 * `defaults` go to every server it starts (tests of the relay use plain ids: `allowUnsigned`).
 */
export class Harness {
  private readonly servers: SignalingServer[] = [];
  private readonly clients: Socket[] = [];

  constructor(private readonly defaults: Partial<SignalingServerOptions> = {}) {}

  async server(options: Partial<SignalingServerOptions> = {}): Promise<SignalingServer> {
    const server = await createSignalingServer({ ...this.defaults, ...options });
    this.servers.push(server);
    return server;
  }

  /** An untyped client, so tests can also send what the typed contract forbids. */
  async client(server: SignalingServer): Promise<Socket> {
    const socket = connectClient(server.address.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    this.clients.push(socket);
    // Listened for before the connection is up: the server sends it at once.
    const nonce = once<[unknown]>(socket, 'challenge').then(([message]) => challengeMessage.parse(message).nonce);
    nonce.catch(() => undefined); // a test that never asks for it must not see it time out
    challenges.set(socket, nonce);
    await once(socket, 'connect');
    return socket;
  }

  /** A client that has joined `room` with `identity`'s id, signing its challenge. */
  async signedMember(server: SignalingServer, room: string, identity: Identity): Promise<{ socket: Socket; introductions: string[] }> {
    const socket = await this.client(server);
    const reply = await signedJoin(socket, room, identity);
    if (!reply.ok) throw new Error(`signed join ${room}/${identity.id} failed: ${reply.error}`);
    return { socket, introductions: reply.introductions };
  }

  /** A client that has joined `room` as `peerId`; returns its join introductions too. */
  async member(server: SignalingServer, room: string, peerId: string): Promise<{ socket: Socket; introductions: string[] }> {
    const socket = await this.client(server);
    const reply = await join(socket, room, peerId);
    if (!reply.ok) throw new Error(`join ${room}/${peerId} failed: ${reply.error}`);
    return { socket, introductions: reply.introductions };
  }

  async cleanup(): Promise<void> {
    for (const socket of this.clients.splice(0)) socket.disconnect();
    await Promise.all(this.servers.splice(0).map((s) => s.close()));
  }
}

/** Emits with an ack and returns the raw reply (bounded wait). */
export async function request(socket: Socket, event: string, ...args: unknown[]): Promise<unknown> {
  return socket.timeout(WAIT_MS).emitWithAck(event, ...args);
}

export async function join(socket: Socket, room: string, peerId: string): Promise<JoinAck> {
  return joinAck.parse(await request(socket, 'join', { room, peerId }));
}

/** The challenge nonce the server sent this client (a client made by Harness.client). */
export function challengeOf(socket: Socket): Promise<string> {
  const nonce = challenges.get(socket);
  if (nonce === undefined) throw new Error('not a Harness client');
  return nonce;
}

/** Joins as `identity`'s id with its proof over this socket's challenge (or `nonce`, to forge). */
export async function signedJoin(socket: Socket, room: string, identity: Identity, nonce?: string): Promise<JoinAck> {
  const signed = nonce ?? (await challengeOf(socket));
  const proof = identity.sign(joinText(room, identity.id, signed));
  return joinAck.parse(await request(socket, 'join', { room, peerId: identity.id, proof }));
}

export async function introduce(socket: Socket): Promise<IntroduceAck> {
  return introduceAck.parse(await request(socket, 'introduce', {}));
}

export async function signal(socket: Socket, to: string, data: unknown): Promise<SignalAck> {
  return signalAck.parse(await request(socket, 'signal', { to, data }));
}

/** Records every relayed `signal` a socket receives, validated against the contract. */
export function recordSignals(socket: Socket): SignalMessage[] {
  const seen: SignalMessage[] = [];
  socket.on('signal', (message: unknown) => seen.push(signalMessage.parse(message)));
  return seen;
}

/** Waits for the next relayed `signal` on `socket`. */
export async function nextSignal(socket: Socket): Promise<SignalMessage> {
  const [message] = await once<[unknown]>(socket, 'signal');
  return signalMessage.parse(message);
}

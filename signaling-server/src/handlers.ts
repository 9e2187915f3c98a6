import {
  describeIssues,
  introduceRequest,
  joinRequest,
  signalRequest,
  type IceServer,
  type IntroduceAck,
  type JoinAck,
  type SignalAck,
  type SignalMessage,
} from '#signaling/protocol';
import { checkJoinProof } from './join-proof.ts';
import type { Random, RoomRegistry, SocketRef } from './registry.ts';

/**
 * The signaling requests as pure handlers: each takes the socket's session and an untrusted
 * payload and returns what to answer, what to count and what to relay. No socket, timer or
 * Math.random in here; server.ts applies the outcome to socket.io.
 */

/** Why a request was refused; each is a label of the rejections counter in /metrics. */
export const REJECT_REASONS = [
  'invalid-payload',
  'unknown-event',
  'no-ack',
  'not-joined',
  'already-joined',
  'id-taken',
  'unsigned',
  'bad-proof',
  'id-not-key',
  'unknown-peer',
  'self-signal',
  'internal',
  'rate-limited',
  'too-many-sockets',
  'origin',
  'slow-reader',
  'draining',
  'abuse',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export type Member = { room: string; peerId: string };

export interface Session {
  readonly socket: SocketRef;
  /** This socket's challenge (sent to it on connect): what a signed join must sign. */
  readonly nonce: string;
  /** Set by the glue from an outcome's `joined`; one membership per socket. */
  member: Member | undefined;
}

export type Reply = JoinAck | IntroduceAck | SignalAck;

export interface Outcome {
  reply: Reply;
  /** Set when refused. `bad: true` marks a client bug or abuse; races (taken id, gone peer) are not. */
  rejected?: { reason: RejectReason; bad: boolean };
  /** The session's new membership after a successful join. */
  joined?: Member;
  /** A signal to deliver to the socket holding the target id. */
  relay?: { to: SocketRef; message: SignalMessage };
}

export interface HandlerDeps {
  registry: RoomRegistry;
  random: Random;
  /** How many random room members a joiner (or `introduce` caller) gets. */
  introductions: number;
  /** ICE configuration for a joining peer (TURN credentials are minted per peer). */
  iceServers: (peerId: string) => IceServer[];
  /** Joins without a proof are accepted (any id, first come): for rooms of unsigned peers only. */
  allowUnsigned: boolean;
  /**
   * Ends the socket `holder` because the key's owner proved itself on another: true when it is
   * gone now (this instance's), false when it was asked to go (another instance's).
   */
  evict: (holder: SocketRef) => Promise<boolean>;
}

export type EventName = 'join' | 'introduce' | 'signal';
export type Handler = (session: Session, payload: unknown) => Promise<Outcome>;

export function reject(error: string, reason: RejectReason, bad = true): Outcome {
  return { reply: { ok: false, error, code: reason }, rejected: { reason, bad } };
}

export function createHandlers(deps: HandlerDeps): Record<EventName, Handler> {
  const introductionsFor = (member: Member): Promise<string[]> =>
    deps.registry.sample(member.room, deps.introductions, member.peerId, deps.random);

  return {
    async join(session, payload) {
      const req = joinRequest.safeParse(payload);
      if (!req.success) return reject(`invalid join: ${describeIssues(req.error)}`, 'invalid-payload');
      const current = session.member;
      if (current) return reject(`already joined room "${current.room}" as "${current.peerId}"`, 'already-joined');
      const { room, peerId, proof } = req.data;
      if (proof === undefined) {
        if (!deps.allowUnsigned) return reject('this server takes signed joins only: sign the challenge with your key', 'unsigned');
      } else {
        const check = checkJoinProof(room, peerId, session.nonce, proof);
        if (check === 'id-not-key') return reject(`peerId "${peerId}" is not the id of the key in the proof`, 'id-not-key');
        if (check === 'bad-proof') return reject("proof is not the key's signature of this socket's challenge", 'bad-proof');
      }
      if (!(await deps.registry.claim(room, peerId, session.socket))) {
        // The key's owner takes its id back from whoever holds it: its own dropped socket the
        // server has not noticed yet, or an unsigned squatter. One id, one socket.
        const holder = proof === undefined ? undefined : await deps.registry.holder(room, peerId);
        const taken = holder === undefined || holder === session.socket || !(await deps.evict(holder));
        if (!taken && holder !== undefined) await deps.registry.release(room, peerId, holder);
        if (taken || !(await deps.registry.claim(room, peerId, session.socket))) {
          return reject(`peerId "${peerId}" is already in room "${room}"`, 'id-taken', false);
        }
      }
      const joined = { room, peerId };
      const introductions = await introductionsFor(joined);
      const iceServers = deps.iceServers(peerId);
      return {
        reply: { ok: true, introductions, ...(iceServers.length > 0 ? { iceServers } : {}) },
        joined,
      };
    },

    async introduce(session, payload) {
      const req = introduceRequest.safeParse(payload);
      if (!req.success) return reject(`invalid introduce: ${describeIssues(req.error)}`, 'invalid-payload');
      if (!session.member) return reject('join a room before asking for introductions', 'not-joined');
      return { reply: { ok: true, introductions: await introductionsFor(session.member) } };
    },

    async signal(session, payload) {
      const req = signalRequest.safeParse(payload);
      if (!req.success) return reject(`invalid signal: ${describeIssues(req.error)}`, 'invalid-payload');
      const member = session.member;
      if (!member) return reject('join a room before sending signals', 'not-joined');
      const { to, data } = req.data;
      if (to === member.peerId) return reject('cannot signal yourself', 'self-signal');
      const target = await deps.registry.holder(member.room, to);
      // Not counted as bad: the peer may have left a moment ago.
      if (target === undefined) return reject(`unknown peer "${to}" in room "${member.room}"`, 'unknown-peer', false);
      return { reply: { ok: true }, relay: { to: target, message: { from: member.peerId, data } } };
    },
  };
}

export type Routed =
  | { ok: true; handler: Handler; payload: unknown; ack: (reply: Reply) => void }
  | { ok: false; outcome: Outcome; ack: ((reply: Reply) => void) | undefined };

/** Checks an event's shape (known name, one payload, an ack callback) before any handler runs. */
export function route(handlers: Record<EventName, Handler>, event: unknown, args: readonly unknown[]): Routed {
  const last = args.at(-1);
  const ack = typeof last === 'function' ? (reply: Reply) => void (last as (r: Reply) => unknown)(reply) : undefined;
  const payloads = ack ? args.slice(0, -1) : args;
  const name = typeof event === 'string' && Object.hasOwn(handlers, event) ? (event as EventName) : undefined;
  if (name === undefined) return { ok: false, outcome: reject(`unknown event "${String(event).slice(0, 64)}"`, 'unknown-event'), ack };
  if (!ack) return { ok: false, outcome: reject(`${name} needs an ack callback`, 'no-ack'), ack };
  if (payloads.length !== 1) return { ok: false, outcome: reject(`${name} takes exactly one payload`, 'invalid-payload'), ack };
  return { ok: true, handler: handlers[name], payload: payloads[0], ack };
}

/** Test support only (imported by membership*.test.ts): one Membership with a hand-driven clock, and helpers to read its outbox. */
import { seededEnv } from './env.ts';
import { asPeerId, type PeerId } from './ids.ts';
import { Membership, type MembershipHooks } from './membership.ts';
import { createOptions, type OptionsInput } from './options.ts';
import { Outbox, type Action, type NodeEvent } from './outbox.ts';
import type { Message, MessageOf } from './wire.ts';

export const p = (name: string): PeerId => asPeerId(name);
export const peers = (n: number, prefix = 'p'): PeerId[] => Array.from({ length: n }, (_, i) => p(`${prefix}${i}`));

/** One Membership with its own outbox, a seeded Env and a hand-driven clock. */
export function setup(self: string, options: OptionsInput = {}, seed = 1, hooks: MembershipHooks = {}) {
  const clock = { now: 0 };
  const out = new Outbox();
  let viewChanges = 0;
  const m = new Membership(p(self), seededEnv(seed, () => clock.now), createOptions(options), out, () => viewChanges++, hooks);
  const drain = (): { actions: Action[]; events: NodeEvent[] } => out.drain();
  const tickTo = (t: number): void => {
    clock.now = t;
    m.tick(t);
  };
  return { m, out, clock, drain, tickTo, viewChanges: () => viewChanges };
}

export const sends = (actions: Action[], t?: Message['t']): Array<{ to: PeerId; message: Message }> =>
  actions.flatMap((a) => (a.type === 'send' && (t === undefined || a.message.t === t) ? [{ to: a.to, message: a.message }] : []));
export const targets = (actions: Action[], type: 'connect' | 'disconnect'): PeerId[] =>
  actions.flatMap((a) => (a.type === type ? [a.peer] : []));
export type Membershipish = MessageOf<'ping' | 'pong' | 'leave' | 'shuffle' | 'shuffle-reply'>;
export const asMembershipMessage = (m: Message): Membershipish => {
  if (m.t === 'ping' || m.t === 'pong' || m.t === 'leave' || m.t === 'shuffle' || m.t === 'shuffle-reply') return m;
  throw new Error(`not a membership message: ${m.t}`);
};

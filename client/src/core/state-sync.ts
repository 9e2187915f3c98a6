import { sample } from './env.ts';
import type { PeerId } from './ids.ts';
import type { NodeContext, ProtocolModule } from './protocol.ts';
import { PNCounter } from './counter.ts';
import { LWWRegister } from './register.ts';
import { counterText } from './signed.ts';
import type { HybridClock } from './time.ts';
import { MAX_COUNTER_ENTRIES_PER_MESSAGE, type CounterEntry, type MessageOf, type RegisterValue } from './wire.ts';

export interface StateSyncHooks {
  /** Who gets a change at once (all but `except`, the peer it came from); anti-entropy does the rest. */
  spreadTargets(except: PeerId | null, origin: PeerId | null): PeerId[];
  /** A message that passed admission but breaks a rule (a write from the future): score its sender. */
  penalize(from: PeerId, detail: string): void;
}

/**
 * The state every peer converges on: the PN-counter and the last-writer-wins register. Local
 * changes and merged news go eagerly to the spread targets; the full state goes to one random
 * neighbour per anti-entropy period, which repairs whatever the eager path lost. Register writes
 * are stamped by the hybrid clock (time.ts), so a write made after seeing another always wins.
 */
export class StateSync implements ProtocolModule<'state'> {
  readonly handles = ['state'] as const;
  readonly counter = new PNCounter();
  readonly register = new LWWRegister();

  constructor(
    private readonly ctx: NodeContext,
    private readonly clock: HybridClock,
    private readonly hooks: StateSyncHooks,
  ) {}

  add(delta: number): void {
    const signer = this.ctx.signer ?? null;
    const sign = signer === null ? undefined : (added: number, subtracted: number) => signer.sign(counterText(this.ctx.self, added, subtracted));
    const entry = this.counter.add(this.ctx.self, delta, sign);
    this.ctx.out.emit({ type: 'counter', value: this.counter.value() });
    this.spread([entry], null, null);
  }

  set(value: string): RegisterValue {
    const written = this.register.set(this.ctx.self, value, this.clock.now(), this.ctx.signer ?? null);
    this.ctx.out.emit({ type: 'register', value: written });
    this.spread([], written, null);
    return written;
  }

  receive(from: PeerId, message: MessageOf<'state'>): void {
    // Our own entry is ours to write: what others say about it is at best an old copy.
    const counterNews = this.counter.merge(message.counter, this.ctx.self);
    if (counterNews.length > 0) this.ctx.out.emit({ type: 'counter', value: this.counter.value() });
    let registerNews: RegisterValue | null = null;
    if (message.register !== null) {
      if (!this.clock.observe(message.register.timestamp)) this.hooks.penalize(from, `register write stamped ${message.register.timestamp}, beyond the tolerated skew`);
      else if (this.register.merge(message.register)) registerNews = message.register;
    }
    if (registerNews !== null) this.ctx.out.emit({ type: 'register', value: registerNews });
    if (message.reply) this.ctx.out.send(from, this.full(false));
    if (counterNews.length > 0 || registerNews !== null) this.spread(counterNews, registerNews, from);
  }

  /** Anti-entropy: the whole state to one neighbour, which answers with its own. */
  antiEntropy(target: PeerId): void {
    this.ctx.out.send(target, this.full(true));
  }

  private full(reply: boolean): MessageOf<'state'> {
    const counter = this.counter.toEntries();
    return {
      t: 'state',
      // Beyond one message's worth, a random slice each time still converges.
      counter: counter.length > MAX_COUNTER_ENTRIES_PER_MESSAGE ? sample(this.ctx.env.random, counter, MAX_COUNTER_ENTRIES_PER_MESSAGE) : counter,
      register: this.register.get(),
      reply,
    };
  }

  private spread(counter: CounterEntry[], register: RegisterValue | null, except: PeerId | null): void {
    // The change's origin picks the tree in tree mode (counter entry or register write; local: self).
    const origin = counter[0]?.[0] ?? register?.origin ?? null;
    for (const peer of this.hooks.spreadTargets(except, origin)) this.ctx.out.send(peer, { t: 'state', counter, register, reply: false });
  }
}

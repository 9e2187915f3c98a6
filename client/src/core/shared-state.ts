import { sample, type Env } from './env.ts';
import type { PeerId } from './ids.ts';
import type { Options } from './options.ts';
import type { Outbox } from './outbox.ts';
import { PNCounter } from './counter.ts';
import { LWWRegister } from './register.ts';
import { Topology } from './topology.ts';
import {
  MAX_COUNTER_ENTRIES_PER_MESSAGE,
  MAX_TOPOLOGY_ENTRIES_PER_MESSAGE,
  type CounterEntry,
  type MessageOf,
  type RegisterValue,
} from './wire.ts';

/** Most peers whose neighbour lists one node keeps (enough to draw and route a browser mesh). */
const MAX_TOPOLOGY_ENTRIES = 1024;

/**
 * The state every peer converges on: the PN-counter, the LWW register and the gossiped topology.
 * Local changes and merged news go eagerly to the spread targets node.ts picks; full state goes to one
 * random neighbour per anti-entropy period, which repairs whatever the eager path lost.
 */
export class SharedState {
  readonly counter = new PNCounter();
  readonly register = new LWWRegister();
  readonly topology: Topology;

  constructor(
    private readonly self: PeerId,
    private readonly env: Env,
    private readonly options: Options,
    private readonly out: Outbox,
    private readonly neighbors: () => PeerId[],
    /** Who gets a change at once (all but `except`, the peer it came from); anti-entropy does the rest. */
    private readonly spreadTargets: (except: PeerId | null) => PeerId[],
    /** The links our own topology entry lists: the healthy ones (a suspected link is not vouched for). */
    private readonly ownLinks: () => PeerId[] = neighbors,
  ) {
    this.topology = new Topology(self, options.topologyTtlMs, MAX_TOPOLOGY_ENTRIES);
  }

  add(delta: number): void {
    const entry = this.counter.add(this.self, delta);
    this.out.emit({ type: 'counter', value: this.counter.value() });
    this.spread([entry], null, null);
  }

  set(value: string, now: number): RegisterValue {
    const written = this.register.set(this.self, value, now);
    this.out.emit({ type: 'register', value: written });
    this.spread([], written, null);
    return written;
  }

  /** Merges a state message; returns the peers a death notice newly declared gone. */
  merge(from: PeerId, message: MessageOf<'state'>, now: number): PeerId[] {
    const counterNews = this.counter.merge(message.counter);
    if (counterNews.length > 0) this.out.emit({ type: 'counter', value: this.counter.value() });
    const registerNews = this.register.merge(message.register) ? message.register : null;
    if (registerNews !== null) this.out.emit({ type: 'register', value: registerNews });
    const topologyNews = this.options.shareTopology ? this.topology.merge(message.topology, now) : [];
    if (topologyNews.length > 0) this.out.emit({ type: 'topology' });
    if (this.options.shareTopology) this.refuteDeathNotice(message, now);
    if (message.reply) this.out.send(from, this.full(false));
    // Topology spreads by anti-entropy only; counter and register changes are forwarded eagerly.
    if (counterNews.length > 0 || registerNews !== null) this.spread(counterNews, registerNews, from);
    return topologyNews.filter((e) => e.gone === true).map((e) => e.peer);
  }

  /** A neighbour of ours left or went silent: write its death notice and tell our neighbours. */
  announceGone(peer: PeerId, now: number): void {
    if (!this.options.shareTopology) return;
    const notice = this.topology.markGone(peer, now);
    if (notice === undefined) return;
    this.out.emit({ type: 'topology' });
    for (const to of this.neighbors()) this.out.send(to, { v: 1, t: 'state', counter: [], register: null, topology: [notice], reply: false });
  }

  /** Someone declared us gone (we slept, or a link failed): outvote it with a newer entry of our own. */
  private refuteDeathNotice(message: MessageOf<'state'>, now: number): void {
    const own = this.topology.ownVersion();
    const notice = message.topology.find((e) => e.peer === this.self && e.gone === true);
    if (notice === undefined || (own !== undefined && notice.version < own)) return;
    this.announceTopology(now, notice.version + 1);
  }

  full(reply: boolean): MessageOf<'state'> {
    const counter = this.counter.toEntries();
    const topology = this.options.shareTopology ? this.topology.toEntries() : [];
    return {
      v: 1,
      t: 'state',
      // Beyond one message's worth, a random slice each time still converges.
      counter: counter.length > MAX_COUNTER_ENTRIES_PER_MESSAGE ? sample(this.env.random, counter, MAX_COUNTER_ENTRIES_PER_MESSAGE) : counter,
      register: this.register.get(),
      topology: topology.length > MAX_TOPOLOGY_ENTRIES_PER_MESSAGE ? sample(this.env.random, topology, MAX_TOPOLOGY_ENTRIES_PER_MESSAGE) : topology,
      reply,
    };
  }

  /** Our own neighbour list changed (or needs refreshing): tell the neighbours at once. */
  announceTopology(now: number, atLeastVersion = 0): void {
    const own = this.topology.setOwn(this.ownLinks(), now, atLeastVersion);
    for (const peer of this.neighbors()) {
      this.out.send(peer, { v: 1, t: 'state', counter: [], register: null, topology: [own], reply: false });
    }
  }

  private spread(counter: CounterEntry[], register: RegisterValue | null, except: PeerId | null): void {
    for (const peer of this.spreadTargets(except)) this.out.send(peer, { v: 1, t: 'state', counter, register, topology: [], reply: false });
  }
}

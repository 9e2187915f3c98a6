import type { NodeExtras } from '../core/node.ts';
import { GossipNode } from '../core/node.ts';
import type { PeerId } from '../core/ids.ts';
import type { OptionsInput } from '../core/options.ts';
import type { Action, NodeEvent } from '../core/outbox.ts';
import type { Message } from '../core/wire.ts';
import { MessageCounts } from './counts.ts';
import type { Ports } from './ports.ts';

export interface RuntimeOptions {
  id: PeerId;
  node?: OptionsInput;
  extras?: NodeExtras;
  /** Share one count among many runtimes (the simulator); default: this runtime's own. */
  counts?: MessageCounts;
}

/**
 * The one loop around a GossipNode (the shape of raft's node wrapper): inputs go in, then the
 * node's actions are carried out through the ports and its events handed to the observer, until
 * the node has nothing more to say; then the next tick is set at nextTickAt(). Every place the
 * node runs (tab, Node, simulator, tests) is a set of ports (ports.ts), never a loop of its own.
 */
export class Runtime {
  readonly node: GossipNode;
  readonly counts: MessageCounts;
  private readonly ports: Ports;
  private pumping = false;
  private stopped = false;
  private timerAt = Infinity;
  private cancelTimer: (() => void) | null = null;
  private askingForIntroductions = false;
  private readonly onTimer = (): void => {
    this.cancelTimer = null;
    this.timerAt = Infinity;
    if (this.stopped) return;
    this.node.tick(this.ports.clock.now());
    this.pump();
  };

  constructor(options: RuntimeOptions, ports: Ports) {
    this.ports = ports;
    this.counts = options.counts ?? new MessageCounts();
    this.node = new GossipNode(options.id, { now: ports.clock.now, random: ports.random }, options.node ?? {}, options.extras ?? {});
  }

  get id(): PeerId {
    return this.node.id;
  }

  get running(): boolean {
    return !this.stopped;
  }

  // ---- inputs -------------------------------------------------------------------------------

  linkUp(peer: PeerId): void {
    this.input(() => this.node.connected(peer));
  }

  linkDown(peer: PeerId): void {
    this.input(() => this.node.disconnected(peer));
  }

  /** The link to `peer` faltered (ICE or data-channel state): an early signal for failure detection. */
  linkDoubted(peer: PeerId): void {
    this.input(() => this.node.linkDoubted(peer));
  }

  /** `peer` signalled off its link for the link's repair (an ICE restart), which may take `graceMs`. */
  peerAlive(peer: PeerId, graceMs: number): void {
    this.input(() => this.node.peerAlive(peer, graceMs));
  }

  /** Bytes, text or a decoded value from an untrusted link. */
  receive(peer: PeerId, raw: unknown): void {
    this.input(() => this.node.receive(peer, raw));
  }

  /** A message object from an in-process link (simulator, tests): admission's trusted path. */
  receiveTrusted(peer: PeerId, message: Message): void {
    // input() without its closure: the simulator calls this for every message.
    if (this.stopped) return;
    this.node.receiveTrusted(peer, message);
    this.pump();
  }

  /** Candidates from a bootstrap service: tick at once so the node asks for links now, not next period. */
  introduce(peers: readonly PeerId[]): void {
    this.input(() => {
      if (peers.length > 0) this.node.introduce(peers);
      this.node.tick(this.ports.clock.now());
    });
  }

  /** A local operation (publish, add, setRegister...): runs it, then carries out what it caused. */
  act<T>(operation: (node: GossipNode) => T): T {
    const result = operation(this.node);
    this.pump();
    return result;
  }

  /**
   * Carries out what the node has queued. Only for code that called the node directly (the tests'
   * hand-driven network); everything else goes through an input or `act`.
   */
  flush(): void {
    this.pump();
  }

  /** Starts ticking (call once the ports are wired). */
  start(): void {
    this.pump();
  }

  /** No more ticks, sends or events (a closed tab, a crashed simulated node). */
  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
  }

  // ---- the loop -----------------------------------------------------------------------------

  private input(apply: () => void): void {
    if (this.stopped) return;
    apply();
    this.pump();
  }

  /** Runs the node's output until it is quiet. Re-entrant calls (an action causing input) fold in. */
  private pump(): void {
    if (this.stopped) return;
    if (this.pumping) return; // the outer pump sees what this input queued
    this.pumping = true;
    let emitted = false;
    try {
      // Until the node is quiet (re-entrant inputs only add output, which the check sees); an empty
      // drain is skipped, it would allocate for nothing.
      while (!this.stopped && this.node.hasOutput()) {
        const { actions, events } = this.node.drain();
        for (const action of actions) this.execute(action);
        for (const event of events) this.dispatch(event);
        if (events.length > 0) emitted = true;
      }
    } finally {
      this.pumping = false;
    }
    if (emitted) this.ports.observer?.settled?.();
    this.schedule();
  }

  private execute(action: Action): void {
    const links = this.ports.links;
    switch (action.type) {
      case 'send':
        this.counts.count(action.message, links.send(action.to, action.message));
        return;
      case 'connect':
        links.connect(action.peer);
        return;
      case 'disconnect':
        links.disconnect(action.peer);
        return;
    }
  }

  private dispatch(event: NodeEvent): void {
    if (event.type === 'signal') this.ports.signals?.deliver(event.from, event.data);
    else if (event.type === 'lonely') this.askForIntroductions();
    this.ports.observer?.event(event);
  }

  private askForIntroductions(): void {
    const bootstrap = this.ports.bootstrap;
    if (bootstrap === undefined || this.askingForIntroductions) return;
    const answer = bootstrap.introductions();
    if (!(answer instanceof Promise)) {
      this.introduce(answer);
      return;
    }
    this.askingForIntroductions = true;
    void answer.then((peers) => {
      this.askingForIntroductions = false;
      if (peers.length > 0) this.introduce(peers);
    });
  }

  /** An earlier pending timer is kept: ticking early is harmless, and it sets the next one. */
  private schedule(): void {
    if (this.stopped) return;
    const at = this.node.nextTickAt();
    if (this.cancelTimer !== null && this.timerAt <= at) return;
    this.cancelTimer?.();
    this.timerAt = at;
    this.cancelTimer = this.ports.clock.setTimer(at, this.onTimer);
  }
}

/**
 * Test support only: a few GossipNodes with real keys (Identity signs, a sync ProofVerifier
 * checks), wired by hand over encoded text, the untrusted path a tab takes. A `rogue` sends
 * whatever raw text it likes to a node, as a modified client on a data channel would.
 */
import { seededRandom } from '../core/env.ts';
import type { PeerId } from '../core/ids.ts';
import { GossipNode } from '../core/node.ts';
import type { NodeEvent } from '../core/outbox.ts';
import { encode, type Message } from '../core/wire.ts';
import { Identity } from './identity.ts';
import { ProofVerifier } from './verifier.ts';

export class SignedNet {
  now = 1_000_000;
  readonly nodes = new Map<PeerId, GossipNode>();
  readonly identities = new Map<PeerId, Identity>();
  readonly events = new Map<PeerId, NodeEvent[]>();

  add(seedByte: number): GossipNode {
    const identity = Identity.fromSeed(new Uint8Array(32).fill(seedByte));
    const node = new GossipNode(
      identity.id,
      { now: () => this.now, random: seededRandom(seedByte) },
      { shareTopology: true },
      { signer: identity, verifier: new ProofVerifier({ mode: 'sync' }) },
    );
    this.nodes.set(identity.id, node);
    this.identities.set(identity.id, identity);
    this.events.set(identity.id, []);
    return node;
  }

  link(a: GossipNode, b: GossipNode): void {
    a.connected(b.id);
    b.connected(a.id);
    this.settle();
  }

  /** Raw text from `from` to node `to` (a rogue's own link), then everything it causes. */
  inject(from: PeerId, to: GossipNode, message: Message | string): void {
    to.receive(from, typeof message === 'string' ? message : encode(message));
    this.settle();
  }

  /** Lets `ms` of virtual time pass in steps of `stepMs`, ticking every node (anti-entropy, refreshes). */
  run(ms: number, stepMs = 100): void {
    for (let t = 0; t < ms; t += stepMs) {
      this.now += stepMs;
      for (const node of this.nodes.values()) node.tick(this.now);
      this.settle();
    }
  }

  /** Delivers every queued send over the encoded path until the network is quiet (bounded). */
  settle(maxRounds = 200): void {
    for (let round = 0; round < maxRounds; round++) {
      let moved = false;
      for (const node of this.nodes.values()) {
        const { actions, events } = node.drain();
        this.events.get(node.id)?.push(...events);
        for (const action of actions) {
          if (action.type !== 'send') continue;
          const to = this.nodes.get(action.to);
          if (to === undefined) continue;
          moved = true;
          to.receive(node.id, encode(action.message));
        }
      }
      if (!moved) return;
    }
    throw new Error(`network not quiet after ${maxRounds} rounds`);
  }

  eventsOf<T extends NodeEvent['type']>(node: GossipNode, type: T): Array<Extract<NodeEvent, { type: T }>> {
    return (this.events.get(node.id) ?? []).filter((e): e is Extract<NodeEvent, { type: T }> => e.type === type);
  }
}

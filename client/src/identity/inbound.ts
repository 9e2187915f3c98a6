import type { PeerId } from '../core/ids.ts';
import type { ProofVerifier } from './verifier.ts';

/**
 * The driver's side of verification: each message from a link has its signatures checked on
 * WebCrypto (asynchronously, off the node's loop) and is then handed on, in the order it arrived
 * on that link. Only what the verifier saw reaches the node, so the node's synchronous check is
 * a look-up.
 */
export class VerifiedInbound {
  private readonly tails = new Map<PeerId, Promise<void>>();

  constructor(
    private readonly verifier: ProofVerifier,
    /** `arrivedAt`: when the message came off its link (diagnostics: the time verification took). */
    private readonly deliver: (peer: PeerId, raw: unknown, arrivedAt: number) => void,
  ) {}

  receive(peer: PeerId, raw: unknown, arrivedAt: number): void {
    const previous = this.tails.get(peer) ?? Promise.resolve();
    const checked = this.verifier.prepare(raw);
    const tail = Promise.all([previous, checked]).then(() => {
      if (this.tails.get(peer) === tail) this.tails.delete(peer);
      this.deliver(peer, raw, arrivedAt);
    });
    this.tails.set(peer, tail);
  }
}

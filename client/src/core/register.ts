import type { PeerId } from './ids.ts';
import { registerText, type Signer } from './signed.ts';
import type { RegisterValue } from './wire.ts';

/** Last-writer-wins: the newer timestamp wins; equal timestamps are broken by the larger origin id. */
export function newerRegister(a: RegisterValue | null, b: RegisterValue | null): RegisterValue | null {
  if (a === null) return b;
  if (b === null) return a;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp ? a : b;
  if (a.origin !== b.origin) return a.origin > b.origin ? a : b;
  // Same writer, same instant: pick deterministically so merge stays commutative.
  return a.value >= b.value ? a : b;
}

export class LWWRegister {
  private current: RegisterValue | null = null;

  get(): RegisterValue | null {
    return this.current;
  }

  /** A local write always wins over what this node has seen, even if its clock lags behind. */
  set(origin: PeerId, value: string, now: number, signer: Signer | null = null): RegisterValue {
    const timestamp = this.current === null ? now : Math.max(now, this.current.timestamp + 1);
    const write: RegisterValue = { value, timestamp, origin };
    this.current = signer === null ? write : { ...write, proof: signer.sign(registerText(write)) };
    return this.current;
  }

  /** Returns true when the remote value won (and so is worth forwarding). */
  merge(remote: RegisterValue | null): boolean {
    const winner = newerRegister(this.current, remote);
    if (winner === this.current) return false;
    this.current = winner;
    return true;
  }
}

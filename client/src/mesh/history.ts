import type { NodeEvent } from '../core/outbox.ts';
import type { DeliveredRumor } from './contract.ts';
import { deliveredRumor } from './delivered-rumor.ts';

/** Rumors kept for rumors(); the oldest go first. */
const MAX_KEPT_RUMORS = 2000;
/** Neighbours declared gone for silence, kept for diagnostics() (the benchmark counts false evictions). */
const MAX_KEPT_SILENT = 64;

/** What a peer remembers of its node's events for the contract's queries, bounded. */
export class EventHistory {
  private readonly delivered: DeliveredRumor[] = [];
  private readonly silent: Array<{ peer: string; at: number }> = [];

  record(event: NodeEvent): void {
    if (event.type === 'peer-gone' && event.reason === 'silent') {
      this.silent.push({ peer: event.peer, at: Date.now() });
      if (this.silent.length > MAX_KEPT_SILENT) this.silent.shift();
    }
    if (event.type !== 'rumor') return;
    this.delivered.push(deliveredRumor(event));
    if (this.delivered.length > MAX_KEPT_RUMORS) this.delivered.splice(0, this.delivered.length - MAX_KEPT_RUMORS);
  }

  /** Copies: callers may keep or change them. */
  rumors(): DeliveredRumor[] {
    return this.delivered.map((r) => ({ ...r }));
  }

  silentPeers(): ReadonlyArray<{ peer: string; at: number }> {
    return this.silent;
  }
}

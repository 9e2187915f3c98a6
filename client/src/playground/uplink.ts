/**
 * Each node's uplink: everything a node sends leaves through one pipe of `throughputBytesPerMs`,
 * one message after another (first in, first out). This is what makes naive broadcast slow when
 * throughput is low: the origin's N-1 copies queue behind each other, while a gossiping node sends
 * only a few. Loss is drawn per message from the run's own random stream; a lost message still
 * used the sender's uplink. Pure: no DOM, no clock.
 */
export class Uplinks {
  private readonly busyUntil: Float64Array;

  constructor(
    nodes: number,
    readonly throughputBytesPerMs: number,
    readonly loss: number,
    private readonly random: () => number,
  ) {
    if (!(throughputBytesPerMs > 0) || !Number.isFinite(throughputBytesPerMs)) {
      throw new RangeError(`throughputBytesPerMs must be a finite number > 0, got ${throughputBytesPerMs}`);
    }
    if (!(loss >= 0 && loss <= 1)) throw new RangeError(`loss must be in [0, 1], got ${loss}`);
    this.busyUntil = new Float64Array(nodes);
  }

  /** A message of `bytes` enters `from`'s queue at `now`: when its last byte has left. */
  depart(from: number, bytes: number, now: number): number {
    const start = Math.max(now, this.busyUntil[from] as number);
    const departAt = start + bytes / this.throughputBytesPerMs;
    this.busyUntil[from] = departAt;
    return departAt;
  }

  /** Draws whether the next message is lost. */
  lost(): boolean {
    return this.loss > 0 && this.random() < this.loss;
  }

  /** How long what is already queued at `node` keeps its uplink busy after `now`. */
  backlogMs(node: number, now: number): number {
    return Math.max(0, (this.busyUntil[node] as number) - now);
  }
}

/**
 * Time across peers. Peers' clocks are not synced; this file is the one place that says where the
 * core compares times from different peers and why that is safe.
 *
 * Ordering (register writes, topology versions): a hybrid logical clock. A stamp is an integer
 * number of milliseconds that is at least the local wall clock and greater than every stamp this
 * node issued or accepted before, so a write made after seeing another one always wins over it,
 * whatever the two clocks say. The logical part is folded into the millisecond: two events in one
 * millisecond take consecutive milliseconds (the stamp runs ahead of the wall clock only while a
 * node issues more than 1000 stamps a second, and catches up when it slows down).
 *
 * Stamps from others are accepted only up to `MAX_CLOCK_SKEW_MS` ahead of our own wall clock:
 * a peer whose clock is further ahead (or lying) cannot push the mesh's clocks into the future.
 *
 * Wall time, where it is safe as is:
 * - rumor expiry compares the origin's `sentAt` with our clock: a skew of s shortens or lengthens
 *   a rumor's life by s, against a retention of minutes;
 * - aggregate epochs are `floor(now / epochMs)`: peers whose clocks differ by s spend s of every
 *   epoch in different epochs, and the larger epoch wins; with s well under epochMs the estimate
 *   is disturbed for a fraction s / epochMs of each epoch;
 * - latency figures (receivedAt - sentAt) are only meaningful between tabs of one machine.
 */

/** How far ahead of our clock another peer's stamp may be and still be taken. */
export const MAX_CLOCK_SKEW_MS = 60_000;

export class HybridClock {
  private last = 0;

  constructor(private readonly wallMs: () => number) {}

  /** A stamp for a local event: later than anything seen, never behind the wall clock. */
  now(): number {
    this.last = Math.max(Math.floor(this.wallMs()), this.last + 1);
    return this.last;
  }

  /** Takes a remote stamp into account; false (and ignored) when it is too far in the future. */
  observe(stamp: number): boolean {
    if (!this.acceptable(stamp)) return false;
    if (stamp > this.last) this.last = stamp;
    return true;
  }

  /** Within the tolerated skew of our wall clock. */
  acceptable(stamp: number): boolean {
    return stamp <= this.wallMs() + MAX_CLOCK_SKEW_MS;
  }
}

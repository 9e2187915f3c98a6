/**
 * A set of positive integers stored as sorted, disjoint, non-adjacent inclusive ranges.
 * An origin's rumors arrive mostly in order, so what a node has seen from it is one or two ranges,
 * which keeps anti-entropy digests tiny however many rumors there were.
 */
export class SeqSet {
  private ranges: Array<[number, number]> = [];

  /** Past `maxRanges`, the two oldest ranges are joined (the gap between counts as seen): bounded state. */
  constructor(private readonly maxRanges = Infinity) {}

  has(seq: number): boolean {
    for (const [from, to] of this.ranges) {
      if (seq < from) return false;
      if (seq <= to) return true;
    }
    return false;
  }

  /** Returns false when `seq` was already present. */
  add(seq: number): boolean {
    const ranges = this.ranges;
    let i = 0;
    while (i < ranges.length && (ranges[i] as [number, number])[1] < seq - 1) i++;
    const at = ranges[i];
    if (at === undefined || at[0] > seq + 1) {
      ranges.splice(i, 0, [seq, seq]);
      if (ranges.length > this.maxRanges) this.joinOldest();
      return true;
    }
    if (seq >= at[0] && seq <= at[1]) return false;
    if (seq === at[0] - 1) at[0] = seq;
    else {
      at[1] = seq;
      const next = ranges[i + 1];
      if (next !== undefined && next[0] === seq + 1) {
        at[1] = next[1];
        ranges.splice(i + 1, 1);
      }
    }
    return true;
  }

  private joinOldest(): void {
    const [first, second] = this.ranges as [[number, number], [number, number]];
    second[0] = first[0];
    this.ranges.shift();
  }

  /** Copies of the ranges, newest last; `limit` keeps the newest ones (what a digest can carry). */
  toRanges(limit = Infinity): Array<[number, number]> {
    const kept = limit < this.ranges.length ? this.ranges.slice(this.ranges.length - limit) : this.ranges;
    return kept.map(([a, b]) => [a, b]);
  }

  static fromRanges(ranges: ReadonlyArray<readonly [number, number]>): SeqSet {
    const set = new SeqSet();
    for (const [from, to] of ranges) {
      // Ranges come from peers: walk them without trusting order, but never expand huge spans.
      if (to - from > 1_000_000) continue;
      for (let s = from; s <= to; s++) set.add(s);
    }
    return set;
  }

  get rangeCount(): number {
    return this.ranges.length;
  }
}

/** Membership test against a peer's digest ranges without building a set. */
export function inRanges(ranges: ReadonlyArray<readonly [number, number]>, seq: number): boolean {
  for (const [from, to] of ranges) if (seq >= from && seq <= to) return true;
  return false;
}

/**
 * The simulator's agenda: a binary min-heap keyed by (time, insertion sequence). Two events at the
 * same virtual time come out in the order they were scheduled, so a run never depends on how the
 * heap happens to break ties: same seed, same order, same run.
 *
 * Keys live in parallel arrays (no wrapper object per event): the simulator pushes millions.
 */
export class EventQueue<T> {
  private times: number[] = [];
  private seqs: number[] = [];
  private items: T[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.items.length;
  }

  /** Schedules `item` at `time` (any finite number; ties keep insertion order); returns its sequence number. */
  push(time: number, item: T): number {
    if (!Number.isFinite(time)) throw new RangeError(`event time must be finite, got ${time}`);
    const times = this.times;
    const seqs = this.seqs;
    const items = this.items;
    const seq = this.nextSeq++;
    let i = items.length;
    times.push(time);
    seqs.push(seq);
    items.push(item);
    // Sift up.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent] as number;
      if (pt < time || (pt === time && (seqs[parent] as number) < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent] as number;
      items[i] = items[parent] as T;
      i = parent;
    }
    times[i] = time;
    seqs[i] = seq;
    items[i] = item;
    return seq;
  }

  /** Time of the earliest event, or undefined when empty. */
  peekTime(): number | undefined {
    return this.times[0];
  }

  /** Removes and returns the earliest item (undefined when empty); `lastTime` then holds its time. */
  pop(): T | undefined {
    const items = this.items;
    const n = items.length;
    if (n === 0) return undefined;
    const times = this.times;
    const seqs = this.seqs;
    const top = items[0] as T;
    this.lastTime = times[0] as number;
    this.lastSeq = seqs[0] as number;
    const lastItem = items.pop() as T;
    const lastT = times.pop() as number;
    const lastS = seqs.pop() as number;
    const size = n - 1;
    if (size > 0) {
      // Sift the former last element down from the root.
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= size) break;
        const right = left + 1;
        let child = left;
        let ct = times[left] as number;
        let cs = seqs[left] as number;
        if (right < size) {
          const rt = times[right] as number;
          const rs = seqs[right] as number;
          if (rt < ct || (rt === ct && rs < cs)) {
            child = right;
            ct = rt;
            cs = rs;
          }
        }
        if (lastT < ct || (lastT === ct && lastS < cs)) break;
        times[i] = ct;
        seqs[i] = cs;
        items[i] = items[child] as T;
        i = child;
      }
      times[i] = lastT;
      seqs[i] = lastS;
      items[i] = lastItem;
    }
    return top;
  }

  /** The time of the item most recently returned by `pop`. */
  lastTime = 0;
  /** The sequence number (what `push` returned) of the item most recently returned by `pop`. */
  lastSeq = -1;

  clear(): void {
    this.times = [];
    this.seqs = [];
    this.items = [];
  }
}

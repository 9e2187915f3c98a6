import { fnv1a } from './hash.ts';
import { rumorId, type PeerId, type RumorId } from './ids.ts';
import type { Options } from './options.ts';
import { SeqSet, inRanges } from './seq-set.ts';
import { rumorText, type Signer } from './signed.ts';
import { MAX_CLOCK_SKEW_MS } from './time.ts';
import {
  MAX_DIGEST_ORIGINS,
  MAX_IDS_PER_MESSAGE,
  MAX_RANGES_PER_ORIGIN,
  MAX_RUMORS_PER_MESSAGE,
  utf8Length,
  type DigestEntry,
  type Rumor,
} from './wire.ts';

interface Stored {
  rumor: Rumor;
  bytes: number;
  receivedAt: number;
  /** Still being pushed (rumor mongering) until enough peers said they had it. */
  hot: boolean;
  duplicatesHeard: number;
}

/** Rumor payloads per message, well under the 16 KiB data channel limit with the digest beside them. */
const RUMOR_BUDGET_BYTES = 9 * 1024;
/** Wire overhead of one rumor besides its payload (ids, numbers, JSON punctuation). */
const RUMOR_OVERHEAD_BYTES = 160;
/** Origins remembered for dedup; beyond this the least recently active is forgotten. */
const MAX_TRACKED_ORIGINS = 4 * MAX_DIGEST_ORIGINS;
/**
 * Gaps remembered per origin. An honest origin numbers its rumors 1, 2, 3... so its set is one range
 * plus transient gaps; an origin that skips numbers on purpose gets its oldest gaps filled (those
 * numbers count as seen) instead of growing our state (38k ranges were seen before this bound).
 */
const MAX_RANGES_PER_TRACKED_ORIGIN = 4 * MAX_RANGES_PER_ORIGIN;

export type Acceptance = 'new' | 'duplicate' | 'expired';

/**
 * The rumor store: dedup by id, the hot set for push, digests for pull and anti-entropy,
 * and expiry. It decides what to send; node.ts decides when and to whom.
 */
export class RumorStore {
  private readonly stored = new Map<RumorId, Stored>();
  private readonly hotIds = new Set<RumorId>();
  /** Per origin, every sequence number seen (payloads may be gone, the ids are not). */
  private readonly seen = new Map<PeerId, SeqSet>();
  private lastSeq = 0;

  constructor(
    private readonly self: PeerId,
    private readonly options: Options,
    private readonly signer: Signer | null = null,
  ) {}

  create(payload: string, now: number): Rumor {
    const unsigned: Rumor = { origin: this.self, seq: ++this.lastSeq, sentAt: now, hops: 0, payload };
    const rumor = this.signer === null ? unsigned : { ...unsigned, proof: this.signer.sign(rumorText(unsigned)) };
    this.accept(rumor, now);
    return rumor;
  }

  /** Stores a rumor as received (its hop count already incremented by the caller). */
  accept(rumor: Rumor, now: number): Acceptance {
    // Stamped in the future it would never expire: refused like an expired one.
    if (now - rumor.sentAt > this.options.rumorRetentionMs || rumor.sentAt > now + MAX_CLOCK_SKEW_MS) return 'expired';
    let seqs = this.seen.get(rumor.origin);
    if (seqs === undefined) {
      seqs = new SeqSet(MAX_RANGES_PER_TRACKED_ORIGIN);
      if (this.seen.size >= MAX_TRACKED_ORIGINS) this.forgetOldestOrigin();
    } else this.seen.delete(rumor.origin);
    this.seen.set(rumor.origin, seqs); // re-insert: Map order is recency order
    if (!seqs.add(rumor.seq)) return 'duplicate';
    const id = rumorId(rumor.origin, rumor.seq);
    this.stored.set(id, { rumor, bytes: utf8Length(rumor.payload) + RUMOR_OVERHEAD_BYTES, receivedAt: now, hot: true, duplicatesHeard: 0 });
    this.hotIds.add(id);
    if (this.stored.size > this.options.maxRumors) this.drop(this.stored.keys().next().value as RumorId);
    return 'new';
  }

  has(id: RumorId): boolean {
    return this.stored.has(id);
  }

  /** The stored rumor, if its payload is still here. */
  get(id: RumorId): Rumor | undefined {
    return this.stored.get(id)?.rumor;
  }

  /** Seen at some point (its payload may be gone since): nothing to ask anyone for. */
  hasSeen(origin: PeerId, seq: number): boolean {
    return this.seen.get(origin)?.has(seq) ?? false;
  }

  /** Hot rumors to push this round, within one message's budget. */
  hot(now: number): Rumor[] {
    const picked: Stored[] = [];
    for (const id of this.hotIds) {
      const entry = this.stored.get(id);
      if (entry === undefined || now - entry.receivedAt > this.options.hotForMs) {
        this.cool(id);
        continue;
      }
      picked.push(entry);
    }
    return this.pack(picked);
  }

  /** Feedback: the peer we pushed these to had them already. */
  heardDuplicates(ids: readonly RumorId[]): void {
    for (const id of ids) {
      const entry = this.stored.get(id);
      if (entry === undefined || !entry.hot) continue;
      entry.duplicatesHeard++;
      if (entry.duplicatesHeard >= this.options.stopAfterDuplicates) this.cool(id);
    }
  }

  digest(): DigestEntry[] {
    const entries: DigestEntry[] = [];
    // Most recently active origins last in the map; those are the ones worth describing.
    const origins = [...this.seen.keys()].slice(-MAX_DIGEST_ORIGINS);
    for (const origin of origins) {
      const seqs = this.seen.get(origin) as SeqSet;
      entries.push([origin, seqs.toRanges(MAX_RANGES_PER_ORIGIN)]);
    }
    return entries;
  }

  /** A short hash of the digest, independent of origin order: equal knowledge, equal hash. */
  digestHash(): string {
    return fnv1a(JSON.stringify(this.digest().sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))).toString(36);
  }

  /** Rumors we hold that a peer's digest does not list, oldest first, within one message. */
  missingFrom(digest: readonly DigestEntry[]): Rumor[] {
    const theirs = new Map(digest);
    const missing: Stored[] = [];
    for (const entry of this.stored.values()) {
      const ranges = theirs.get(entry.rumor.origin);
      if (ranges === undefined || !inRanges(ranges, entry.rumor.seq)) missing.push(entry);
      if (missing.length >= MAX_RUMORS_PER_MESSAGE) break;
    }
    return this.pack(missing);
  }

  /** Ids among `rumors` we already had, capped to what one message may carry. */
  static duplicateIds(rumors: readonly Rumor[], outcomes: readonly Acceptance[]): RumorId[] {
    const ids: RumorId[] = [];
    rumors.forEach((r, i) => {
      if (outcomes[i] === 'duplicate' && ids.length < MAX_IDS_PER_MESSAGE) ids.push(rumorId(r.origin, r.seq));
    });
    return ids;
  }

  expire(now: number): void {
    for (const [id, entry] of this.stored) {
      if (now - entry.rumor.sentAt <= this.options.rumorRetentionMs) continue;
      this.drop(id);
    }
  }

  all(): Rumor[] {
    return [...this.stored.values()].map((s) => s.rumor);
  }

  get size(): number {
    return this.stored.size;
  }

  get hotCount(): number {
    return this.hotIds.size;
  }

  private pack(entries: readonly Stored[]): Rumor[] {
    const rumors: Rumor[] = [];
    let bytes = 0;
    for (const entry of entries) {
      if (rumors.length >= MAX_RUMORS_PER_MESSAGE || bytes + entry.bytes > RUMOR_BUDGET_BYTES) break;
      bytes += entry.bytes;
      rumors.push(entry.rumor);
    }
    return rumors;
  }

  private cool(id: RumorId): void {
    this.hotIds.delete(id);
    const entry = this.stored.get(id);
    if (entry !== undefined) entry.hot = false;
  }

  private drop(id: RumorId): void {
    this.stored.delete(id);
    this.hotIds.delete(id);
  }

  private forgetOldestOrigin(): void {
    const oldest = this.seen.keys().next().value;
    if (oldest !== undefined && oldest !== this.self) this.seen.delete(oldest);
  }
}

/**
 * The server's abuse limits as small pure pieces (clock injected), applied by server.ts:
 * token buckets for rates, and counts of live sockets per address.
 */

/** Tokens refill at `perSec` up to `burst`; take() spends one if there is one. */
export class TokenBucket {
  private tokens: number;
  private at: number;
  constructor(
    private readonly perSec: number,
    private readonly burst: number,
    nowMs: number,
  ) {
    this.tokens = burst;
    this.at = nowMs;
  }

  take(nowMs: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((nowMs - this.at) / 1000) * this.perSec);
    this.at = nowMs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Full again: nothing to remember. */
  idle(nowMs: number): boolean {
    return this.tokens + ((nowMs - this.at) / 1000) * this.perSec >= this.burst;
  }
}

/** Buckets by key (sender->target pair, address), forgetting full ones so the map stays small. */
export class BucketMap {
  private readonly buckets = new Map<string, TokenBucket>();
  constructor(
    private readonly perSec: number,
    private readonly burst: number,
    /** Sweep idle buckets once the map holds this many. */
    private readonly sweepAt = 10_000,
  ) {}

  take(key: string, nowMs: number): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.sweepAt) this.sweep(nowMs);
      bucket = new TokenBucket(this.perSec, this.burst, nowMs);
      this.buckets.set(key, bucket);
    }
    return bucket.take(nowMs);
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(nowMs: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.idle(nowMs)) this.buckets.delete(key);
  }
}

/** Live sockets per remote address, by transport kind. */
export class AddressCounts {
  private readonly counts = new Map<string, number>();
  get(address: string): number {
    return this.counts.get(address) ?? 0;
  }
  add(address: string): void {
    this.counts.set(address, this.get(address) + 1);
  }
  remove(address: string): void {
    const n = this.get(address) - 1;
    if (n <= 0) this.counts.delete(address);
    else this.counts.set(address, n);
  }
}

/**
 * Origins allowed to open a socket: absent (not a browser), the server's own host, localhost
 * on any port, or one listed in `allowed` ("*" allows all). "null" (sandboxed/file pages) is refused.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (host !== undefined && url.host === host) return true;
  return url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
}

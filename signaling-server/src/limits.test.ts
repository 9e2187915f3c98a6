import { describe, expect, it } from 'vitest';
import { AddressCounts, BucketMap, originAllowed, TokenBucket } from './limits.ts';

describe('TokenBucket', () => {
  it('allows a burst, then the refill rate', () => {
    const bucket = new TokenBucket(10, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.take(50)).toBe(false);
    expect(bucket.take(100)).toBe(true);
    expect(bucket.idle(100)).toBe(false);
    expect(bucket.idle(1000)).toBe(true);
  });
});

describe('BucketMap', () => {
  it('keeps one bucket per key and forgets idle ones when it grows', () => {
    const map = new BucketMap(1, 1, 3);
    expect(map.take('a', 0)).toBe(true);
    expect(map.take('a', 0)).toBe(false);
    expect(map.take('b', 0)).toBe(true);
    map.take('c', 0);
    expect(map.size).toBe(3);
    // At 10 s every bucket is full again, so the sweep empties the map before adding d.
    expect(map.take('d', 10_000)).toBe(true);
    expect(map.size).toBe(1);
  });
});

describe('AddressCounts', () => {
  it('counts up and down, forgetting zeros', () => {
    const counts = new AddressCounts();
    counts.add('1.2.3.4');
    counts.add('1.2.3.4');
    counts.remove('1.2.3.4');
    expect(counts.get('1.2.3.4')).toBe(1);
    counts.remove('1.2.3.4');
    expect(counts.get('1.2.3.4')).toBe(0);
  });
});

describe('originAllowed', () => {
  it('allows no origin, the own host, localhost and listed ones; refuses null and others', () => {
    expect(originAllowed(undefined, 'h:1', [])).toBe(true);
    expect(originAllowed('https://mesh.example', 'mesh.example', [])).toBe(true);
    expect(originAllowed('http://localhost:5173', 'mesh.example', [])).toBe(true);
    expect(originAllowed('http://127.0.0.1:9', 'mesh.example', [])).toBe(true);
    expect(originAllowed('https://evil.example', 'mesh.example', [])).toBe(false);
    expect(originAllowed('null', 'mesh.example', [])).toBe(false);
    expect(originAllowed('https://other.example', 'mesh.example', ['https://other.example'])).toBe(true);
    expect(originAllowed('https://any.example', 'mesh.example', ['*'])).toBe(true);
    expect(originAllowed('file://x', 'mesh.example', [])).toBe(false);
  });
});

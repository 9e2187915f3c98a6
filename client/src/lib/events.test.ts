import { describe, expect, it } from 'vitest';
import { Emitter } from './events.ts';

describe('Emitter', () => {
  it('delivers after the current step, in order, until unsubscribed', async () => {
    const events = new Emitter<{ n: number }>();
    const seen: number[] = [];
    const off = events.on('n', (n) => seen.push(n));
    events.emit('n', 1);
    events.emit('n', 2);
    expect(seen).toEqual([]);
    await Promise.resolve();
    expect(seen).toEqual([1, 2]);
    off();
    events.emit('n', 3);
    await Promise.resolve();
    expect(seen).toEqual([1, 2]);
  });
});

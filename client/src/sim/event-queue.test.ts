import { describe, expect, it } from 'vitest';
import { seededRandom } from '../core/env.ts';
import { EventQueue } from './event-queue.ts';

function drain<T>(queue: EventQueue<T>): Array<[number, T]> {
  const out: Array<[number, T]> = [];
  for (let item = queue.pop(); item !== undefined; item = queue.pop()) out.push([queue.lastTime, item]);
  return out;
}

describe('EventQueue', () => {
  it('pops in time order', () => {
    const queue = new EventQueue<string>();
    queue.push(30, 'c');
    queue.push(10, 'a');
    queue.push(20, 'b');
    expect(queue.size).toBe(3);
    expect(queue.peekTime()).toBe(10);
    expect(drain(queue)).toEqual([
      [10, 'a'],
      [20, 'b'],
      [30, 'c'],
    ]);
    expect(queue.size).toBe(0);
    expect(queue.pop()).toBeUndefined();
    expect(queue.peekTime()).toBeUndefined();
  });

  it('breaks ties by insertion order, however the heap is shaped', () => {
    const queue = new EventQueue<number>();
    for (let i = 0; i < 100; i++) queue.push(5, i);
    queue.push(1, -1);
    for (let i = 100; i < 200; i++) queue.push(5, i);
    const order = drain(queue).map(([, item]) => item);
    expect(order).toEqual([-1, ...Array.from({ length: 200 }, (_, i) => i)]);
  });

  it('matches a stable sort on random input, with pushes interleaved with pops', () => {
    const random = seededRandom(7);
    const queue = new EventQueue<number>();
    const reference: Array<{ time: number; seq: number }> = [];
    const popped: number[] = [];
    const expected: number[] = [];
    let seq = 0;
    let now = 0;
    for (let step = 0; step < 20_000; step++) {
      if (random() < 0.6 || reference.length === 0) {
        // Small integer times: plenty of ties.
        const time = now + Math.floor(random() * 20);
        queue.push(time, seq);
        reference.push({ time, seq });
        seq++;
      } else {
        reference.sort((a, b) => a.time - b.time || a.seq - b.seq);
        const first = reference.shift() as { time: number; seq: number };
        expected.push(first.seq);
        popped.push(queue.pop() as number);
        expect(queue.lastTime).toBe(first.time);
        now = first.time;
      }
    }
    expect(popped).toEqual(expected);
    expect(queue.size).toBe(reference.length);
  });

  it('rejects times that are not finite', () => {
    const queue = new EventQueue<string>();
    expect(() => queue.push(Number.NaN, 'x')).toThrow(RangeError);
    expect(() => queue.push(Number.POSITIVE_INFINITY, 'x')).toThrow(RangeError);
    expect(queue.size).toBe(0);
  });

  it('clear empties it', () => {
    const queue = new EventQueue<string>();
    queue.push(1, 'a');
    queue.clear();
    expect(queue.size).toBe(0);
    queue.push(2, 'b');
    expect(drain(queue)).toEqual([[2, 'b']]);
  });
});

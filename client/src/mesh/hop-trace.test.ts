import { describe, expect, it } from 'vitest';
import { asPeerId } from '../core/ids.ts';
import type { Message, Rumor } from '../core/wire.ts';
import { HopTrace } from './hop-trace.ts';

const origin = asPeerId('origin-peer');
const rumor = (seq: number): Rumor => ({ origin, seq, sentAt: 1, hops: 2, payload: 'x' });

describe('HopTrace', () => {
  it('gives a rumor delivered inside a receive its arrival times, and each neighbour its first copy', () => {
    let now = 100;
    const trace = new HopTrace(() => now);
    now = 105;
    trace.around(100, () => {
      now = 106;
      const push: Message = { t: 'push', rumors: [rumor(1)], seen: [], wantFeedback: false };
      expect(trace.sent('b', push, true)).toBe(true);
      now = 107;
      expect(trace.sent('c', push, false)).toBe(false);
      trace.sent('b', push, true);
      trace.event({ type: 'rumor', rumor: rumor(1), from: asPeerId('a'), receivedAt: 105.5 });
    });
    expect(trace.list()).toEqual([
      { id: `${origin}:1`, from: 'a', hops: 2, frameAt: 100, verifiedAt: 105, deliveredAt: 105.5, sends: [['b', 106], ['c', 107]] },
    ]);
  });

  it('records a rumor published here without arrival times, ignores other messages, and keeps the latest 64', () => {
    const trace = new HopTrace(() => 5);
    trace.sent('b', { t: 'ping', n: 1 }, true);
    for (let seq = 1; seq <= 70; seq++) trace.event({ type: 'rumor', rumor: rumor(seq), from: null, receivedAt: 5 });
    const list = trace.list();
    expect(list).toHaveLength(64);
    expect(list[0]).toMatchObject({ id: `${origin}:7`, from: null, frameAt: null, verifiedAt: null, deliveredAt: 5 });
  });
});

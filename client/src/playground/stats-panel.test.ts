import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type PlaygroundConfig } from './config.ts';
import { rumorMessageBytesFor } from './model.ts';
import { PlaygroundRun } from './run.ts';
import { sentSoFar } from './stats-panel.ts';
import { buildOverlay } from './topology.ts';

const config = (over: Partial<PlaygroundConfig>): PlaygroundConfig => ({ ...DEFAULT_CONFIG, nodes: 60, ...over });

function naive(c: PlaygroundConfig, crashAtMs: number | null = null): PlaygroundRun {
  return new PlaygroundRun('naive', c, buildOverlay(c.nodes, c.degree, c.seed), { crashAtMs, horizonMs: 600_000, trackFlights: false });
}

describe('sentSoFar', () => {
  it('reads nothing sent at t = 0, when the naive copies are only queued', () => {
    const r = naive(config({ throughputBytesPerMs: 5 }));
    expect(sentSoFar(r)).toEqual({ messages: 0, bytes: 0, queuedAtOrigin: 59 });
  });

  it('counts a copy once its last byte has left the origin', () => {
    const c = config({ throughputBytesPerMs: 5 });
    const bytes = rumorMessageBytesFor(c);
    const r = naive(c);
    r.advanceTo((3.5 * bytes) / 5);
    const sent = sentSoFar(r);
    expect(sent.messages).toBe(3);
    expect(sent.queuedAtOrigin).toBe(56);
    // Bytes move continuously: three copies and half of the fourth.
    expect(Math.abs(sent.bytes - 3.5 * bytes)).toBeLessThanOrEqual(1);
  });

  it('after the origin crashed, what died in its queue is not sent', () => {
    const c = config({ throughputBytesPerMs: 1, latencyMs: 20 });
    const bytes = rumorMessageBytesFor(c);
    const r = naive(c, 10.5 * bytes);
    r.runToEnd();
    expect(sentSoFar(r)).toEqual({ messages: 10, bytes: 10 * bytes, queuedAtOrigin: 0 });
  });
});

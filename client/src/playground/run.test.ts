import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, GOSSIP_MODES, type PlaygroundConfig } from './config.ts';
import { messageBytes, naiveMessage, ORIGIN, PlaygroundRun, rumorPayload, type RunKind, type RunOptions } from './run.ts';
import { buildOverlay, linkLatencyMs } from './topology.ts';
import { rumorMessageBytesFor } from './model.ts';

const config = (over: Partial<PlaygroundConfig>): PlaygroundConfig => ({ ...DEFAULT_CONFIG, nodes: 60, ...over });
const options = (over: Partial<RunOptions> = {}): RunOptions => ({ crashAtMs: null, horizonMs: 600_000, trackFlights: false, ...over });

function run(kind: RunKind, c: PlaygroundConfig, o: RunOptions = options()): PlaygroundRun {
  const r = new PlaygroundRun(kind, c, buildOverlay(c.nodes, c.degree, c.seed), o);
  r.runToEnd();
  return r;
}

describe('rumor payload', () => {
  it('has the requested length', () => {
    for (const n of [1, 5, 14, 15, 200, 2048]) expect(rumorPayload(n)).toHaveLength(n);
  });
});

describe('naive run', () => {
  it('sends N-1 copies through the origin uplink: copy k lands at k x bytes / throughput + the link latency', () => {
    const c = config({ throughputBytesPerMs: 5, latencyMs: 20 });
    const r = run('naive', c);
    const bytes = rumorMessageBytesFor(c);
    expect(r.stats).toMatchObject({ messages: 59, payloadMessages: 59, bytes: 59 * bytes, lost: 0, delivered: 59 });
    expect(r.informed).toBe(60);
    expect(r.informedAt[ORIGIN]).toBe(0);
    // Each node's arrival time is one of the slots k * bytes / throughput plus its own latency to the origin.
    const slots = new Set<number>();
    for (let i = 1; i < 60; i++) {
      const slot = Math.round(((r.informedAt[i] as number) - linkLatencyMs(c.seed, c.latencyMs, ORIGIN, i)) / (bytes / 5));
      expect((r.informedAt[i] as number) - linkLatencyMs(c.seed, c.latencyMs, ORIGIN, i)).toBeCloseTo((slot * bytes) / 5, 6);
      slots.add(slot);
    }
    expect([...slots].sort((a, b) => a - b)).toEqual(Array.from({ length: 59 }, (_, k) => k + 1));
    expect(r.completeAtMs).toBe(Math.max(...r.informedAt));
    expect(r.done).toBe(true);
  });

  it('loses what was still queued when the origin crashed', () => {
    const c = config({ throughputBytesPerMs: 1, latencyMs: 20 });
    const bytes = rumorMessageBytesFor(c);
    const r = run('naive', c, options({ crashAtMs: 10.5 * bytes }));
    expect(r.informed).toBe(11);
    expect(r.informedLive).toBe(10);
    expect(r.live).toBe(59);
    expect(r.completeAtMs).toBeNull();
    expect(r.stats.droppedByCrash).toBe(49);
    // The 10 copies that got out count as sent; the 49 that died in the queue do not.
    expect(r.stats.messages).toBe(10);
    expect(r.stats.bytes).toBe(10 * bytes);
    expect(r.done).toBe(true);
    // It ends at the crash (the last copy that got out had landed by then), not when the dead ones would have.
    expect(r.now).toBe(10.5 * bytes);
  });

  it('counts its messages with the core’s encoding', () => {
    const c = config({ payloadBytes: 64 });
    const r = new PlaygroundRun('naive', c, buildOverlay(60, 5, 1), options());
    expect(r.rumorMessageBytes).toBe(messageBytes(naiveMessage({ origin: 'n0', seq: 1, sentAt: 0, hops: 0, payload: rumorPayload(64) } as Parameters<typeof naiveMessage>[0])));
  });
});

describe('gossip runs', () => {
  it('every mode reaches every node of the overlay, losses or not', () => {
    for (const mode of GOSSIP_MODES) {
      for (const loss of [0, 0.2]) {
        const r = run(mode, config({ mode, loss, seed: 3 }));
        expect(r.informed, `${mode} loss ${loss}`).toBe(60);
        expect(r.completeAtMs).toBe(r.informedTimesMs.at(-1));
        if (loss > 0) expect(r.stats.lost).toBeGreaterThan(0);
        expect(r.done).toBe(true);
      }
    }
  });

  it('a node learns the rumor only after some message could reach it', () => {
    const c = config({ mode: 'eager', latencyMs: 100 });
    const r = run('eager', c);
    for (let i = 1; i < 60; i++) expect(r.informedAt[i]).toBeGreaterThanOrEqual(50);
    const times = r.informedTimesMs;
    for (let k = 1; k < times.length; k++) expect(times[k]).toBeGreaterThanOrEqual(times[k - 1] as number);
  });

  it('survives the origin crashing once it has passed the rumor on', () => {
    const r = run('push-pull', config({ mode: 'push-pull' }), options({ crashAtMs: 1000 }));
    expect(r.crashedAtMs).toBe(1000);
    expect(r.informedLive).toBe(59);
    expect(r.completeAtMs).not.toBeNull();
  });

  it('stops at once when the origin dies before telling anyone', () => {
    const r = run('push', config({ mode: 'push', throughputBytesPerMs: 0.01 }), options({ crashAtMs: 1 }));
    expect(r.informedLive).toBe(0);
    expect(r.done).toBe(true);
    expect(r.now).toBeLessThan(600_000);
  });

  it('is the same run for the same config, and keeps flights only while they are on the wire', () => {
    const c = config({ mode: 'push', loss: 0.1 });
    const a = run('push', c);
    const b = new PlaygroundRun('push', c, buildOverlay(c.nodes, c.degree, c.seed), options({ trackFlights: true }));
    b.advanceTo(500);
    expect(b.flights.length).toBeGreaterThan(0);
    for (const f of b.flights) expect(f.lost ? (f.departAt + f.arriveAt) / 2 : f.arriveAt).toBeGreaterThan(500);
    b.runToEnd();
    expect(b.informedTimesMs).toEqual(a.informedTimesMs);
    expect(b.stats).toEqual(a.stats);
  });
});

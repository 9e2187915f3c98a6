import { describe, expect, it } from 'vitest';
import { runCompleteGraph, runCompleteGraphSweep } from './complete-graph.ts';
import { theoryRounds } from './theory.ts';

describe('complete-graph baseline', () => {
  it('informs all 10,000 nodes (push-pull) and 2,000 (push, pull), push-pull faster than the lockstep formula (random phases)', () => {
    for (const mode of ['push', 'pull', 'push-pull'] as const) {
      const result = runCompleteGraph({ nodes: mode === 'push-pull' ? 10_000 : 2000, mode, seed: 1 });
      expect(result.coverage, mode).toBe(1);
      expect(result.rounds, mode).not.toBeNull();
      expect(result.perRound.at(-1), mode).toBe(1);
      // Informed fractions never go down.
      for (let r = 1; r < result.perRound.length; r++) expect(result.perRound[r]).toBeGreaterThanOrEqual(result.perRound[r - 1] as number);
    }
    const pushPull = runCompleteGraph({ nodes: 2000, mode: 'push-pull', seed: 2 });
    expect(pushPull.rounds as number).toBeLessThan(theoryRounds('push-pull', 2000) as number);
  });

  it('pull sends each node exactly one copy when a reply comes back within the period', () => {
    const result = runCompleteGraph({ nodes: 2000, mode: 'pull', seed: 3, network: { latency: { kind: 'uniform', minMs: 10, maxMs: 100 } } });
    expect(result.payloadMessages).toBe(1999);
    expect(result.rmr).toBe(0);
  });

  it('stops pushing after stopAfterDuplicates feedbacks: more feedback allowed, more copies', () => {
    const few = runCompleteGraph({ nodes: 2000, mode: 'push', seed: 4, stopAfterDuplicates: 1 });
    const many = runCompleteGraph({ nodes: 2000, mode: 'push', seed: 4, stopAfterDuplicates: 5 });
    expect(many.payloadMessages).toBeGreaterThan(few.payloadMessages);
  });

  it('is replayable from its seed and still covers everyone under 30% loss, only slower', () => {
    const a = runCompleteGraph({ nodes: 3000, mode: 'push-pull', seed: 5 });
    expect(runCompleteGraph({ nodes: 3000, mode: 'push-pull', seed: 5 })).toEqual(a);
    const lossy = runCompleteGraph({ nodes: 3000, mode: 'push-pull', seed: 5, network: { loss: 0.3 } });
    expect(lossy.coverage).toBe(1);
    expect(lossy.rounds as number).toBeGreaterThan(a.rounds as number);
  });

  it('summarizes a sweep per mode and N, and refuses modes it does not model', () => {
    const cells = runCompleteGraphSweep({ modes: ['push-pull', 'pull'], nodes: [300], seeds: 3 });
    expect(cells.map((c) => [c.mode, c.nodes, c.runs, c.reached])).toEqual([
      ['push-pull', 300, 3, 3],
      ['pull', 300, 3, 3],
    ]);
    expect(() => runCompleteGraph({ nodes: 100, mode: 'tree' as never, seed: 1 })).toThrow(/push, pull, push-pull/);
    expect(() => runCompleteGraph({ nodes: 1, mode: 'push', seed: 1 })).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { Dissemination } from './dissemination.ts';
import { seededEnv } from './env.ts';
import { asPeerId, type PeerId } from './ids.ts';
import { createOptions, type Mode } from './options.ts';
import { Outbox } from './outbox.ts';

const p = asPeerId;

/** A Dissemination over a neighbour list the test controls; returns who each round talked to (node.ts's beat picks the partner). */
function setup(mode: Mode, neighbors: PeerId[], seed = 1) {
  const out = new Outbox();
  const options = createOptions({ mode });
  let now = 0;
  const ctx = { self: p('me'), env: seededEnv(seed, () => now), options, out, neighbors: () => neighbors.slice() };
  const d = new Dissemination(ctx, { delivered: () => {}, duplicate: () => {}, expired: () => {} });
  const round = (): PeerId | undefined => {
    now += options.periodMs;
    d.round(d.nextPartner(), now);
    const sent = out.drain().actions.flatMap((a) => (a.type === 'send' ? [a.to] : []));
    expect(sent.length).toBeLessThanOrEqual(1);
    return sent[0];
  };
  return { d, round };
}

describe('Dissemination: a partner per round', () => {
  it('asks every neighbour once per cycle, each cycle in a new random order', () => {
    const neighbors = ['a', 'b', 'c', 'd', 'e'].map(p);
    const { round } = setup('push-pull', neighbors);
    const cycles: PeerId[][] = [];
    for (let c = 0; c < 6; c++) cycles.push(Array.from({ length: neighbors.length }, () => round() as PeerId));
    for (const cycle of cycles) expect([...cycle].sort()).toEqual(neighbors);
    expect(new Set(cycles.map((cycle) => cycle.join())).size).toBeGreaterThan(1);
  });

  it('skips a neighbour that left and takes a new one from the next cycle; none, no round', () => {
    const neighbors = ['a', 'b', 'c'].map(p);
    const { round } = setup('pull', neighbors, 7);
    const first = round() as PeerId;
    const gone = neighbors.find((peer) => peer !== first) as PeerId;
    neighbors.splice(neighbors.indexOf(gone), 1);
    neighbors.push(p('new'));
    // The cycle had two left, one of them gone: round 2 takes the other, then a new cycle begins.
    const second = round();
    expect(second).not.toBe(gone);
    expect(second).not.toBe(p('new'));
    const next = [round(), round(), round()];
    expect(new Set(next)).toEqual(new Set(neighbors));
    neighbors.length = 0;
    expect(round()).toBeUndefined();
  });
});

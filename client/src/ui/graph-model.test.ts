import { describe, expect, it } from 'vitest';
import { graphModel, viewKey } from './graph-model.ts';

const view = (entries: Record<string, string[]>) => new Map(Object.entries(entries).map(([k, v]) => [k, new Set(v)]));

describe('graphModel', () => {
  it('lists peers and links, and marks one-sided links', () => {
    const m = graphModel({ self: 'a', neighbors: ['b'], graph: view({ b: ['a', 'c'] }) });
    expect(m.ids).toEqual(['a', 'b', 'c']);
    expect(m.links.map((l) => [l.a, l.b, l.mutual])).toEqual([
      ['a', 'b', true],
      ['b', 'c', false],
    ]);
    expect([...m.reported].sort()).toEqual(['a', 'b']);
  });

  it('keeps the structure key when only styles change (nothing should move)', () => {
    const before = graphModel({ self: 'a', neighbors: ['b'], graph: view({ b: ['a', 'c'] }) });
    // c's own list arrives and makes b-c two-sided: same peers, same links.
    const after = graphModel({ self: 'a', neighbors: ['b'], graph: view({ b: ['a', 'c'], c: ['b'] }) });
    expect(after.structureKey).toBe(before.structureKey);
    expect(after.styleKey).not.toBe(before.styleKey);
  });

  it('changes the structure key when a link or a peer comes or goes, whatever the order of the input', () => {
    const base = graphModel({ self: 'a', neighbors: ['b', 'c'], graph: view({ b: ['a'], c: ['a'] }) });
    const reordered = graphModel({ self: 'a', neighbors: ['c', 'b'], graph: view({ c: ['a'], b: ['a'] }) });
    expect(reordered.structureKey).toBe(base.structureKey);
    expect(reordered.styleKey).toBe(base.styleKey);
    const newLink = graphModel({ self: 'a', neighbors: ['b', 'c'], graph: view({ b: ['a', 'c'], c: ['a'] }) });
    expect(newLink.structureKey).not.toBe(base.structureKey);
    const gone = graphModel({ self: 'a', neighbors: ['b'], graph: view({ b: ['a'] }) });
    expect(gone.structureKey).not.toBe(base.structureKey);
  });
});

describe('viewKey', () => {
  it('changes when a neighbour or a gossiped link comes or goes, not when the same view is read again', () => {
    const key = viewKey(['b'], { b: ['a', 'c'], c: ['b'] });
    expect(viewKey(['b'], { b: ['a', 'c'], c: ['b'] })).toBe(key);
    expect(viewKey(['b', 'c'], { b: ['a', 'c'], c: ['b'] })).not.toBe(key);
    expect(viewKey(['b'], { b: ['a'], c: ['b'] })).not.toBe(key);
    expect(viewKey(['b'], { b: ['a', 'c'] })).not.toBe(key);
    // Lists are not confused across peers: b:[c] c:[] is not b:[] c:[c]... nor peers with links.
    expect(viewKey([], { b: ['c'], c: [] })).not.toBe(viewKey([], { b: [], c: ['c'] }));
  });
});

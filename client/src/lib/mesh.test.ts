import { describe, expect, it } from 'vitest';
import { MeshError } from './errors.ts';
import { joinMeshAt } from './mesh.ts';

/** No server listens there: joinMesh resolves after joinTimeoutMs with a mesh that keeps trying. */
const NOWHERE = { signaling: 'http://127.0.0.1:9/', joinTimeoutMs: 0 };

async function refusal(work: () => unknown): Promise<MeshError> {
  try {
    await work();
  } catch (error: unknown) {
    if (error instanceof MeshError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('joinMesh', () => {
  it('refuses to join twice with one peer id, and again once the first is closed', async () => {
    const first = await joinMeshAt({ ...NOWHERE, room: 'twice', peerId: 'same' }, {}, true);
    expect(await refusal(() => joinMeshAt({ ...NOWHERE, room: 'twice', peerId: 'same' }, {}, true))).toMatchObject({ code: 'already-joined' });
    first.close();
    const again = await joinMeshAt({ ...NOWHERE, room: 'twice', peerId: 'same' }, {}, true);
    expect(again.id).toBe('same');
    again.close();
  });

  it('throws a coded error on any use after close, and close stays idempotent', async () => {
    const mesh = await joinMeshAt({ ...NOWHERE, room: 'closing' }, {}, true);
    mesh.publish('before');
    expect(mesh.rumors().map((r) => r.text)).toEqual(['before']);
    mesh.close();
    mesh.close();
    expect(mesh.closed).toBe(true);
    for (const use of [() => mesh.publish('x'), () => mesh.counter.value, () => mesh.counter.add(1), () => mesh.neighbors(), () => mesh.on('rumor', () => undefined)]) {
      expect(await refusal(use)).toMatchObject({ code: 'closed' });
    }
  });

  it('emits its own rumor and counter changes as typed events, and checks arguments', async () => {
    const mesh = await joinMeshAt({ ...NOWHERE, room: 'events' }, {}, true);
    const texts: string[] = [];
    const counters: number[] = [];
    mesh.on('rumor', (rumor) => texts.push(rumor.text));
    mesh.on('counter', (value) => counters.push(value));
    mesh.publish('hi');
    mesh.counter.add(2);
    mesh.counter.add(3);
    await Promise.resolve();
    expect(texts).toEqual(['hi']);
    expect(counters).toEqual([2, 5]);
    expect(mesh.counter.value).toBe(5);
    expect(await refusal(() => mesh.counter.add(Number.NaN))).toMatchObject({ code: 'bad-option', option: 'delta' });
    // Too long for the wire: the caller's mistake, named (README: 2048 and 1024 bytes).
    expect(await refusal(() => mesh.publish('é'.repeat(1025)))).toMatchObject({ code: 'bad-option', option: 'text' });
    expect(await refusal(() => mesh.register.set('x'.repeat(1025)))).toMatchObject({ code: 'bad-option', option: 'value' });
    mesh.publish('é'.repeat(1024));
    mesh.register.set('x'.repeat(1024));
    expect(await refusal(() => mesh.on('nope' as 'rumor', () => undefined))).toMatchObject({ code: 'bad-option', option: 'event' });
    mesh.close();
  });

  it('offers what the page draws: own value, mode switch, passive view, topology, a change event', async () => {
    const mesh = await joinMeshAt({ ...NOWHERE, room: 'page', mode: 'push' }, {}, true);
    expect(mesh.mode).toBe('push');
    mesh.setMode('flood');
    expect(mesh.mode).toBe('flood');
    expect(await refusal(() => mesh.setMode('gossip' as 'push'))).toMatchObject({ code: 'bad-option', option: 'mode' });
    expect(mesh.aggregates.value).toBe(0);
    mesh.aggregates.setValue(7);
    expect(mesh.aggregates.value).toBe(7);
    expect(mesh.aggregates.estimate).toBeNull();
    expect(mesh.knownPeers()).toEqual([]);
    const topology = mesh.topology();
    expect(Object.values(topology).flat()).toEqual([]);
    // A copy: changing it changes nothing inside.
    topology['someone'] = ['else'];
    expect(mesh.topology()).not.toHaveProperty('someone');
    const changed = new Promise<void>((resolve) => mesh.on('change', () => resolve()));
    mesh.publish('draw me');
    await changed;
    mesh.close();
    expect(await refusal(() => mesh.topology())).toMatchObject({ code: 'closed' });
    expect(await refusal(() => mesh.mode)).toMatchObject({ code: 'closed' });
  });
});

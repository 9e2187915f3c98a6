// Compiled by the consumer test with tsc --strict: the three entry points' declarations resolve
// and type what the README documents; the @ts-expect-error lines fail the build if typing is lost.
import { joinMesh, MeshError, isMeshError, type Mesh, type MeshEvents, type MeshOptions } from 'gossip-mesh';
import { joinMesh as joinFromNode } from 'gossip-mesh/node';
import { createSignalingServer, type MeshServer } from 'gossip-mesh/server';

export async function usesEveryEntry(): Promise<number> {
  const server: MeshServer = await createSignalingServer({ port: 0 });
  const options: MeshOptions = { signaling: server.url, room: 'types', mode: 'tree', periodMs: 1000 };
  const node: Mesh = await joinFromNode(options);
  const page: Mesh = await joinMesh({ room: 'types' });
  const off: () => void = node.on('rumor', (rumor: MeshEvents['rumor']) => rumor.text.length);
  node.on('counter', (value: number) => value + 1);
  node.on('peers', (peers: string[]) => peers.length);
  node.on('server', (up: boolean) => !up);
  node.on('register', (value) => value.value.length);
  off();
  // @ts-expect-error: not an event of a Mesh
  node.on('nope', () => undefined);
  // @ts-expect-error: counter payloads are numbers
  node.on('counter', (value: string) => value);
  // @ts-expect-error: room is required
  await joinMesh({});
  // The package declares no globals: the project's own test hook (window.__mesh) stays out of it.
  // @ts-expect-error: Window has no __mesh in an app's types
  if (window.__mesh !== undefined) return -1;
  const changed: () => void = page.on('change', (nothing: undefined) => nothing);
  changed();
  try {
    page.publish('x');
  } catch (error: unknown) {
    if (isMeshError(error) && error.code === 'closed') return 0;
    if (error instanceof MeshError) return error.option?.length ?? 0;
  }
  await server.close();
  return node.counter.value + (page.aggregates.size ?? 0);
}

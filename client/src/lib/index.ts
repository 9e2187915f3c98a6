/**
 * gossip-mesh: one call joins a room of peers that keep rumors, a counter, a register and
 * aggregates in sync by gossip over WebRTC.
 *
 *   import { joinMesh } from 'gossip-mesh';
 *   const mesh = await joinMesh({ signaling: 'http://localhost:8080', room: 'lobby' });
 *   mesh.on('rumor', (rumor) => console.log(rumor.origin, rumor.text));
 *   mesh.publish('hello');
 */
import { BROWSER_PLACE } from '../mesh/driver.ts';
import { joinMeshAt } from './mesh.ts';
import type { MeshOptions } from './options.ts';
import type { Mesh } from './types.ts';

export { MeshError, isMeshError, type MeshErrorCode } from './errors.ts';
export type { IceServer, MeshOptions } from './options.ts';
export type * from './types.ts';

/** Joins a room from a page (the browser's WebRTC). `signaling` defaults to the page's origin. */
export function joinMesh(options: MeshOptions): Promise<Mesh> {
  return joinMeshAt(options, BROWSER_PLACE, false);
}

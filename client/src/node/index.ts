/**
 * gossip-mesh/node: the same joinMesh in a Node process, over @roamhq/wrtc, so a process is a
 * full peer of the same rooms as the tabs (same protocol, same wire).
 *
 *   import { joinMesh } from 'gossip-mesh/node';
 *   const mesh = await joinMesh({ signaling: 'http://localhost:8080', room: 'lobby' });
 */
import wrtc from '@roamhq/wrtc';
import type { Place } from '../mesh/driver.ts';
import { joinMeshAt } from '../lib/mesh.ts';
import type { MeshOptions } from '../lib/options.ts';
import type { Mesh } from '../lib/types.ts';

export { MeshError, isMeshError, type MeshErrorCode } from '../lib/errors.ts';
export type { IceServer, MeshOptions } from '../lib/options.ts';
export type * from '../lib/types.ts';

/** No exit hook: the process owns its signals; call close() before exiting to say goodbye. */
const NODE_PLACE: Place = { wrtc };

/** Joins a room from Node. `signaling` (the server's URL) is required here. */
export function joinMesh(options: MeshOptions): Promise<Mesh> {
  return joinMeshAt(options, NODE_PLACE, true);
}

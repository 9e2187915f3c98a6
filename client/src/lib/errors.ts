/**
 * The one error a caller of the library can cause. `code` says what went wrong; `option` names
 * the offending option for `bad-option`. Network trouble never throws: it is counted in stats().
 */
export const MESH_ERROR_CODES = [
  /** An option of joinMesh (or an argument of a method) is missing, of the wrong type or out of range. */
  'bad-option',
  /** joinMesh was called again with the same `peerId`, room and server while that mesh is open. */
  'already-joined',
  /** A method of a Mesh was called after close(). */
  'closed',
  /** The signaling server answered the join with a refusal. */
  'join-failed',
] as const;

export type MeshErrorCode = (typeof MESH_ERROR_CODES)[number];

export class MeshError extends Error {
  override readonly name = 'MeshError';
  constructor(
    readonly code: MeshErrorCode,
    message: string,
    /** The option (or argument) at fault, for `bad-option`. */
    readonly option?: string,
  ) {
    super(`${code}${option === undefined ? '' : ` (${option})`}: ${message}`);
  }
}

export function isMeshError(value: unknown): value is MeshError {
  return value instanceof MeshError;
}

/** Branded ids: a PeerId can only come from `asPeerId` (or a validated wire message). */
export type PeerId = string & { readonly __brand: 'PeerId' };
/** `${origin}:${seq}`, unique per rumor because an origin never reuses a sequence number. */
export type RumorId = string & { readonly __brand: 'RumorId' };

export const PEER_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isPeerId(value: unknown): value is PeerId {
  return typeof value === 'string' && PEER_ID_PATTERN.test(value);
}

export function asPeerId(value: string): PeerId {
  if (!isPeerId(value)) throw new CoreError('bad-peer-id', `not a peer id: ${JSON.stringify(value)}`);
  return value;
}

export function rumorId(origin: PeerId, seq: number): RumorId {
  return `${origin}:${seq}` as RumorId;
}

export type CoreErrorCode = 'bad-peer-id' | 'bad-option' | 'payload-too-large' | 'bad-argument';

/** API misuse by the embedding code throws this; network trouble never does (it is counted). */
export class CoreError extends Error {
  constructor(
    readonly code: CoreErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'CoreError';
  }
}

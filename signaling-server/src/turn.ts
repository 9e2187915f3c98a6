import { createHmac } from 'node:crypto';
import type { IceServer } from '#signaling/protocol';

/**
 * TURN REST credentials (the scheme coturn's `use-auth-secret` checks): the username is
 * "<expiry unix seconds>:<user>", the password base64(HMAC-SHA1(secret, username)). They are
 * minted per peer at join and stop working at the expiry, so no static password ships in the page.
 */

export interface TurnConfig {
  /** turn: / turns: URLs of the TURN servers sharing `secret`. */
  urls: string[];
  /** coturn's static-auth-secret. */
  secret: string;
  /** How long minted credentials stay valid. */
  ttlSec: number;
}

export function turnCredentials(secret: string, user: string, expiresAtSec: number): { username: string; credential: string } {
  const username = `${expiresAtSec}:${user}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/** The ICE servers handed to `peerId` at `nowMs`: the static ones, then TURN with fresh credentials. */
export function iceServersFor(
  staticServers: readonly IceServer[],
  turn: TurnConfig | undefined,
  peerId: string,
  nowMs: number,
): IceServer[] {
  if (!turn || turn.urls.length === 0) return [...staticServers];
  const expiresAtSec = Math.floor(nowMs / 1000) + turn.ttlSec;
  return [...staticServers, { urls: turn.urls, ...turnCredentials(turn.secret, peerId, expiresAtSec) }];
}

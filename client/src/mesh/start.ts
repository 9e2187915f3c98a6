import { Identity } from '../identity/identity.ts';
import type { PeerId } from '../core/ids.ts';
import type { OptionsInput } from '../core/options.ts';
import type { MeshSettings } from './contract.ts';
import { openSignalingSocket } from '../transport/signaling.ts';
import { MeshDriver, type Place } from './driver.ts';
import { firstSignalingUrl } from './early-socket.ts';
import { JoinTimeline } from './join-timeline.ts';
import { realClock } from './place.ts';

export interface StartMeshSettings extends MeshSettings {
  /** Signaling server URL; default: the page's own origin. */
  serverUrl?: string;
  /** Same as `serverUrl` (the name the page settings use); `serverUrl` wins if both are given. */
  server?: string;
  /**
   * This peer's id, for an unsigned peer only: a signed peer's id is its key's hash, so a chosen id
   * implies `signed: false` (and `signed: true` with a `peerId` is refused). Default: the key's id,
   * or 16 random base32 characters when unsigned.
   */
  peerId?: PeerId;
  /**
   * Sign what this peer originates and check what others signed (client/src/identity). Default true:
   * a fresh Ed25519 key per tab or process. A signed peer refuses every unsigned message, so all
   * peers of a room must agree; false runs the trusted, unsigned protocol (a room of one's own code).
   */
  signed?: boolean;
  /** The key to sign with (tests use fixed ones); default: a fresh one when `signed`. */
  identity?: Identity;
  /** Several signaling servers sharing rooms (Redis), tried in order; wins over `serverUrl` and `server`. */
  servers?: readonly string[];
  /**
   * STUN/TURN servers for WebRTC. Default: what the signaling server hands out at join (its
   * ICE_SERVERS and minted TURN credentials), none before or without. Given here, it wins.
   */
  iceServers?: RTCIceServer[];
  /** 'relay': every WebRTC path goes through TURN (hides addresses, tests TURN); default 'all'. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** Further GossipNode options (activeViewSize, ...); `mode`, `periodMs` and `fanout` come from the settings. */
  nodeOptions?: Omit<OptionsInput, 'mode' | 'periodMs' | 'fanout'>;
  /** How long startMesh waits for the first join before returning a client that keeps trying. Default 5000 ms. */
  joinTimeoutMs?: number;
}

export const DEFAULT_JOIN_TIMEOUT_MS = 5000;

/**
 * Starts one peer: a random id, the gossip node, the signaling connection and the WebRTC links.
 * Resolves once the room is joined and the first introductions are handed to the node, or after
 * `joinTimeoutMs` with a client that keeps trying (socket.io reconnects; it joins when it can).
 * Throws on bad settings (room name, peer id, node options): those are the caller's mistakes.
 *
 *   const client = await startMesh(settings);
 *   installTestHook(client);
 *   renderPage(root, client);
 */
export async function startMesh(settings: StartMeshSettings, place?: Place): Promise<MeshDriver> {
  const timeline = new JoinTimeline(realClock.now);
  timeline.mark('started');
  // The socket connects while the key is made: the join needs the key's id, the connection does not.
  const making = identityFor(settings);
  const socket = settings.identity === undefined && settings.signed !== false && settings.peerId === undefined ? openSignalingSocket(firstSignalingUrl(settings)) : undefined;
  let driver: MeshDriver;
  try {
    const identity = await making;
    timeline.mark('identityReady');
    driver = new MeshDriver(identity === undefined ? settings : { ...settings, identity }, place, { timeline, ...(socket !== undefined ? { socket } : {}) });
  } catch (error: unknown) {
    socket?.close();
    throw error;
  }
  let first: Promise<PeerId[]>;
  try {
    first = driver.join();
  } catch (error: unknown) {
    driver.close();
    throw error;
  }
  const joinTimeoutMs = settings.joinTimeoutMs ?? DEFAULT_JOIN_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), joinTimeoutMs)));
  const introductions = await Promise.race([first, timedOut]);
  clearTimeout(timer);
  // A slow or absent server: the client runs anyway, asks the tabs of this browser meanwhile, and
  // takes the server's introductions if they ever come.
  if (introductions === null) {
    driver.joinWithoutServer();
    void first.then((peers) => driver.introduce(peers));
  } else driver.introduce(introductions);
  return driver;
}

/**
 * The key a peer runs with: the one given, else a fresh one (per tab: see identity.ts for why not
 * persisted) unless the peer is unsigned (`signed: false`, or an id of its own choosing).
 */
export async function identityFor(settings: Pick<StartMeshSettings, 'signed' | 'peerId' | 'identity'>): Promise<Identity | undefined> {
  if (settings.signed === true && settings.peerId !== undefined) {
    throw new Error('a signed peer\'s id is its key\'s hash: give no peerId, or set signed: false');
  }
  if (settings.identity !== undefined) return settings.identity;
  if (settings.signed === false || settings.peerId !== undefined) return undefined;
  return Identity.create();
}

import { z } from 'zod';
import { asPeerId } from '../core/ids.ts';
import { createOptions, DEFAULT_OPTIONS, type OptionsInput } from '../core/options.ts';
import type { StartMeshSettings } from '../mesh/start.ts';
import { PEER_ID_PATTERN, ROOM_PATTERN } from '../../../signaling-server/src/protocol.ts';
import { MeshError } from './errors.ts';

/** A STUN or TURN server (the shape of the browser's RTCIceServer). */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/**
 * Options of joinMesh. Besides those below, every protocol option of the gossip node may be given
 * (mode, periodMs, fanout, activeViewSize, ...; see the README's options table): defaults are
 * the core's own (core/options.ts).
 */
export interface MeshOptions extends OptionsInput {
  /**
   * Signaling server URL (http, https, ws or wss), or several servers sharing rooms (Redis), tried in
   * order. Default in a page: the page's own origin; required in Node.
   */
  signaling?: string | string[];
  /** Room to join: 1-64 of [A-Za-z0-9_.-]. Required. */
  room: string;
  /** This peer's id: 1-64 of [A-Za-z0-9_-]; a chosen id makes the peer unsigned. Default: its key's hash (16 characters). */
  peerId?: string;
  /** Sign what this peer sends and check what others signed. Default true (false with a `peerId`); every peer of a room must agree. */
  signed?: boolean;
  /** STUN/TURN servers. Default: what the signaling server hands out at join (none on one host or LAN). */
  iceServers?: IceServer[];
  /** 'relay' sends every WebRTC path through TURN. Default 'all'. */
  iceTransportPolicy?: 'all' | 'relay';
  /** How long joinMesh waits for the server before resolving with a mesh that keeps trying. Default 5000 ms. */
  joinTimeoutMs?: number;
}

/** The options of joinMesh besides the gossip node's own. */
export const LIB_KEYS = ['signaling', 'room', 'peerId', 'signed', 'iceServers', 'iceTransportPolicy', 'joinTimeoutMs'] as const;
/** More signaling servers than this in one list is a mistake, not a deployment. */
const MAX_SIGNALING_URLS = 8;
const NODE_KEYS = new Set(Object.keys(DEFAULT_OPTIONS));
const SIGNALING_PROTOCOLS = ['http:', 'https:', 'ws:', 'wss:'];

const signalingUrl = z
  .string()
  .refine((raw) => URL.canParse(raw) && SIGNALING_PROTOCOLS.includes(new URL(raw).protocol), {
    message: 'must be an http(s) or ws(s) URL',
  });

const libSchema = z.object({
  signaling: z
    .union([signalingUrl, z.array(signalingUrl).min(1, 'must list at least one URL').max(MAX_SIGNALING_URLS, `must list at most ${MAX_SIGNALING_URLS} URLs`)])
    .optional(),
  room: z.string({ error: 'is required (a string)' }).regex(ROOM_PATTERN, 'must match [A-Za-z0-9_.-]{1,64}'),
  peerId: z.string().regex(PEER_ID_PATTERN, 'must match [A-Za-z0-9_-]{1,64}').optional(),
  signed: z.boolean({ error: 'must be true or false' }).optional(),
  iceServers: z
    .array(
      z.object({
        urls: z.union([z.string(), z.array(z.string())]),
        username: z.string().optional(),
        credential: z.string().optional(),
      }),
    )
    .optional(),
  iceTransportPolicy: z.enum(['all', 'relay'], { error: "must be 'all' or 'relay'" }).optional(),
  joinTimeoutMs: z.number().int().min(0).max(600_000).optional(),
});

/** The checked options: what the driver takes, plus the (first) server URL as given (undefined: the page's origin). */
export interface ParsedOptions {
  settings: StartMeshSettings;
  signaling: string | undefined;
}

/** Checks `options` (untrusted: plain JS callers) and names the first option at fault. */
export function parseMeshOptions(options: unknown, { signalingRequired }: { signalingRequired: boolean }): ParsedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new MeshError('bad-option', 'joinMesh takes one options object, e.g. { room: "lobby" }', 'options');
  }
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const unknown = Object.keys(given).find((key) => !NODE_KEYS.has(key) && !(LIB_KEYS as readonly string[]).includes(key));
  if (unknown !== undefined) throw new MeshError('bad-option', `unknown option "${unknown}"`, unknown);
  if (signalingRequired && given['signaling'] === undefined) {
    throw new MeshError('bad-option', 'is required here (the URL of a signaling server)', 'signaling');
  }
  const lib = libSchema.safeParse(Object.fromEntries(LIB_KEYS.map((key) => [key, given[key]])));
  if (!lib.success) {
    const issue = lib.error.issues[0];
    const option = String(issue?.path[0] ?? 'options');
    throw new MeshError('bad-option', issue?.message ?? 'invalid', option);
  }
  const nodeOptions = Object.fromEntries(Object.entries(given).filter(([key]) => NODE_KEYS.has(key))) as OptionsInput;
  const node = checkNodeOptions(nodeOptions);
  const { room, peerId, signed, iceServers, iceTransportPolicy, joinTimeoutMs } = lib.data;
  const urls = lib.data.signaling === undefined ? [] : typeof lib.data.signaling === 'string' ? [lib.data.signaling] : lib.data.signaling;
  const signaling = urls[0];
  if (signed === true && peerId !== undefined) {
    throw new MeshError('bad-option', "a signed peer's id is its key's hash: leave peerId out, or set signed: false", 'peerId');
  }
  const settings: StartMeshSettings = {
    room,
    mode: node.mode,
    periodMs: node.periodMs,
    fanout: node.fanout,
    nodeOptions: Object.fromEntries(
      Object.entries(nodeOptions).filter(([key]) => key !== 'mode' && key !== 'periodMs' && key !== 'fanout'),
    ),
    ...(signaling !== undefined ? { serverUrl: signaling } : {}),
    ...(urls.length > 1 ? { servers: urls } : {}),
    ...(iceTransportPolicy !== undefined ? { iceTransportPolicy } : {}),
    ...(peerId !== undefined ? { peerId: asPeerId(peerId) } : {}),
    ...(signed !== undefined ? { signed } : {}),
    ...(iceServers !== undefined ? { iceServers: iceServers.map(iceServer) } : {}),
    ...(joinTimeoutMs !== undefined ? { joinTimeoutMs } : {}),
  };
  return { settings, signaling };
}

/** The core validates its own options; this finds which one it refused so the error can name it. */
function checkNodeOptions(options: OptionsInput): ReturnType<typeof createOptions> {
  try {
    return createOptions(options);
  } catch (whole: unknown) {
    for (const [key, value] of Object.entries(options)) {
      try {
        createOptions({ [key]: value });
      } catch (error: unknown) {
        throw new MeshError('bad-option', describe(error), key);
      }
    }
    // Each is fine alone; together they conflict (maxActiveViewSize < activeViewSize).
    throw new MeshError('bad-option', describe(whole), 'maxActiveViewSize');
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Without the optional fields that were not given (exactOptionalPropertyTypes). */
function iceServer(server: { urls: string | string[]; username?: string | undefined; credential?: string | undefined }): IceServer {
  return {
    urls: server.urls,
    ...(server.username !== undefined ? { username: server.username } : {}),
    ...(server.credential !== undefined ? { credential: server.credential } : {}),
  };
}

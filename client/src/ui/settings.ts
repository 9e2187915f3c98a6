import { CoreError } from '../core/ids.ts';
import { createOptions, MODES, type Mode } from '../core/options.ts';
import type { MeshSettings } from '../mesh/contract.ts';

/**
 * Page settings read from the URL: `?room=&mode=&periodMs=&fanout=&server=&iceTransportPolicy=&signed=`.
 * `server` (optional) is the signaling server's URL, or several separated by commas (servers
 * sharing rooms, tried in order); without it the page's own origin is used.
 * `iceTransportPolicy=relay` sends every WebRTC path through TURN (the server hands out TURN).
 * `signed=false` runs the tab unsigned (default: signed, see mesh/start.ts).
 */
export interface PageSettings extends MeshSettings {
  /** The first (or only) server. */
  server?: string;
  /** Every server given, in order (set when `server` lists more than one). */
  servers?: string[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  signed?: boolean;
}

export type SettingsResult = { ok: true; settings: PageSettings } | { ok: false; errors: string[] };

export const ROOM_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** Ranges of the numeric settings; `settings.test.ts` checks they agree with `createOptions`. */
export const PERIOD_MS_RANGE = { min: 10, max: 3_600_000 } as const;
export const FANOUT_RANGE = { min: 1, max: 64 } as const;

const CORE_DEFAULTS = createOptions();
/** The core's own defaults, so the page and the core cannot disagree. */
export const DEFAULT_SETTINGS: Readonly<MeshSettings> = {
  room: 'lobby',
  mode: CORE_DEFAULTS.mode,
  periodMs: CORE_DEFAULTS.periodMs,
  fanout: CORE_DEFAULTS.fanout,
};

/** The URL parameters the page understands, in the order they are shown. */
export const SETTING_PARAMS = ['room', 'mode', 'periodMs', 'fanout', 'server', 'iceTransportPolicy', 'signed'] as const;

const ICE_POLICIES: readonly RTCIceTransportPolicy[] = ['all', 'relay'];
/** More servers than this in one URL is a mistake, not a deployment. */
const MAX_SERVERS = 8;

const SERVER_PROTOCOLS = ['http:', 'https:', 'ws:', 'wss:'];

function isMode(value: string): value is Mode {
  return (MODES as readonly string[]).includes(value);
}

/** Validates one numeric option through the core's own schema, so the ranges cannot drift apart. */
function coreRejects(field: 'periodMs' | 'fanout', value: number): boolean {
  try {
    createOptions({ [field]: value });
    return false;
  } catch (err: unknown) {
    if (err instanceof CoreError && err.code === 'bad-option') return true;
    throw err;
  }
}

function parseInteger(
  name: 'periodMs' | 'fanout',
  raw: string,
  range: { min: number; max: number },
  unit: string,
): number | string {
  const allowed = `${name} must be a whole number${unit} from ${range.min} to ${range.max}`;
  if (!/^[0-9]{1,10}$/.test(raw)) return `${allowed}; got ${JSON.stringify(raw)}`;
  const value = Number(raw);
  if (value < range.min || value > range.max || coreRejects(name, value)) {
    return `${allowed}; got ${raw}`;
  }
  return value;
}

/**
 * Reads the page settings from a query string (`location.search`, with or without the `?`).
 * Missing or empty parameters take their defaults; unknown parameters are ignored; every bad
 * parameter is reported, each message naming the parameter and what is allowed.
 */
export function parseSettings(search: string): SettingsResult {
  const params = new URLSearchParams(search);
  const errors: string[] = [];
  const settings: PageSettings = { ...DEFAULT_SETTINGS };

  const read = (name: (typeof SETTING_PARAMS)[number]): string | undefined => {
    const values = params.getAll(name);
    if (values.length > 1) {
      errors.push(`${name} is given ${values.length} times; give it at most once`);
      return undefined;
    }
    const value = values[0];
    return value === undefined || value === '' ? undefined : value;
  };

  const room = read('room');
  if (room !== undefined) {
    if (ROOM_PATTERN.test(room)) settings.room = room;
    else {
      errors.push(
        `room must be 1 to 64 characters among letters, digits, '_', '.' and '-'; got ${JSON.stringify(room)}`,
      );
    }
  }

  const mode = read('mode');
  if (mode !== undefined) {
    if (isMode(mode)) settings.mode = mode;
    else errors.push(`mode must be one of ${MODES.join(', ')}; got ${JSON.stringify(mode)}`);
  }

  const periodMs = read('periodMs');
  if (periodMs !== undefined) {
    const parsed = parseInteger('periodMs', periodMs, PERIOD_MS_RANGE, ' of milliseconds');
    if (typeof parsed === 'number') settings.periodMs = parsed;
    else errors.push(parsed);
  }

  const fanout = read('fanout');
  if (fanout !== undefined) {
    const parsed = parseInteger('fanout', fanout, FANOUT_RANGE, '');
    if (typeof parsed === 'number') settings.fanout = parsed;
    else errors.push(parsed);
  }

  const server = read('server');
  if (server !== undefined) {
    const parts = server.split(',').map((part) => part.trim());
    const urls: string[] = [];
    if (parts.length > MAX_SERVERS) errors.push(`server lists ${parts.length} URLs; give at most ${MAX_SERVERS}, separated by commas`);
    else {
      for (const part of parts) {
        const url = serverUrl(part);
        if (url !== null) urls.push(url);
        else {
          errors.push(
            `server must be an absolute http://, https://, ws:// or wss:// URL of the signaling server (several separated by commas); got ${JSON.stringify(part)}`,
          );
        }
      }
    }
    if (urls.length === parts.length && urls[0] !== undefined) {
      settings.server = urls[0];
      if (urls.length > 1) settings.servers = urls;
    }
  }

  const policy = read('iceTransportPolicy');
  if (policy !== undefined) {
    const known = ICE_POLICIES.find((p) => p === policy);
    if (known !== undefined) settings.iceTransportPolicy = known;
    else errors.push(`iceTransportPolicy must be one of ${ICE_POLICIES.join(', ')}; got ${JSON.stringify(policy)}`);
  }

  const signed = read('signed');
  if (signed === 'true' || signed === 'false') settings.signed = signed === 'true';
  else if (signed !== undefined) errors.push(`signed must be true or false; got ${JSON.stringify(signed)}`);

  return errors.length > 0 ? { ok: false, errors } : { ok: true, settings };
}

/** The normalised URL, or null when `raw` is not an absolute http(s)/ws(s) URL with a host. */
function serverUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (err: unknown) {
    if (!(err instanceof TypeError)) throw err;
    return null;
  }
  return SERVER_PROTOCOLS.includes(url.protocol) && url.hostname !== '' ? url.href : null;
}

/** The query string for `settings` (every mesh setting spelled out, so a URL says what it runs). */
export function settingsToSearch(settings: PageSettings): string {
  const params = new URLSearchParams();
  params.set('room', settings.room);
  params.set('mode', settings.mode);
  params.set('periodMs', String(settings.periodMs));
  params.set('fanout', String(settings.fanout));
  if (settings.servers !== undefined) params.set('server', settings.servers.join(','));
  else if (settings.server !== undefined) params.set('server', settings.server);
  if (settings.iceTransportPolicy !== undefined) params.set('iceTransportPolicy', settings.iceTransportPolicy);
  if (settings.signed === false) params.set('signed', 'false');
  return `?${params.toString()}`;
}

/** The settings form's fields as typed (strings; the mode comes from a select). */
export interface SettingsFields {
  room: string;
  mode: string;
  periodMs: string;
  fanout: string;
}

const FIELD_HELP: Readonly<Record<keyof SettingsFields, string>> = {
  room: 'Room is empty: give 1 to 64 letters, digits, _ . or -',
  mode: `Mode is empty: choose one of ${MODES.join(', ')}`,
  periodMs: `Period (ms) is empty: give a whole number of milliseconds from ${PERIOD_MS_RANGE.min} to ${PERIOD_MS_RANGE.max}`,
  fanout: `Fanout is empty: give a whole number from ${FANOUT_RANGE.min} to ${FANOUT_RANGE.max}`,
};

/**
 * What is wrong with the form as typed, one message per problem, in field order; empty when it can
 * be applied. An empty field is a problem here (in a URL it means "the default"), so that a box
 * outlined as invalid always comes with a sentence that says why.
 */
export function settingsFormProblems(fields: SettingsFields): string[] {
  const problems: string[] = [];
  const params = new URLSearchParams();
  for (const name of ['room', 'mode', 'periodMs', 'fanout'] as const) {
    const value = fields[name].trim();
    if (value === '') problems.push(FIELD_HELP[name]);
    else params.set(name, value);
  }
  const parsed = parseSettings(params.toString());
  return parsed.ok ? problems : [...problems, ...parsed.errors];
}

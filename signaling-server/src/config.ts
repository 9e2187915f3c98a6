import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** What `main.ts` needs, from environment variables and CLI flags (flags win). */
export interface MainConfig {
  port: number;
  host: string;
  staticDir: string;
  introductions: number;
  /** `--dev`: the client is served elsewhere (vite), so a missing build is expected. */
  dev: boolean;
}

export type ConfigResult = { ok: true; config: MainConfig } | { ok: false; error: string };

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_INTRODUCTIONS = 4;

const USAGE = 'usage: main.ts [--port <0-65535>] [--host <address>] [--dev]';

/** `undefined` for unset or empty; empty env vars are treated as unset, like most tools do. */
function pick(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function parseIntIn(name: string, raw: string, min: number, max: number): number | string {
  const value = /^[0-9]{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) {
    return `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`;
  }
  return value;
}

function parseHost(name: string, raw: string): string | { error: string } {
  // Hostnames and IPv4/IPv6 literals; "[::1]" is accepted and unbracketed for listen().
  const host = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  if (host.length > 253 || !/^[A-Za-z0-9.:%_-]+$/.test(host)) {
    return { error: `${name} must be a hostname or IP address, got ${JSON.stringify(raw)}` };
  }
  return host;
}

/** Pure: no process access, so it can be tested directly. */
export function parseConfig(
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[],
  defaultStaticDir: string,
): ConfigResult {
  let flags: { port?: string | undefined; host?: string | undefined; dev?: boolean | undefined };
  try {
    flags = parseArgs({
      args: [...argv],
      options: { port: { type: 'string' }, host: { type: 'string' }, dev: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err: unknown) {
    return { ok: false, error: `${err instanceof Error ? err.message : String(err)}\n${USAGE}` };
  }

  const portName = flags.port !== undefined ? '--port' : 'PORT';
  const portRaw = flags.port ?? pick(env['PORT']);
  const port = portRaw === undefined ? DEFAULT_PORT : parseIntIn(portName, portRaw, 0, 65535);
  if (typeof port === 'string') return { ok: false, error: port };

  const hostName = flags.host !== undefined ? '--host' : 'HOST';
  const hostRaw = flags.host ?? pick(env['HOST']);
  const host = hostRaw === undefined ? DEFAULT_HOST : parseHost(hostName, hostRaw);
  if (typeof host !== 'string') return { ok: false, error: host.error };

  const introRaw = pick(env['INTRODUCTIONS']);
  const introductions =
    introRaw === undefined ? DEFAULT_INTRODUCTIONS : parseIntIn('INTRODUCTIONS', introRaw, 1, 1000);
  if (typeof introductions === 'string') return { ok: false, error: introductions };

  const staticRaw = pick(env['STATIC_DIR']);
  const staticDir = staticRaw === undefined ? defaultStaticDir : resolve(staticRaw);

  return { ok: true, config: { port, host, staticDir, introductions, dev: flags.dev === true } };
}

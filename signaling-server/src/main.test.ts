import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io as connectClient } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';
import { challengeMessage } from '#signaling/protocol';
import { Identity } from '../../client/src/identity/identity.ts';
import { join as joinRoom, once, signedJoin } from './test-helpers.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const MAIN = join(here, 'main.ts');
/** Process start-up under tsx takes a moment; still bounded. */
const START_MS = 10_000;

let emptyDir = '';
beforeAll(async () => {
  emptyDir = await mkdtemp(join(tmpdir(), 'signaling-main-'));
});
afterAll(() => rm(emptyDir, { recursive: true, force: true }));

const children: ChildProcess[] = [];
afterEach(() => {
  // Only our own children, by their handle (i.e. their PID).
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

type Run = { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null> };

function run(env: Record<string, string>, args: string[] = []): Run {
  // `node --import tsx` rather than the tsx CLI, so signals reach our process directly.
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: repo,
    env: { ...process.env, PORT: '', HOST: '', STATIC_DIR: emptyDir, INTRODUCTIONS: '', REDIS_URL: '', LOG_LEVEL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** The first stdout line containing the URL, as the e2e harness reads it. */
async function urlLine(r: Run): Promise<string> {
  const deadline = Date.now() + START_MS;
  while (!r.stdout().includes('\n')) {
    if (r.child.exitCode !== null) throw new Error(`exited early: ${r.stderr()}`);
    if (Date.now() > deadline) throw new Error(`no output in time; stderr: ${r.stderr()}`);
    await Promise.race([once(r.child.stdout ?? r.child, 'data', START_MS), r.exited]);
  }
  return r.stdout().split('\n').find((line) => line.includes('http://')) ?? '';
}

async function exitCode(r: Run): Promise<number | null> {
  return Promise.race([
    r.exited,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('did not exit')), START_MS).unref()),
  ]);
}

describe('main.ts', () => {
  it('prints the URL line, serves signaling there, and exits 0 on SIGTERM', async () => {
    const r = run({ PORT: '0' });
    const line = await urlLine(r);
    expect(line).toMatch(/^Gossip mesh signaling server at http:\/\/127\.0\.0\.1:\d+\/ — open this URL in several tabs$/);
    expect(r.stderr()).toContain('npm run build');
    const url = /http:\/\/\S+:\d+\//.exec(line)?.[0] ?? '';
    const socket = connectClient(url, { transports: ['websocket'], reconnection: false, forceNew: true });
    try {
      const challenge = once<[unknown]>(socket, 'challenge', START_MS);
      await once(socket, 'connect', START_MS);
      // Signed joins only by default: a plain id is refused, the key's own id with its proof joins.
      expect(await joinRoom(socket, 'r', 'p')).toMatchObject({ ok: false, code: 'unsigned' });
      const { nonce } = challengeMessage.parse((await challenge)[0]);
      const identity = Identity.fromSeed(new Uint8Array(32).fill(7));
      expect(await signedJoin(socket, 'r', identity, nonce)).toEqual({ ok: true, introductions: [] });
    } finally {
      socket.disconnect();
    }
    r.child.kill('SIGTERM');
    expect(await exitCode(r)).toBe(0);
    expect(r.stdout().split('\n').filter((l) => l !== '')).toHaveLength(1);
  }, 20_000);

  it('exits 2 naming the variable for PORT=abc', async () => {
    const r = run({ PORT: 'abc' });
    expect(await exitCode(r)).toBe(2);
    expect(r.stderr()).toMatch(/PORT must be an integer from 0 to 65535, got "abc"/);
    expect(r.stdout()).toBe('');
  }, 20_000);

  it('prints usage with the environment variables and exits 0 on --help', async () => {
    const r = run({}, ['--help']);
    expect(await exitCode(r)).toBe(0);
    expect(r.stdout()).toMatch(/^usage: main\.ts/);
    for (const name of ['REDIS_URL', 'TURN_SECRET', 'LOG_LEVEL', '/metrics']) expect(r.stdout()).toContain(name);
  }, 20_000);

  it('lets --port win over PORT and exits 0 on SIGINT', async () => {
    const r = run({ PORT: 'abc' }, ['--port', '0']);
    expect(await urlLine(r)).toContain('http://127.0.0.1:');
    r.child.kill('SIGINT');
    expect(await exitCode(r)).toBe(0);
  }, 20_000);
});

const OPS_DEFAULTS = { redisUrl: undefined, instanceId: undefined, iceServers: [], turn: undefined, logLevel: 'info', shutdownMs: 5000, maxSocketsPerAddress: undefined, addressEventsPerSec: undefined, allowUnsigned: false };

describe('parseConfig', () => {
  const parse = (env: Record<string, string>, argv: string[] = []) => parseConfig(env, argv, '/default/dist');

  it('uses documented defaults', () => {
    expect(parse({})).toEqual({
      ok: true,
      config: { port: 8080, host: '127.0.0.1', staticDir: '/default/dist', introductions: 4, dev: false, ...OPS_DEFAULTS },
    });
  });

  it('reads the operations variables', () => {
    const result = parse({
      REDIS_URL: 'redis://127.0.0.1:6390',
      INSTANCE_ID: 'a-1',
      ICE_SERVERS: '[{"urls":"stun:127.0.0.1:3478"}]',
      TURN_URLS: 'turn:127.0.0.1:3478?transport=udp, turn:127.0.0.1:3478?transport=tcp',
      TURN_SECRET: 'k',
      TURN_TTL_SEC: '60',
      LOG_LEVEL: 'warn',
      SHUTDOWN_MS: '100',
      ALLOW_UNSIGNED: '1',
    });
    expect(result).toMatchObject({
      ok: true,
      config: {
        redisUrl: 'redis://127.0.0.1:6390',
        instanceId: 'a-1',
        iceServers: [{ urls: 'stun:127.0.0.1:3478' }],
        turn: { urls: ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp'], secret: 'k', ttlSec: 60 },
        logLevel: 'warn',
        shutdownMs: 100,
        allowUnsigned: true,
      },
    });
  });

  it('answers --help, and names each bad operations variable', () => {
    expect(parse({ PORT: 'abc' }, ['--help'])).toEqual({ ok: true, help: true });
    const error = (env: Record<string, string>) => {
      const result = parse(env);
      return result.ok ? 'ok' : result.error;
    };
    expect(error({ REDIS_URL: 'http://x' })).toMatch(/^REDIS_URL must be a redis:\/\//);
    expect(error({ ICE_SERVERS: '{' })).toMatch(/^ICE_SERVERS must be a JSON array/);
    expect(error({ ICE_SERVERS: '[{"url":"x"}]' })).toMatch(/^ICE_SERVERS: /);
    expect(error({ TURN_URLS: 'stun:x' , TURN_SECRET: 'k'})).toMatch(/^TURN_URLS must be/);
    expect(error({ TURN_URLS: 'turn:x' })).toMatch(/TURN_SECRET is required/);
    expect(error({ TURN_SECRET: 'k' })).toMatch(/TURN_URLS is not/);
    expect(error({ LOG_LEVEL: 'loud' })).toMatch(/^LOG_LEVEL must be one of/);
    expect(error({ SHUTDOWN_MS: '-5' })).toMatch(/^SHUTDOWN_MS must be/);
    expect(error({ INSTANCE_ID: 'a b' })).toMatch(/^INSTANCE_ID must match/);
    expect(error({ ALLOW_UNSIGNED: 'yes' })).toMatch(/^ALLOW_UNSIGNED must be 0 or 1/);
  });

  it('reads env and flags, flags winning', () => {
    const result = parse({ PORT: '0', HOST: '0.0.0.0', INTRODUCTIONS: '6', STATIC_DIR: '/srv/x' }, ['--port=9000', '--host', '[::1]', '--dev']);
    expect(result).toEqual({
      ok: true,
      config: { port: 9000, host: '::1', staticDir: '/srv/x', introductions: 6, dev: true, ...OPS_DEFAULTS },
    });
  });

  it('names the bad variable or flag', () => {
    const error = (env: Record<string, string>, argv: string[] = []) => {
      const result = parse(env, argv);
      return result.ok ? 'ok' : result.error;
    };
    expect(error({ PORT: '65536' })).toMatch(/^PORT must be/);
    expect(error({ PORT: '-1' })).toMatch(/^PORT must be/);
    expect(error({ PORT: '80.5' })).toMatch(/^PORT must be/);
    expect(error({}, ['--port', 'x'])).toMatch(/^--port must be/);
    expect(error({ HOST: 'bad host' })).toMatch(/^HOST must be/);
    expect(error({ INTRODUCTIONS: '0' })).toMatch(/^INTRODUCTIONS must be/);
    expect(error({}, ['--what'])).toMatch(/--what/);
  });
});

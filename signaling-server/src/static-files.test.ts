import { request as httpRequest } from 'node:http';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SignalingServer } from './server.ts';
import { Harness, WAIT_MS, join as joinRoom } from './test-helpers.ts';

const SECRET = 'top-secret-package-json';
let base = '';
let dist = '';

beforeAll(async () => {
  // <base>/package.json is what a traversal would try to reach; <base>/dist is served.
  base = await mkdtemp(join(tmpdir(), 'signaling-static-'));
  dist = join(base, 'dist');
  await mkdir(join(dist, 'assets'), { recursive: true });
  await writeFile(join(base, 'package.json'), `{"name":"${SECRET}"}`);
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>mesh</title>');
  await writeFile(join(dist, 'assets', 'app.js'), 'console.log(1);');
  await writeFile(join(dist, 'assets', 'app.js.map'), '{}');
  await writeFile(join(dist, 'style.css'), 'body{}');
  await writeFile(join(dist, 'data.json'), '{"a":1}');
  await writeFile(join(dist, 'notes.txt'), 'not a served type');
  await symlink(join(base, 'package.json'), join(dist, 'escape.json'));
});
afterAll(() => rm(base, { recursive: true, force: true }));

// A plain id joins (unsigned joins allowed): this is about sharing the port, not about keys.
const h = new Harness({ allowUnsigned: true });
afterEach(() => h.cleanup());

type Response = { status: number; type: string | undefined; body: string };

/** Sends `path` byte for byte (no URL normalization), unlike fetch. */
function get(server: SignalingServer, path: string, method = 'GET'): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: server.address.host, port: server.address.port, path, method, timeout: WAIT_MS },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out: ${method} ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

describe('static files', () => {
  it('serves index.html for / and files with their content types', async () => {
    const server = await h.server({ staticDir: dist });
    const index = await get(server, '/');
    expect(index).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect(index.body).toContain('<title>mesh</title>');
    expect(await get(server, '/index.html?v=1')).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect(await get(server, '/assets/app.js')).toMatchObject({
      status: 200,
      type: 'text/javascript; charset=utf-8',
      body: 'console.log(1);',
    });
    expect(await get(server, '/assets/app.js.map')).toMatchObject({ status: 200, type: 'application/json; charset=utf-8' });
    expect(await get(server, '/style.css')).toMatchObject({ status: 200, type: 'text/css; charset=utf-8' });
    expect(await get(server, '/data.json')).toMatchObject({ status: 200, body: '{"a":1}' });
    expect(await get(server, '/style.css', 'HEAD')).toMatchObject({ status: 200, body: '' });
  });

  it('answers 404 for missing files, folders and unlisted types, 405 for other methods', async () => {
    const server = await h.server({ staticDir: dist });
    expect((await get(server, '/missing.js')).status).toBe(404);
    expect((await get(server, '/assets')).status).toBe(404);
    expect((await get(server, '/notes.txt')).status).toBe(404);
    expect((await get(server, '/', 'POST')).status).toBe(405);
    expect((await get(server, '/%E0%A4%A')).status).toBe(400);
  });

  it('refuses path traversal, encoded or not, and symlinks out of the folder', async () => {
    const server = await h.server({ staticDir: dist });
    for (const path of [
      '/../package.json',
      '/..%2fpackage.json',
      '/..%2f..%2fpackage.json',
      '/%2e%2e/package.json',
      '/assets/../../package.json',
      '/..\\package.json',
      '/escape.json',
    ]) {
      const res = await get(server, path);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.body, path).not.toContain(SECRET);
    }
  });

  it('serves nothing without staticDir, while socket.io still works on the same port', async () => {
    const server = await h.server();
    expect((await get(server, '/')).status).toBe(404);
    const socket = await h.client(server);
    expect(await joinRoom(socket, 'r', 'p')).toEqual({ ok: true, introductions: [] });
  });
});

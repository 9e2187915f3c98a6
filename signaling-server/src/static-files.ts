import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

/** Only these are served; anything else is a 404, so stray files in the folder never leak. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith(sep) ? root : root + sep);
}

function errorCode(err: unknown): unknown {
  return typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
}

/**
 * Serves files below `dir` for GET/HEAD; `undefined` serves nothing (404 for everything).
 * socket.io intercepts its own path before this handler sees a request.
 */
export function createStaticHandler(dir: string | undefined): RequestHandler {
  const root = dir === undefined ? undefined : resolve(dir);

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'Method not allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    if (root === undefined) {
      sendText(res, 404, 'Not found\n');
      return;
    }
    // Work on the raw path: URL parsing would silently collapse "/../" and hide the attempt.
    const rawPath = (req.url ?? '/').split(/[?#]/, 1)[0] ?? '/';
    let urlPath: string;
    try {
      urlPath = decodeURIComponent(rawPath);
    } catch {
      sendText(res, 400, 'Bad request: malformed URL encoding\n');
      return;
    }
    if (!urlPath.startsWith('/') || urlPath.includes('\0')) {
      sendText(res, 400, 'Bad request\n');
      return;
    }
    const wanted = resolve(root, '.' + (urlPath.endsWith('/') ? urlPath + 'index.html' : urlPath));
    if (!isInside(root, wanted)) {
      sendText(res, 403, 'Forbidden\n');
      return;
    }
    const contentType = CONTENT_TYPES[extname(wanted).toLowerCase()];
    if (contentType === undefined) {
      sendText(res, 404, 'Not found\n');
      return;
    }
    let file: string;
    try {
      // Check again after following symlinks, so a link cannot point out of the folder.
      const [realRoot, realFile] = await Promise.all([realpath(root), realpath(wanted)]);
      if (!isInside(realRoot, realFile)) {
        sendText(res, 403, 'Forbidden\n');
        return;
      }
      file = realFile;
    } catch (err: unknown) {
      if (errorCode(err) !== 'ENOENT' && errorCode(err) !== 'ENOTDIR') throw err;
      sendText(res, 404, 'Not found\n');
      return;
    }
    const info = await stat(file);
    if (!info.isFile()) {
      sendText(res, 404, 'Not found\n');
      return;
    }
    res.writeHead(200, {
      'Content-Type': contentType,
      'Content-Length': info.size,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    await pipeline(createReadStream(file), res);
  }

  return (req, res) => {
    serve(req, res).catch((err: unknown) => {
      // A failed read must cost one response, never the process. A client hanging up is normal.
      if (errorCode(err) !== 'ERR_STREAM_PREMATURE_CLOSE') {
        console.error('signaling-server: static file error:', err);
      }
      if (!res.headersSent) sendText(res, 500, 'Internal server error\n');
      else res.destroy();
    });
  };
}

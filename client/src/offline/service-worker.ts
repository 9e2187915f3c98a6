/**
 * The page's service worker: the built page and its assets are cached on first load, so the URL
 * opens with the server gone (the mesh carries on without it, see local-tabs.ts). The cache is
 * versioned by the build (vite-plugin.ts emits `sw.js` = this module + a call with the build's
 * version and file list): a new build installs a new cache once the server is back, and the old
 * one is dropped.
 *
 * Pages: network first (a fresh build when the server is up), the cache when it is not. Assets
 * (content-hashed names): cache first. Everything else (socket.io) is left to the network.
 */

/** The parts of ServiceWorkerGlobalScope used here (the DOM lib has no worker types). */
export interface WorkerScope {
  readonly registration: { readonly scope: string };
  readonly caches: CacheStorage;
  skipWaiting(): Promise<void>;
  readonly clients: { claim(): Promise<void> };
  fetch(request: Request): Promise<Response>;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEventLike) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEventLike) => void): void;
}

export interface ExtendableEventLike {
  waitUntil(promise: Promise<unknown>): void;
}

export interface FetchEventLike {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}

export const CACHE_PREFIX = 'gossip-mesh-';

export function installServiceWorker(scope: WorkerScope, build: string, files: readonly string[]): void {
  const cacheName = `${CACHE_PREFIX}${build}`;
  const scopeUrl = new URL(scope.registration.scope);
  const cached = new Set(files.map((file) => new URL(file, scopeUrl).pathname));

  scope.addEventListener('install', (event) => {
    event.waitUntil(
      scope.caches
        .open(cacheName)
        .then((cache) => cache.addAll([...cached]))
        .then(() => scope.skipWaiting()),
    );
  });

  scope.addEventListener('activate', (event) => {
    event.waitUntil(
      scope.caches
        .keys()
        .then((keys) => Promise.all(keys.filter((key) => key.startsWith(CACHE_PREFIX) && key !== cacheName).map((key) => scope.caches.delete(key))))
        .then(() => scope.clients.claim()),
    );
  });

  scope.addEventListener('fetch', (event) => {
    const request = event.request;
    const url = new URL(request.url);
    if (request.method !== 'GET' || url.origin !== scopeUrl.origin) return;
    const path = url.pathname === scopeUrl.pathname ? `${scopeUrl.pathname}index.html` : url.pathname;
    if (!cached.has(path)) return;
    event.respondWith(request.mode === 'navigate' ? networkFirst(request, path) : cacheFirst(request, path));
  });

  async function networkFirst(request: Request, path: string): Promise<Response> {
    try {
      return await scope.fetch(request);
    } catch (error: unknown) {
      const hit = await scope.caches.match(path, { cacheName });
      if (hit !== undefined) return hit;
      throw error;
    }
  }

  async function cacheFirst(request: Request, path: string): Promise<Response> {
    return (await scope.caches.match(path, { cacheName })) ?? scope.fetch(request);
  }
}

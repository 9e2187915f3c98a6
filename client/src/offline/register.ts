/**
 * Registers the page's service worker (sw.js, emitted by vite-plugin.ts into the build) so the
 * page opens with the server gone. The dev server has no sw.js: registration then fails quietly,
 * and the page works as before, it just cannot reopen offline.
 */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register(new URL('sw.js', document.baseURI)).catch((error: unknown) => {
    console.info('no service worker (the page will not open offline):', error instanceof Error ? error.message : String(error));
  });
}

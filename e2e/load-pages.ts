/** Opening many tabs the same way everywhere (demo, benchmarks): a few loading at once, in order. */
import type { Page } from '@playwright/test';

/**
 * Navigates every page to `url` (waiting for `load`), at most `concurrency` at once, in the order
 * given; `onLoaded(count)` after each page that finished loading.
 */
export async function loadPages(pages: readonly Page[], url: string, concurrency: number, onLoaded?: (loaded: number) => void): Promise<void> {
  let next = 0;
  let loaded = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, pages.length)) }, async () => {
      while (next < pages.length) {
        await (pages[next++] as Page).goto(url, { waitUntil: 'load' });
        onLoaded?.(++loaded);
      }
    }),
  );
}

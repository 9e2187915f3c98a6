/** Opening many tabs the same way everywhere (demo, benchmarks): a few at once, in order. */
import type { Page } from '@playwright/test';

/**
 * Runs `open(0)`, `open(1)`, ... `open(count - 1)` in that order, at most `concurrency` at once;
 * `onOpened(done)` after each one that finished. Resolves to the results in index order.
 */
export async function openInTurn<T>(count: number, concurrency: number, open: (index: number) => Promise<T>, onOpened?: (done: number) => void): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await open(index);
        onOpened?.(++done);
      }
    }),
  );
  return results;
}

/** Navigates every page to `url` (waiting for `load`), at most `concurrency` at once, in order. */
export async function loadPages(pages: readonly Page[], url: string, concurrency: number, onLoaded?: (loaded: number) => void): Promise<void> {
  await openInTurn(pages.length, concurrency, (i) => (pages[i] as Page).goto(url, { waitUntil: 'load' }), onLoaded);
}

/**
 * The mesh page's own behaviour in real Chromium (issue 17's rough edges), on two tabs: what a
 * user sees when a box gets more than the wire carries, a blank rumor, an empty settings field;
 * the aggregates block; the room the feed gives to rumors; and the playground's "bytes sent" at
 * t = 0. Every wait is on a condition, with a bound.
 */
import type { Page } from '@playwright/test';
import { test, expect, waitForMeshReady } from './fixtures.ts';

test.use({ viewport: { width: 1280, height: 720 } });

/** Waits until the page (not only the hook) is drawn. */
async function pageDrawn(page: Page): Promise<void> {
  await expect(page.locator('#rumor-input')).toBeVisible({ timeout: 30_000 });
}

test('a megabyte pasted or typed into the rumor and register boxes is cut to what the wire carries, and the box says so', async ({ openTabs }) => {
  const [tab] = await openTabs(1);
  if (tab === undefined) throw new Error('no tab');
  await pageDrawn(tab);
  const megabyte = 'x'.repeat(1024 * 1024);

  for (const [box, error, maxBytes] of [
    ['#rumor-input', '#rumor-error', 2048],
    ['#register-input', '#register-error', 1024],
  ] as const) {
    // A real paste event with a megabyte on the clipboard.
    await tab.locator(box).evaluate((input, text) => {
      const data = new DataTransfer();
      data.setData('text/plain', text);
      input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, megabyte);
    await expect.poll(() => tab.locator(box).evaluate((input: HTMLInputElement) => input.value.length)).toBe(maxBytes);
    await expect(tab.locator(error)).toContainText(`Cut to ${maxBytes} bytes`);

    // Anything else that lands in the box (typing, drop, autofill) is cut on input.
    await tab.locator(box).fill(`${'é'.repeat(maxBytes)}`);
    await expect.poll(() => tab.locator(box).evaluate((input: HTMLInputElement) => new TextEncoder().encode(input.value).byteLength)).toBe(maxBytes);
    await expect(tab.locator(error)).toContainText(`Cut to ${maxBytes} bytes`);

    // Editing within the limit clears the message.
    await tab.locator(box).fill('short');
    await expect(tab.locator(error)).toHaveText('');
  }

  // What is left in the rumor box can be sent.
  await tab.locator('#rumor-input').fill('y'.repeat(3000));
  await tab.getByRole('button', { name: 'Send' }).click();
  await expect.poll(() => tab.evaluate(() => window.__mesh?.rumors().map((r) => r.text.length) ?? [])).toEqual([2048]);
});

test('a blank rumor is not sent and the page says why; an empty Period field says what it needs', async ({ openTabs }) => {
  const [tab] = await openTabs(1);
  if (tab === undefined) throw new Error('no tab');
  await pageDrawn(tab);

  await tab.locator('#rumor-input').fill('   ');
  await tab.getByRole('button', { name: 'Send' }).click();
  await expect(tab.locator('#rumor-error')).toContainText('blank rumor');
  expect(await tab.evaluate(() => window.__mesh?.rumors().length)).toBe(0);

  await tab.locator('#set-period').fill('');
  await expect(tab.locator('#settings-error')).toContainText('Period (ms) is empty');
  // Apply refuses it (the tab stays, no reload with a silent default).
  const url = tab.url();
  await tab.getByRole('button', { name: 'Apply and reload' }).click();
  await expect(tab.locator('#settings-error')).toContainText('Period (ms) is empty');
  expect(tab.url()).toBe(url);
  await tab.locator('#set-period').fill('500');
  await expect(tab.locator('#settings-error')).toHaveText('');
});

test('the aggregates have a heading and an age, not an epoch number; the feed shows several rumors', async ({ openTabs }) => {
  const tabs = await openTabs(2);
  await waitForMeshReady(tabs);
  const [tab, other] = tabs;
  if (tab === undefined || other === undefined) throw new Error('no tabs');
  await pageDrawn(tab);

  await expect(tab.getByRole('heading', { name: 'Network-wide estimates' })).toBeVisible();
  await expect(tab.locator('.aggregate-age')).toContainText('updated', { timeout: 30_000 });
  expect(await tab.locator('.aggregates-block').innerText()).not.toMatch(/epoch/i);

  for (let i = 0; i < 8; i++) await other.evaluate((n) => window.__mesh?.publish(`rumor number ${n}`), i);
  await expect(tab.locator('.feed li')).toHaveCount(8, { timeout: 30_000 });
  const { feedPx, entryPx } = await tab.evaluate(() => {
    const feed = document.querySelector<HTMLElement>('.feed');
    const entry = document.querySelector<HTMLElement>('.feed li');
    return { feedPx: feed?.clientHeight ?? 0, entryPx: entry?.offsetHeight ?? Infinity };
  });
  // At 1280 x 720 the feed used to show about 1.5 entries.
  expect(feedPx / entryPx).toBeGreaterThanOrEqual(4);
});

test('joining reads no localStorage (the logging of simple-peer\'s dependencies is compiled out: it asked the storage service before the tab could join)', async ({ context, openTabs }) => {
  await context.addInitScript(() => {
    const owner = Object.getOwnPropertyDescriptor(window, 'localStorage') !== undefined ? window : Window.prototype;
    const descriptor = Object.getOwnPropertyDescriptor(owner, 'localStorage');
    const read = descriptor?.get;
    if (read === undefined) throw new Error('window.localStorage has no getter to watch');
    const counted = { reads: 0 };
    Object.defineProperty(window, '__localStorageReads', { value: counted });
    Object.defineProperty(owner, 'localStorage', { ...descriptor, get(this: Window) { counted.reads++; return read.call(this); } });
  });
  const tabs = await openTabs(2);
  await waitForMeshReady(tabs, 30_000);
  const reads = await Promise.all(tabs.map((tab) => tab.evaluate(() => (window as unknown as { __localStorageReads: { reads: number } }).__localStorageReads.reads)));
  expect(reads).toEqual([0, 0]);
});

test('the playground reads 0 bytes sent for naive broadcast at t = 0 (its copies are only queued)', async ({ page, server }) => {
  await page.goto(new URL('playground.html', server.url).href, { waitUntil: 'load' });
  await expect(page.getByTestId('bytes-sent').first()).toHaveText('0 B');
  await expect(page.getByTestId('clock')).toContainText('t = 0');
});

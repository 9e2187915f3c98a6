/**
 * The playground page (dist/playground.html, served by the same server as the mesh page) in real
 * Chromium: it runs naive broadcast and each gossip mode to completion, and its results (the
 * chart's series and final values) must be exactly what the pure model computes for the same seed
 * here in Node. The three regimes are asserted on fixed seeds (deterministic outcomes, not timings).
 * The page is driven through its test hook, `window.__playground` (client/src/playground/api.ts).
 */
import type { Page, TestInfo } from '@playwright/test';
import type {} from '../client/src/playground/api.ts';
import { DEFAULT_CONFIG, GOSSIP_MODES, type PlaygroundConfig } from '../client/src/playground/config.ts';
import { runPlayground, type PlaygroundSummary } from '../client/src/playground/model.ts';
import { SCENARIOS, scenario } from '../client/src/playground/scenarios.ts';
import { test, expect } from './fixtures.ts';

test.use({ viewport: { width: 1440, height: 1100 } });

async function openPlayground(page: Page, baseUrl: string, query = ''): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const response = await page.goto(new URL(`playground.html${query}`, baseUrl).href, { waitUntil: 'load' });
  expect(response?.ok(), 'GET playground.html').toBe(true);
  await expect.poll(() => page.evaluate(() => window.__playground !== undefined), { message: 'window.__playground installed' }).toBe(true);
  expect(errors, 'page errors').toEqual([]);
}

function configure(page: Page, config: PlaygroundConfig): Promise<PlaygroundConfig> {
  return page.evaluate((c) => {
    if (window.__playground === undefined) throw new Error('no window.__playground');
    return window.__playground.configure(c);
  }, config);
}

function runToCompletion(page: Page): Promise<PlaygroundSummary> {
  return page.evaluate(() => {
    if (window.__playground === undefined) throw new Error('no window.__playground');
    return window.__playground.runToCompletion();
  });
}

/**
 * Page and Node must agree exactly on the runs (integer-seeded arithmetic only). The theory numbers
 * use Math.log and Math.pow, whose last bit may differ between Node's and Chromium's V8: close enough.
 */
function expectSameSummary(inPage: PlaygroundSummary, inNode: PlaygroundSummary, what: string): void {
  const { theory: pageTheory, ...pageRuns } = inPage;
  const { theory: nodeTheory, ...nodeRuns } = inNode;
  expect(pageRuns, `${what}: page vs Node`).toEqual(nodeRuns);
  expectClose(pageTheory.gossipEnd, nodeTheory.gossipEnd, `${what}: theory (gossip) end`);
  expectClose(pageTheory.naiveEnd, nodeTheory.naiveEnd, `${what}: theory (naive) end`);
  expect(pageTheory.gossipRounds === null, `${what}: theory rounds`).toBe(nodeTheory.gossipRounds === null);
  if (pageTheory.gossipRounds !== null) expect(pageTheory.gossipRounds).toBeCloseTo(nodeTheory.gossipRounds as number, 9);
}

function expectClose(actual: readonly number[], expected: readonly number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  actual.forEach((value, i) => expect(value, what).toBeCloseTo(expected[i] as number, 9));
}

async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

test.describe('playground', () => {
  test('runs naive broadcast and every gossip mode to completion, as the model does in Node', async ({ page, server }, testInfo) => {
    await openPlayground(page, server.url);
    for (const mode of GOSSIP_MODES) {
      const config: PlaygroundConfig = { ...DEFAULT_CONFIG, seed: 11, nodes: 200, mode };
      expect(await configure(page, config)).toEqual(config);
      const inPage = await runToCompletion(page);
      const inNode = runPlayground(config);
      // The whole summary: every informed time (the chart's series), counts, final values.
      expectSameSummary(inPage, inNode, mode);
      expect(inPage.naive.completeAtMs, `${mode}: naive finished`).not.toBeNull();
      expect(inPage.gossip.completeAtMs, `${mode}: gossip finished`).not.toBeNull();

      const drawn = await page.evaluate(() => window.__playground?.chart());
      if (drawn === undefined) throw new Error('no chart snapshot');
      // Both lines end at the shared clock (a run that finished first carries on flat) at their final value.
      const clock = Math.max(inNode.naive.endedAtMs, inNode.gossip.endedAtMs);
      expect(drawn.naive.end).toEqual([clock, inNode.naive.finalFraction]);
      expect(drawn.gossip.end).toEqual([clock, inNode.gossip.finalFraction]);
      expect(drawn.naive.end[1]).toBe(1);
      expect(drawn.gossip.end[1]).toBe(1);
      expectClose(drawn.theoryGossip.end, inNode.theory.gossipEnd, `${mode}: drawn theory (gossip) end`);
      expectClose(drawn.theoryNaive.end, inNode.theory.naiveEnd, `${mode}: drawn theory (naive) end`);
      expect(drawn.xMaxMs).toBeGreaterThanOrEqual(Math.max(inNode.naive.endedAtMs, inNode.gossip.endedAtMs));
      const state = await page.evaluate(() => window.__playground?.state());
      expect(state).toMatchObject({ done: true, playing: false, drawnNodes: 200 });
    }
    await screenshot(page, testInfo, 'playground-complete');

    // With loss: the page's loss draws are the model's too. Naive broadcast never resends, so it
    // misses the nodes whose copy was lost; gossip still reaches everyone.
    const lossy: PlaygroundConfig = { ...DEFAULT_CONFIG, seed: 11, nodes: 200, mode: 'push', loss: 0.1 };
    await configure(page, lossy);
    const inPage = await runToCompletion(page);
    expectSameSummary(inPage, runPlayground(lossy), 'push with 10% loss');
    expect(inPage.naive.lost).toBeGreaterThan(0);
    expect(inPage.naive.informed).toBe(200 - inPage.naive.lost);
    expect(inPage.gossip.finalFraction).toBe(1);
  });

  test('shows the three regimes on fixed seeds', async ({ page, server }, testInfo) => {
    await openPlayground(page, server.url);
    for (const mode of GOSSIP_MODES) {
      const fast = await configure(page, { ...scenario('fast-links').config, mode }).then(() => runToCompletion(page));
      expectSameSummary(fast, runPlayground({ ...scenario('fast-links').config, mode }), `${mode} fast links`);
      expect(fast.winner, `${mode}: with high throughput naive finishes first`).toBe('naive');
      expect(fast.naive.completeAtMs as number).toBeLessThan(fast.gossip.completeAtMs as number);

      const slow = await configure(page, { ...scenario('slow-uplinks').config, mode }).then(() => runToCompletion(page));
      expectSameSummary(slow, runPlayground({ ...scenario('slow-uplinks').config, mode }), `${mode} slow uplinks`);
      expect(slow.winner, `${mode}: with low throughput gossip finishes first`).toBe('gossip');
      expect(slow.gossip.completeAtMs as number).toBeLessThan(slow.naive.completeAtMs as number);

      const crash = await configure(page, { ...scenario('origin-crash').config, mode }).then(() => runToCompletion(page));
      expectSameSummary(crash, runPlayground({ ...scenario('origin-crash').config, mode }), `${mode} origin crash`);
      expect(crash.crashAtMs).not.toBeNull();
      expect(crash.naive.completeAtMs, `${mode}: naive never reaches everyone`).toBeNull();
      expect(crash.naive.informedLive).toBeLessThan(crash.naive.live);
      expect(crash.gossip.informedLive, `${mode}: gossip reaches every live node`).toBe(crash.gossip.live);
      expect(crash.gossip.finalFraction).toBe(1);
    }
    // The crash scenario with push-pull, part-way (messages in flight) and at the end.
    await configure(page, scenario('origin-crash').config);
    for (let i = 0; i < 5; i++) await page.getByTestId('step').click();
    await expect(page.getByTestId('clock')).toHaveText('t = 1.25 s');
    await screenshot(page, testInfo, 'playground-crash-part-way');
    await runToCompletion(page);
    await expect(page.getByTestId('verdict')).toContainText('Only gossip reached every live node');
    await screenshot(page, testInfo, 'playground-crash-complete');
  });

  test('plays, pauses, steps and resets from its controls, and takes settings from the URL', async ({ page, server }) => {
    await openPlayground(page, server.url, '?n=120&mode=push&period=100&seed=5');
    const hookState = () => page.evaluate(() => window.__playground?.state());
    expect(await page.evaluate(() => window.__playground?.config())).toEqual({ ...DEFAULT_CONFIG, nodes: 120, mode: 'push', periodMs: 100, seed: 5 });
    await expect(page.getByTestId('mode')).toHaveValue('push');
    await expect(page.getByTestId('nodes')).toHaveValue('120');

    await page.getByTestId('play').click();
    await expect.poll(async () => (await hookState())?.nowMs ?? 0, { message: 'virtual time moves while playing' }).toBeGreaterThan(0);
    await page.getByTestId('play').click(); // pause
    const paused = await hookState();
    expect(paused?.playing).toBe(false);
    await page.getByTestId('step').click();
    expect((await hookState())?.nowMs).toBeCloseTo((paused?.nowMs ?? 0) + 100, 6);

    await page.getByTestId('reset').click();
    expect(await hookState()).toMatchObject({ nowMs: 0, playing: false, done: false });

    // A control change rebuilds the runs and lands in the URL.
    await page.getByTestId('nodes').fill('700');
    await page.getByTestId('nodes').dispatchEvent('change');
    expect(await hookState()).toMatchObject({ nowMs: 0, drawnNodes: 0 });
    expect(new URL(page.url()).searchParams.get('n')).toBe('700');

    // Scenario buttons set every control.
    for (const s of SCENARIOS) await expect(page.getByTestId(`scenario-${s.id}`)).toHaveText(s.label);
    await page.getByTestId('scenario-slow-uplinks').click();
    expect(await page.evaluate(() => window.__playground?.config())).toEqual(scenario('slow-uplinks').config);
    await expect(page.getByTestId('throughputBytesPerMs')).toHaveValue('4');

    // "Run to end" finishes both runs without the hook.
    await page.getByTestId('run-to-end').click();
    await expect.poll(async () => (await hookState())?.done, { message: 'both runs done', timeout: 30_000 }).toBe(true);
    await expect(page.getByTestId('verdict')).toContainText('Gossip reached every live node first');
  });

  test('counts 10,000 nodes without drawing each', async ({ page, server }, testInfo) => {
    test.slow();
    const config: PlaygroundConfig = { ...DEFAULT_CONFIG, nodes: 10_000, mode: 'eager', throughputBytesPerMs: 200, seed: 3 };
    await openPlayground(page, server.url);
    await configure(page, config);
    const summary = await runToCompletion(page);
    expect(summary.naive.informed).toBe(10_000);
    expect(summary.gossip.informed).toBe(10_000);
    expect(await page.evaluate(() => window.__playground?.state())).toMatchObject({ done: true, drawnNodes: 0 });
    await expect(page.getByTestId('informed').first()).toHaveText('10,000 / 10,000 (100%)');
    await screenshot(page, testInfo, 'playground-10000');
  });
});

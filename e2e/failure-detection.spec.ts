/**
 * Failure detection (SWIM with Lifeguard, client/src/core/failure-detector.ts), Chromium tabs in
 * one context, the page's default options, the DevTools protocol for the faults (e2e/churn.ts):
 * - a crashed tab (Page.crash: no goodbye) leaves every survivor's view (neighbours and known
 *   peers);
 * - a tab whose timers are throttled as Chromium throttles background tabs (each timer held to the
 *   next whole second, and the CPU slowed 4x) but whose messages flow is never evicted over an
 *   observation of several detection times;
 * - a tab frozen (Debugger.pause) for longer than the detection time is evicted, and when it wakes
 *   it links again and catches up on the rumors and the counter it missed.
 * Every wait is on a condition with a bound; the bounds are generous (two shared cores), not
 * performance thresholds: e2e/bench/failure.ts measures the times.
 */
import type { Page } from '@playwright/test';
import { DEFAULT_OPTIONS } from '../client/src/core/options.ts';
import { crashTab, freezeTab, throttleTab } from './churn.ts';
import { test, expect, hook, waitForAll, waitForMeshReady } from './fixtures.ts';
import { meshSnapshot, publish, waitForConnectedMesh, waitForCounter, waitForRumor } from './mesh-helpers.ts';

const CAP = DEFAULT_OPTIONS.maxActiveViewSize;
const MESH_TIMEOUT_MS = 60_000;
const SPREAD_TIMEOUT_MS = 30_000;
/** Bound for a dead tab to leave every view: generous on two shared cores. */
const DROP_TIMEOUT_MS = 30_000;
/** How long a throttled tab is watched: several detection times (deadAfterMs). */
const OBSERVE_MS = 8 * DEFAULT_OPTIONS.deadAfterMs;
/** The frozen tab sleeps well past the detection time. */
const SLEEP_MS = 4 * DEFAULT_OPTIONS.deadAfterMs;

test.describe.configure({ timeout: 240_000 });

/** Waits until no tab in `tabs` lists `id` among its neighbours or known peers. */
function waitForDropped(tabs: readonly Page[], id: string, timeoutMs: number): Promise<void> {
  return waitForAll(tabs, (gone) => !(window.__mesh?.neighbors().includes(gone) ?? true) && !(window.__mesh?.known().includes(gone) ?? true), {
    what: `${id} out of the view`,
    arg: id,
    timeoutMs,
  });
}

test('a crashed tab leaves every survivor’s view', async ({ openTabs }) => {
  const tabs = await openTabs(5);
  await waitForMeshReady(tabs, MESH_TIMEOUT_MS);
  await waitForConnectedMesh(tabs, { maxDegree: CAP, timeoutMs: MESH_TIMEOUT_MS });
  const victim = tabs[2] as Page;
  const victimId = await hook(victim).id();
  const survivors = tabs.filter((t) => t !== victim);
  const before = await meshSnapshot(survivors);
  expect(before.some((v) => v.neighbors.includes(victimId)), 'someone linked to the victim').toBe(true);
  await crashTab(victim);
  await waitForDropped(survivors, victimId, DROP_TIMEOUT_MS);
  // The mesh carries on: a rumor reaches every survivor.
  const after = await publish(survivors[0] as Page, 'after the crash');
  await waitForRumor(survivors, after, SPREAD_TIMEOUT_MS);
});

test('a tab with throttled timers but flowing messages is never evicted', async ({ openTabs }) => {
  const tabs = await openTabs(5);
  await waitForMeshReady(tabs, MESH_TIMEOUT_MS);
  await waitForConnectedMesh(tabs, { maxDegree: CAP, timeoutMs: MESH_TIMEOUT_MS, symmetric: true });
  const slow = tabs[1] as Page;
  const slowId = await hook(slow).id();
  const others = tabs.filter((t) => t !== slow);
  // Chromium's background throttling: timers at whole seconds, and the CPU slowed 4x.
  const unthrottle = await throttleTab(slow);
  const linkedBefore = (await meshSnapshot(others)).filter((v) => v.neighbors.includes(slowId)).map((v) => v.id);
  expect(linkedBefore.length).toBeGreaterThan(0);
  // Over the observation, every poll: each tab that linked to it still does (eviction would drop it).
  const until = Date.now() + OBSERVE_MS;
  while (Date.now() < until) {
    const views = await meshSnapshot(others);
    for (const view of views) if (linkedBefore.includes(view.id)) expect(view.neighbors, `${view.label} still links to the throttled tab`).toContain(slowId);
    await expect.poll(() => hook(slow).ready(), { timeout: 5000 }).toBe(true);
  }
  // Its messages flow both ways: a rumor from it reaches everyone.
  const id = await publish(slow, 'from the throttled tab');
  await waitForRumor(tabs, id, SPREAD_TIMEOUT_MS);
  await unthrottle();
});

test('a frozen tab is evicted, and when it wakes it links again and catches up', async ({ openTabs }) => {
  const tabs = await openTabs(5);
  await waitForMeshReady(tabs, MESH_TIMEOUT_MS);
  await waitForConnectedMesh(tabs, { maxDegree: CAP, timeoutMs: MESH_TIMEOUT_MS, symmetric: true });
  const sleeper = tabs[3] as Page;
  const sleeperId = await hook(sleeper).id();
  const others = tabs.filter((t) => t !== sleeper);
  const frozen = await freezeTab(sleeper);
  const missed = await publish(tabs[0] as Page, 'while tab 3 slept');
  await hook(tabs[1] as Page).add(5);
  await waitForRumor(others, missed, SPREAD_TIMEOUT_MS);
  await waitForCounter(others, 5, SPREAD_TIMEOUT_MS);
  // Evicted: no neighbour keeps a link to a tab that answers nothing.
  await waitForAll(others, (gone) => !(window.__mesh?.neighbors().includes(gone) ?? true), {
    what: 'the frozen tab dropped from the neighbours',
    arg: sleeperId,
    timeoutMs: DROP_TIMEOUT_MS,
  });
  // The deliberate sleep: the rest of SLEEP_MS.
  const remainingMs = frozen.frozenAt + SLEEP_MS - Date.now();
  if (remainingMs > 0) await new Promise((resolve) => setTimeout(resolve, remainingMs));
  await frozen.wake();
  await waitForAll([sleeper], (id) => window.__mesh?.rumors().some((r) => r.id === id) ?? false, {
    what: 'the rumor published while it slept',
    arg: missed,
    timeoutMs: SPREAD_TIMEOUT_MS,
  });
  await waitForCounter([sleeper], 5, SPREAD_TIMEOUT_MS);
  // Linked again, and listed by its new neighbours.
  await waitForConnectedMesh(tabs, { maxDegree: CAP, timeoutMs: MESH_TIMEOUT_MS, symmetric: true });
  const back = await publish(sleeper, 'awake again');
  await waitForRumor(tabs, back, SPREAD_TIMEOUT_MS);
});

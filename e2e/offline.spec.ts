/**
 * Growing the mesh with no server (issue 16): the page reopens from the service worker's cache,
 * new tabs join through a tab of the same browser (BroadcastChannel signaling for the first
 * link, then the mesh), and two browser contexts that share nothing link by an invite.
 */
import { createServer } from 'node:net';
import type { Page } from '@playwright/test';
import { connectedPeerConnections, installProbes } from './churn.ts';
import { test, expect, callHook, hook, newContextFor, waitForAll, waitForMeshReady } from './fixtures.ts';
import { publish, waitForCounter, waitForRumor } from './mesh-helpers.ts';

const MESH_TIMEOUT_MS = 45_000;
const SPREAD_TIMEOUT_MS = 30_000;

/** A signaling URL where nothing listens (a port just freed): the tab never reaches a server. */
async function deadSignalingUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return `http://127.0.0.1:${address.port}`;
}

/** The page starts its peer after a join attempt; without a server that takes its join timeout. */
function waitForHook(pages: readonly Page[]): Promise<void> {
  return waitForAll(pages, () => window.__mesh !== undefined, { what: 'the test hook', timeoutMs: 30_000 });
}

/** Waits until the page's service worker is active and controls it (the cache is filled at install). */
async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller === null) {
      await new Promise<void>((resolve) => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }));
    }
  });
}

test.describe('growing the mesh with no server', () => {
  test('with the server down, new tabs load from cache and join through the open tabs', async ({ server, openTabs, context }) => {
    await installProbes(context);
    const first = await openTabs(6);
    await waitForMeshReady(first, MESH_TIMEOUT_MS);
    await waitForServiceWorker(first[0] as Page);
    await server.stop();

    const fresh = await openTabs(3);
    await waitForHook(fresh);
    for (const page of fresh) {
      const served = await page.evaluate(() => navigator.serviceWorker.controller !== null);
      expect(served, 'page controlled by the service worker').toBe(true);
    }
    const all = [...first, ...fresh];
    // Target degree is 5; with 9 tabs and a cap of 8, each newcomer reaches it over real data channels.
    await waitForAll(fresh, () => (window.__mesh?.neighbors().length ?? 0) >= 5, { what: 'target degree (5 links)', timeoutMs: MESH_TIMEOUT_MS });
    for (const page of fresh) {
      expect(await connectedPeerConnections(page)).toBeGreaterThanOrEqual(5);
      const stats = await hook(page).stats();
      expect(stats.joinedVia).toBe('local');
      expect(stats.linksViaServer).toBe(0);
    }
    const id = await publish(first[0] as Page, 'after the server went away');
    await waitForRumor(all, id, SPREAD_TIMEOUT_MS);
    for (const page of fresh) await hook(page).add(1);
    await hook(first[1] as Page).add(2);
    await waitForCounter(all, 5, SPREAD_TIMEOUT_MS);
  });

  test('two contexts that share nothing link by an invite, and the joiner reaches the whole mesh', async ({ server, openTabs, browser }) => {
    const mesh = await openTabs(3);
    await waitForMeshReady(mesh, MESH_TIMEOUT_MS);
    // The joiner's context shares no BroadcastChannel, storage or service worker with the mesh's,
    // and its signaling URL points nowhere: only the invite can link it.
    const joinerContext = await newContextFor(browser, 'chromium');
    try {
      const [joiner] = await openTabs(1, { context: joinerContext, query: { server: await deadSignalingUrl() } });
      if (joiner === undefined) throw new Error('no joiner tab');
      await waitForHook([joiner]);
      expect(await hook(joiner).serverConnected()).toBe(false);
      await server.stop();

      const inviter = mesh[0] as Page;
      const invite = await callHook(inviter, 'createInvite');
      const answer = await callHook(joiner, 'acceptInvite', invite);
      await callHook(inviter, 'completeInvite', answer);
      await waitForMeshReady([joiner], MESH_TIMEOUT_MS);
      expect((await hook(joiner).stats()).joinedVia).toBe('invite');

      const id = await publish(mesh[2] as Page, 'reaches the invited tab');
      await waitForRumor([...mesh, joiner], id, SPREAD_TIMEOUT_MS);
      // More links than the invited one: the rest of the mesh is reached through it.
      await waitForAll([joiner], () => (window.__mesh?.neighbors().length ?? 0) >= 2, { what: 'a second link, signalled through the mesh', timeoutMs: MESH_TIMEOUT_MS });
    } finally {
      await joinerContext.close();
    }
  });

  // Expiry is checked on the codes themselves (client/src/transport/invite.test.ts): ten minutes of real time is no test.
  test('an altered invite, or the wrong kind of code, gives a clear error and leaves both tabs as they were', async ({ openTabs, browser }) => {
    // Two contexts and no server: nothing but an invite could link them (one context would link by BroadcastChannel).
    const otherContext = await newContextFor(browser, 'chromium');
    try {
      const server = await deadSignalingUrl();
      const [inviter] = await openTabs(1, { query: { server } });
      const [joiner] = await openTabs(1, { context: otherContext, query: { server } });
      if (inviter === undefined || joiner === undefined) throw new Error('two tabs expected');
      await waitForHook([inviter, joiner]);
      const invite = await callHook(inviter, 'createInvite');
      const altered = invite.slice(0, 20) + (invite[20] === 'A' ? 'B' : 'A') + invite.slice(21);
      const error = await joiner.evaluate((code) => window.__mesh?.acceptInvite(code).then(() => 'accepted', (e: unknown) => String(e)), altered);
      expect(error).toMatch(/invite (altered|malformed)/);
      const wrongAnswer = await inviter.evaluate((code) => window.__mesh?.completeInvite(code).then(() => 'accepted', (e: unknown) => String(e)), invite);
      expect(wrongAnswer).toMatch(/invite malformed/);
      expect(await hook(joiner).neighbors()).toEqual([]);
      expect(await hook(inviter).neighbors()).toEqual([]);
    } finally {
      await otherContext.close();
    }
  });
});

/**
 * Serverless propagation (issue 4), Chromium tabs in one browser context, the page's default
 * options (the ones sized for throttled background tabs):
 * - 12 tabs, then the signaling server is killed: 5 rumors from 5 tabs reach every tab and every
 *   tab shows the exact counter sum; 3 tabs are then killed abruptly (renderer crash: no pagehide,
 *   no goodbye): the survivors drop them from their views, get back to the target degree through
 *   signaling relayed by the mesh (the server is still down), stay one connected mesh, and a new
 *   rumor reaches every survivor; the server comes back: the tabs reconnect to it by themselves, a
 *   new tab joins and gets later rumors, and no two tabs hold two links to each other;
 * - a tab whose only neighbour dies while the server is down (the one case the mesh cannot heal
 *   by itself) shows "isolated: no neighbours and no server", and links again once the server is
 *   back and a new tab joins;
 * - a tab frozen (as Chromium freezes background tabs) for longer than a gossip period catches up
 *   on what it missed when it wakes, and is part of the mesh again (frozen past the failure
 *   detector's deadAfterMs it is evicted meanwhile and links again: e2e/failure-detection.spec.ts).
 *
 * Abrupt kills and sleeps go through the DevTools protocol (e2e/churn.ts: Page.crash, and
 * Debugger.pause, since Chromium ignores Page.setWebLifecycleState for a visible headless page);
 * small probes there check that a killed tab's pagehide never ran and count the live
 * RTCPeerConnections of a tab. Every wait is on a condition with a bound (waitForAll /
 * expect.poll); the only fixed wait is the frozen tab's deliberate sleep. The bounds are generous (two shared cores), not performance
 * thresholds: e2e/bench/churn.ts measures.
 */
import type { Page } from '@playwright/test';
import { DEFAULT_OPTIONS } from '../client/src/core/options.ts';
import { connectedPeerConnections, crashTab, freezeTab, installProbes, pagehidesSeen, probeToken } from './churn.ts';
import { test, expect, hook, tabLabel, waitForAll, waitForMeshReady } from './fixtures.ts';
import { meshSnapshot, publish, waitForConnectedMesh, waitForCounter, waitForRumor } from './mesh-helpers.ts';

const CAP = DEFAULT_OPTIONS.maxActiveViewSize;
const TARGET = DEFAULT_OPTIONS.activeViewSize;
const MESH_TIMEOUT_MS = 60_000;
const SPREAD_TIMEOUT_MS = 30_000;
/** Detecting a killed tab takes ICE's failure timeout or deadAfterMs, then healing: bound both. */
const HEAL_TIMEOUT_MS = DEFAULT_OPTIONS.deadAfterMs + 3 * DEFAULT_OPTIONS.connectTimeoutMs;
/** socket.io's reconnection back-off is capped at 5 s; the rejoin follows. */
const RECONNECT_TIMEOUT_MS = 30_000;
/** The frozen tab's sleep: more than a gossip period (and than the time to be declared dead). */
const SLEEP_MS = 8_000;

test.describe.configure({ timeout: 300_000 });

async function sumStats(tabs: readonly Page[]): Promise<{ viaMesh: number; viaServer: number }> {
  const all = await Promise.all(tabs.map((t) => hook(t).stats()));
  return {
    viaMesh: all.reduce((sum, s) => sum + (s.linksViaMesh ?? 0), 0),
    viaServer: all.reduce((sum, s) => sum + (s.linksViaServer ?? 0), 0),
  };
}

/** Every tab's page says whether the signaling server is reachable. */
function waitForServerShown(tabs: readonly Page[], reachable: boolean, timeoutMs: number): Promise<void> {
  return waitForAll(
    tabs,
    (want) => window.__mesh?.serverConnected() === want && document.body.innerText.includes(want ? 'server reachable' : 'server unreachable'),
    { what: `server ${reachable ? 'reachable' : 'unreachable'} (hook and page)`, arg: reachable, timeoutMs },
  );
}

/** Each tab: no neighbour listed twice, never itself, and exactly one live RTCPeerConnection per neighbour. */
async function linkProblems(tabs: readonly Page[]): Promise<string[]> {
  const views = await meshSnapshot(tabs);
  const problems: string[] = [];
  await Promise.all(
    views.map(async (view, i) => {
      if (new Set(view.neighbors).size !== view.neighbors.length) problems.push(`${view.label} lists a neighbour twice`);
      if (view.neighbors.includes(view.id)) problems.push(`${view.label} links to itself`);
      const connections = await connectedPeerConnections(tabs[i] as Page);
      if (connections !== view.neighbors.length) {
        problems.push(`${view.label}: ${connections} connected RTCPeerConnections for ${view.neighbors.length} neighbours`);
      }
    }),
  );
  return problems;
}

test.describe('serverless propagation', () => {
  test('with the server down, 12 tabs spread, survive 3 abrupt kills by mesh-relayed signaling, and take a newcomer once it is back', async ({
    server,
    openTabs,
    context,
  }) => {
    await installProbes(context);
    const tabs = await openTabs(12);
    const crashed = new Set<Page>();
    for (const tab of tabs) tab.on('crash', () => crashed.add(tab));
    await waitForMeshReady(tabs, MESH_TIMEOUT_MS);
    await waitForConnectedMesh(tabs, { maxDegree: CAP, timeoutMs: MESH_TIMEOUT_MS, symmetric: true });

    // ---- the server dies; the tabs notice and say so
    await server.stop();
    await waitForServerShown(tabs, false, RECONNECT_TIMEOUT_MS);

    // ---- 5 rumors from 5 tabs, and increments from 6 tabs, all with no server
    const publishers = [0, 3, 6, 9, 11];
    const rumorIds = await Promise.all(publishers.map((i) => publish(tabs[i] as Page, `serverless rumor from tab ${i}`)));
    const deltas: Array<[number, number]> = [
      [1, 5],
      [2, -2],
      [4, 7],
      [7, 1],
      [8, -3],
      [10, 4],
    ];
    await Promise.all(deltas.map(([i, delta]) => hook(tabs[i] as Page).add(delta)));
    const sum = deltas.reduce((s, [, d]) => s + d, 0);
    for (const id of rumorIds) await waitForRumor(tabs, id, SPREAD_TIMEOUT_MS);
    await waitForCounter(tabs, sum, SPREAD_TIMEOUT_MS);

    // ---- 3 tabs killed abruptly: the renderer crashes, no pagehide, no leave
    const victims = [tabs[2], tabs[5], tabs[8]] as Page[];
    const survivors = tabs.filter((t) => !victims.includes(t));
    const victimIds = await Promise.all(victims.map((v) => hook(v).id()));
    const victimTokens = await Promise.all(victims.map((v) => probeToken(v)));
    const before = await sumStats(survivors);
    await Promise.all(victims.map((v) => crashTab(v)));
    expect([...crashed].map(tabLabel).sort(), 'only the victims crashed').toEqual(victims.map(tabLabel).sort());

    // Every survivor's views (active and passive) lose them.
    await waitForAll(
      survivors,
      (gone) => {
        const mesh = window.__mesh;
        return mesh !== undefined && ![...mesh.neighbors(), ...mesh.known()].some((p) => gone.includes(p));
      },
      { what: 'the killed tabs out of every view', arg: victimIds, timeoutMs: HEAL_TIMEOUT_MS },
    );
    // Back to the target degree (or as many links as there are other survivors)...
    const degree = Math.min(TARGET, survivors.length - 1);
    await waitForAll(survivors, (want) => (window.__mesh?.neighbors().length ?? 0) >= want, {
      what: `at least ${degree} neighbours`,
      arg: degree,
      timeoutMs: HEAL_TIMEOUT_MS,
    });
    // ...through signaling relayed by the mesh: the server is down, it carried none of them.
    const after = await sumStats(survivors);
    expect(after.viaMesh, 'links formed through the mesh').toBeGreaterThan(before.viaMesh);
    expect(after.viaServer, 'links formed through the (dead) server').toBe(before.viaServer);
    // One connected mesh, links listed at both ends, none to a killed tab.
    const healed = await waitForConnectedMesh(survivors, { maxDegree: CAP, timeoutMs: HEAL_TIMEOUT_MS, symmetric: true });
    for (const view of healed) expect(view.neighbors.filter((n) => victimIds.includes(n)), `${view.label} links to a killed tab`).toEqual([]);
    // A new rumor reaches every survivor, and the sum holds.
    const afterChurn = await publish(survivors[4] as Page, 'after the churn');
    await waitForRumor(survivors, afterChurn, SPREAD_TIMEOUT_MS);
    await waitForCounter(survivors, sum, SPREAD_TIMEOUT_MS);
    // The kills really skipped pagehide: no killed tab's pagehide probe ever fired.
    const seen = (await Promise.all(survivors.map((s) => pagehidesSeen(s)))).flat();
    expect(seen.filter((token) => victimTokens.includes(token)), 'pagehide of a killed tab').toEqual([]);

    // ---- the server comes back: every tab reconnects by itself; a newcomer joins
    await server.restart();
    await waitForServerShown(survivors, true, RECONNECT_TIMEOUT_MS);
    const [newcomer] = (await openTabs(1)) as [Page];
    await waitForMeshReady([newcomer], MESH_TIMEOUT_MS);
    const everyone = [...survivors, newcomer];
    const later = await publish(survivors[0] as Page, 'after the server came back');
    await waitForRumor(everyone, later, SPREAD_TIMEOUT_MS);
    await waitForCounter([newcomer], sum, SPREAD_TIMEOUT_MS);
    const fromNewcomer = await publish(newcomer, 'from the newcomer');
    await waitForRumor(everyone, fromNewcomer, SPREAD_TIMEOUT_MS);

    // ---- never two links between the same two tabs: once settled, every link is one data
    // channel listed at both ends, and each tab has one live RTCPeerConnection per neighbour.
    await waitForConnectedMesh(everyone, { maxDegree: CAP, timeoutMs: MESH_TIMEOUT_MS, symmetric: true });
    await expect
      .poll(() => linkProblems(everyone), {
        message: 'one RTCPeerConnection per neighbour, no neighbour twice; received = what was wrong',
        timeout: MESH_TIMEOUT_MS,
        intervals: [250, 500, 1000],
      })
      .toEqual([]);

    // ---- control for the pagehide probe: a tab closed normally is seen, and said goodbye
    const newcomerId = await hook(newcomer).id();
    const newcomerToken = await probeToken(newcomer);
    await newcomer.close();
    await waitForAll(
      survivors,
      (gone) => !(window.__mesh?.neighbors().includes(gone) ?? true),
      { what: 'the closed tab out of every active view', arg: newcomerId, timeoutMs: SPREAD_TIMEOUT_MS },
    );
    const seenNow = (await Promise.all(survivors.map((s) => pagehidesSeen(s)))).flat();
    expect(seenNow, 'the probe saw the normal close').toContain(newcomerToken);
  });

  test('a tab whose only neighbour dies while the server is down says it is isolated, and rejoins when the server is back', async ({
    server,
    openTabs,
  }) => {
    const [alone, other] = (await openTabs(2)) as [Page, Page];
    await waitForMeshReady([alone, other], MESH_TIMEOUT_MS);
    await server.stop();
    await waitForServerShown([alone, other], false, RECONNECT_TIMEOUT_MS);
    await crashTab(other);
    // The one case the mesh cannot heal by itself: no neighbour and no server. The page says so.
    await waitForAll([alone], () => window.__mesh?.neighbors().length === 0 && document.body.innerText.includes('isolated: no neighbours and no server'), {
      what: 'the isolated state shown',
      timeoutMs: HEAL_TIMEOUT_MS,
    });
    await server.restart();
    await waitForServerShown([alone], true, RECONNECT_TIMEOUT_MS);
    const [newcomer] = (await openTabs(1)) as [Page];
    await waitForMeshReady([newcomer], MESH_TIMEOUT_MS);
    const newcomerId = await hook(newcomer).id();
    await waitForAll([alone], (id) => (window.__mesh?.neighbors().includes(id) ?? false) && document.body.innerText.includes('in the mesh'), {
      what: 'a link to the newcomer, shown',
      arg: newcomerId,
      timeoutMs: MESH_TIMEOUT_MS,
    });
  });

  test('a tab frozen for longer than a period catches up when it wakes and is part of the mesh again', async ({ server, openTabs, context }) => {
    expect(SLEEP_MS).toBeGreaterThan(DEFAULT_OPTIONS.periodMs);
    await installProbes(context);
    const tabs = await openTabs(8);
    await waitForMeshReady(tabs, MESH_TIMEOUT_MS);
    await waitForConnectedMesh(tabs, { maxDegree: CAP, timeoutMs: MESH_TIMEOUT_MS, symmetric: true });
    // Mesh only: whatever the sleeper misses it must get from its neighbours.
    await server.stop();
    await waitForServerShown(tabs, false, RECONNECT_TIMEOUT_MS);
    const base = await publish(tabs[0] as Page, 'before the sleep');
    await hook(tabs[1] as Page).add(10);
    await waitForRumor(tabs, base, SPREAD_TIMEOUT_MS);
    await waitForCounter(tabs, 10, SPREAD_TIMEOUT_MS);

    const sleeper = tabs[3] as Page;
    const others = tabs.filter((t) => t !== sleeper);

    const frozen = await freezeTab(sleeper);
    // While it sleeps: 3 rumors and 3 increments from the others.
    const missed = await Promise.all([1, 5, 7].map((i) => publish(tabs[i] as Page, `while tab 3 slept, from tab ${i}`)));
    await Promise.all(
      [
        [0, 3],
        [4, -1],
        [6, 5],
      ].map(([i, delta]) => hook(tabs[i as number] as Page).add(delta as number)),
    );
    for (const id of missed) await waitForRumor(others, id, SPREAD_TIMEOUT_MS);
    await waitForCounter(others, 17, SPREAD_TIMEOUT_MS);
    // The deliberate sleep: the rest of SLEEP_MS.
    const remainingMs = frozen.frozenAt + SLEEP_MS - Date.now();
    if (remainingMs > 0) await new Promise((resolve) => setTimeout(resolve, remainingMs));
    const { wokeAt, stalledMs } = await frozen.wake();
    expect(stalledMs, "the sleeper's timers stood still").toBeGreaterThanOrEqual(SLEEP_MS - 1000);

    // It catches up: every rumor it missed (received after it woke), and the exact sum.
    await waitForAll([sleeper], (ids) => ids.every((id) => window.__mesh?.rumors().some((r) => r.id === id) ?? false), {
      what: 'the rumors published while it slept',
      arg: missed,
      timeoutMs: SPREAD_TIMEOUT_MS,
    });
    await waitForCounter([sleeper], 17, SPREAD_TIMEOUT_MS);
    const got = (await hook(sleeper).rumors()).filter((r) => missed.includes(r.id));
    expect(got).toHaveLength(missed.length);
    // Same machine clock; a few ms of slack between this process and the tab.
    for (const rumor of got) expect(rumor.receivedAt, `${rumor.id} arrived after the wake`).toBeGreaterThanOrEqual(wokeAt - 5);

    // Part of the mesh again (links listed at both ends, the server still down): a rumor from it reaches everyone.
    await waitForConnectedMesh(tabs, { maxDegree: CAP, timeoutMs: MESH_TIMEOUT_MS, symmetric: true });
    const awake = await publish(sleeper, 'awake again');
    await waitForRumor(tabs, awake, SPREAD_TIMEOUT_MS);
    test.info().annotations.push({ type: 'sleep', description: `timers stalled ${Math.round(stalledMs)} ms; woke ${wokeAt - frozen.frozenAt} ms after the freeze` });
  });
});

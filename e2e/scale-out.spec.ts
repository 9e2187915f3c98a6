/**
 * Two signaling instances sharing rooms through a real redis-server (started here on a free
 * port, stopped after): two Chromium tabs load the page from instance A and two from instance B,
 * in one room. They are introduced across instances, signal through both, form one mesh, and a
 * rumor from an A tab reaches every tab. Waits are on conditions, with bounds.
 */
import type { Page } from '@playwright/test';
import { DEFAULT_OPTIONS } from '../client/src/core/options.ts';
import { test, expect, waitForMeshReady } from './fixtures.ts';
import { publish, waitForConnectedMesh, waitForRumor } from './mesh-helpers.ts';
import { redisServer } from './redis.ts';
import { startSignalingServer } from './server.ts';

const MESH_TIMEOUT_MS = 60_000;

test.describe.configure({ timeout: 150_000 });

test('2+2 tabs on two instances over Redis form one mesh and a rumor reaches all', async ({ openTabs }) => {
  const redis = await redisServer();
  const env = { REDIS_URL: redis.url, LOG_LEVEL: 'warn' };
  const a = await startSignalingServer({ ...env, INSTANCE_ID: 'e2e-a' });
  const b = await startSignalingServer({ ...env, INSTANCE_ID: 'e2e-b' });
  try {
    const onA = await openTabs(2, { path: a.url });
    const onB = await openTabs(2, { path: b.url });
    const tabs: Page[] = [...onA, ...onB];
    for (const page of onA) expect(new URL(page.url()).port).toBe(String(a.port));
    for (const page of onB) expect(new URL(page.url()).port).toBe(String(b.port));
    await waitForMeshReady(tabs, MESH_TIMEOUT_MS);
    const views = await waitForConnectedMesh(tabs, { maxDegree: DEFAULT_OPTIONS.maxActiveViewSize, timeoutMs: MESH_TIMEOUT_MS });
    // One mesh across instances: some link joins a tab of A to a tab of B.
    const idsOnA = new Set(views.slice(0, 2).map((v) => v.id));
    const crossing = views.slice(2).some((v) => v.neighbors.some((n) => idsOnA.has(n)));
    expect(crossing, `links: ${JSON.stringify(views)}`).toBe(true);
    const id = await publish(onA[0] as Page, 'across instances');
    await waitForRumor(tabs, id, 30_000);
    // Both instances relayed signals (their own /metrics say so).
    for (const server of [a, b]) {
      const text = await (await fetch(new URL('/metrics', server.url))).text();
      const relayed = Number(/^signaling_signals_relayed_total\{[^}]*\} (\d+)/m.exec(text)?.[1] ?? 'NaN');
      expect(relayed, `${server.url} metrics`).toBeGreaterThan(0);
    }
  } finally {
    await a.shutdown();
    await b.shutdown();
    await redis.stop();
  }
});

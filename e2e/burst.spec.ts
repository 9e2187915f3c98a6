/**
 * A 5 MB burst of the largest rumors the wire allows (2048-byte payloads), published at once by
 * one tab of three, in real Chromium tabs over real WebRTC: every rumor reaches every tab, no
 * link closes, nothing is dropped by a send, and the diagnostics show the link queue at work
 * (sends that waited for the channel's bufferedAmount).
 */
import { test, expect, waitForAll, waitForMeshReady } from './fixtures.ts';
import { waitForSymmetricLinks } from './mesh-helpers.ts';

const RUMORS = 2500;
const PAYLOAD_BYTES = 2048;

test('a 5 MB burst of maximum-size rumors reaches every tab; no channel closes, no send is dropped', async ({ openTabs }) => {
  // Signed, as the page runs by default: every rumor carries its origin's proof and is verified at each hop.
  const tabs = await openTabs(3);
  await waitForMeshReady(tabs, 30_000);
  await waitForSymmetricLinks(tabs, 30_000);
  // Symmetric is not complete: a tab linked to one other would open its second link in the burst.
  await waitForAll(tabs, () => window.__mesh?.diagnostics().linksOpen === 2, { what: 'both links of every tab open', timeoutMs: 30_000 });
  const before = await Promise.all(tabs.map((t) => t.evaluate(() => window.__mesh?.diagnostics() ?? null)));
  const origin = tabs[0];
  if (origin === undefined) throw new Error('no tab');
  const ids = await origin.evaluate(
    ({ count, bytes }) => {
      const mesh = window.__mesh;
      if (mesh === undefined) throw new Error('window.__mesh is not defined');
      const out: string[] = [];
      // One synchronous burst: far more than a data channel buffers at once.
      for (let i = 0; i < count; i++) out.push(mesh.publish(`${String(i).padStart(6, '0')}${'x'.repeat(bytes - 6)}`));
      return out;
    },
    { count: RUMORS, bytes: PAYLOAD_BYTES },
  );
  expect(ids).toHaveLength(RUMORS);
  const last = ids.slice(-2000); // rumors() keeps the newest 2000
  await waitForAll(
    tabs.slice(1),
    ({ want, lastIds }) => {
      const mesh = window.__mesh;
      if (mesh === undefined || mesh.diagnostics().rumorsDelivered < want) return false;
      const have = new Set(mesh.rumors().map((r) => r.id));
      return lastIds.every((id) => have.has(id));
    },
    { what: `all ${RUMORS} rumors`, arg: { want: RUMORS, lastIds: last }, timeoutMs: 60_000 },
  );
  const after = await Promise.all(tabs.map((t) => t.evaluate(() => window.__mesh?.diagnostics() ?? null)));
  for (const [i, d] of after.entries()) {
    const b = before[i];
    if (d === null || b === null || b === undefined) throw new Error(`tab ${i}: no diagnostics`);
    expect(d.linksOpened, `tab ${i} opened no new link`).toBe(b.linksOpened);
    expect(d.linksOpen, `tab ${i} kept its links`).toBe(b.linksOpen);
    expect(d.linkErrors, `tab ${i}`).toBe(0);
    expect(d.sendsDropped - b.sendsDropped, `tab ${i} dropped no send`).toBe(0);
    expect(d.messagesTooLarge + d.framesRejected + d.linksCutForFraming, `tab ${i}`).toBe(0);
    expect(d.droppedByReason['over-budget'] ?? 0, `tab ${i}`).toBe(0);
  }
  const publisher = after[0];
  expect(publisher?.sendsQueued, 'the burst waited in the link queues').toBeGreaterThan(0);
  expect(publisher?.queuePeakBytes).toBeGreaterThan(1024 * 1024);
  // The copies still queued for a tab that meanwhile got everything from the other one go too.
  await waitForAll([origin], () => window.__mesh?.diagnostics().queuedBytes === 0, { what: 'an empty send queue', timeoutMs: 60_000 });
});

/**
 * Mixed mesh (issue 13): Chromium tabs (the project's page) and Node peers (gossip-mesh/node,
 * e2e/peer-host.ts) in one room, kept small for CI: 3 tabs + 3 Node peers in one process.
 * - every rumor (one from a tab, one from a Node peer) reaches all 6; the counter is exact;
 * - all tabs closed: the Node peers keep the mesh (a rumor and an add still reach them all);
 * - the signaling server killed: the Node peers still spread a rumor and an add among themselves;
 * - a new tab joins through them with the server still down: its page comes from a plain static
 *   server (not the signaling server), its first link from an invite a Node peer made (codes
 *   carried by the test as a user would paste them), and it gets from the Node peers what was
 *   published while there was no tab and no server.
 * Every wait is on a condition with a bound.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { createStaticHandler } from '../signaling-server/src/static-files.ts';
import { test, expect, waitForMeshReady } from './fixtures.ts';
import { publish, waitForCounter, waitForRumor } from './mesh-helpers.ts';
import { startPeerHost, waitForPeers, type PeerHost, type PeerState } from './node-peers.ts';
import { repoRoot } from './server.ts';

const SPREAD_TIMEOUT_MS = 45_000;
/** Tabs' goodbyes, then links replaced among the Node peers (connect timeouts included). */
const HEAL_TIMEOUT_MS = 90_000;
const NODE_PEERS = 3;

test.describe.configure({ timeout: 300_000 });

const hasRumor = (id: string) => (p: PeerState): string | null => (p.rumors.some((r) => r.id === id) ? null : `no rumor ${id}`);
const hasCounter = (value: number) => (p: PeerState): string | null => (p.counter === value ? null : `counter ${p.counter}, want ${value}`);

async function staticServer(dir: string): Promise<{ url: string; server: Server }> {
  const server = createServer(createStaticHandler(dir));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

test('tabs and Node peers share one mesh; the Node peers keep it without tabs and server, and bring a newcomer up to date', async ({
  server,
  room,
  openTabs,
  context,
}) => {
  let host: PeerHost | undefined;
  const page = await staticServer(resolve(repoRoot, 'dist'));
  try {
    const tabs = await openTabs(3);
    host = await startPeerHost({ signaling: server.url, room, count: NODE_PEERS });
    const hosts = [host];
    await waitForMeshReady(tabs);
    await waitForPeers(hosts, 'a neighbour', (p) => (p.neighbors.length > 0 ? null : 'no neighbour'), SPREAD_TIMEOUT_MS);

    // Every rumor reaches all 6, the counter is exact everywhere.
    const fromTab = await publish(tabs[0]!, 'from a tab');
    const fromNode = (await host.request({ op: 'publish', peer: 0, text: 'from a Node peer' })).rumorId;
    await tabs[1]!.evaluate(() => window.__mesh?.add(2));
    await host.request({ op: 'add', peer: 1, delta: 3 });
    for (const id of [fromTab, fromNode]) {
      await waitForRumor(tabs, id, SPREAD_TIMEOUT_MS);
      await waitForPeers(hosts, `rumor ${id}`, hasRumor(id), SPREAD_TIMEOUT_MS);
    }
    await waitForCounter(tabs, 5, SPREAD_TIMEOUT_MS);
    await waitForPeers(hosts, 'counter 5', hasCounter(5), SPREAD_TIMEOUT_MS);
    const mixed = await waitForPeers(hosts, 'tab ids', () => null, SPREAD_TIMEOUT_MS);
    const tabIds = new Set(await Promise.all(tabs.map((t) => t.evaluate(() => window.__mesh?.id ?? ''))));
    // Tabs and Node peers really are linked to each other, not two meshes side by side.
    expect(mixed.some((p) => p.neighbors.some((n) => tabIds.has(n)))).toBe(true);

    // All tabs closed: the Node peers keep the mesh.
    for (const tab of tabs) await tab.close({ runBeforeUnload: true });
    const nodeIds = new Set(mixed.map((p) => p.id));
    await waitForPeers(
      hosts,
      'links only among Node peers',
      (p) => (p.neighbors.length > 0 && p.neighbors.every((n) => nodeIds.has(n)) ? null : `neighbours ${p.neighbors.join(',')}`),
      HEAL_TIMEOUT_MS,
    );
    const afterTabs = (await host.request({ op: 'publish', peer: 2, text: 'no tabs left' })).rumorId;
    await host.request({ op: 'add', peer: 0, delta: 1 });
    await waitForPeers(hosts, `rumor ${afterTabs}`, hasRumor(afterTabs), SPREAD_TIMEOUT_MS);
    await waitForPeers(hosts, 'counter 6', hasCounter(6), SPREAD_TIMEOUT_MS);

    // The signaling server killed: the Node peers spread among themselves.
    await server.stop();
    await waitForPeers(hosts, 'server gone', (p) => (p.serverConnected ? 'still sees the server' : null), SPREAD_TIMEOUT_MS);
    const serverless = (await host.request({ op: 'publish', peer: 1, text: 'no server either' })).rumorId;
    await host.request({ op: 'add', peer: 2, delta: 4 });
    await waitForPeers(hosts, `rumor ${serverless}`, hasRumor(serverless), SPREAD_TIMEOUT_MS);
    await waitForPeers(hosts, 'counter 10', hasCounter(10), SPREAD_TIMEOUT_MS);

    // A newcomer with the server still down: its page from a plain static server, its first link
    // by an invite from a Node peer (codes handed over by the test, as a user would paste them).
    const newcomer = await context.newPage();
    await newcomer.goto(`${page.url}?room=${room}&server=${encodeURIComponent(server.url)}`);
    await newcomer.waitForFunction(() => window.__mesh !== undefined, undefined, { timeout: SPREAD_TIMEOUT_MS });
    const { code } = await host.request({ op: 'invite', peer: 0 });
    const answer = await newcomer.evaluate((offer) => window.__mesh!.acceptInvite(offer), code);
    await host.request({ op: 'complete', peer: 0, code: answer });
    await waitForMeshReady([newcomer], SPREAD_TIMEOUT_MS);
    expect(await newcomer.evaluate(() => window.__mesh?.serverConnected())).toBe(false);
    // What only the Node peers hold reaches it: published with no tab and no server up.
    await waitForRumor([newcomer], serverless, SPREAD_TIMEOUT_MS);
    await waitForRumor([newcomer], afterTabs, SPREAD_TIMEOUT_MS);
    await waitForCounter([newcomer], 10, SPREAD_TIMEOUT_MS);
    const neighbours = await newcomer.evaluate(() => window.__mesh?.neighbors() ?? []);
    expect(neighbours.every((n) => nodeIds.has(n))).toBe(true);
  } finally {
    await host?.stop();
    await new Promise((done) => page.server.close(done));
  }
});

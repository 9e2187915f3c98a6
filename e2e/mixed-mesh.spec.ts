/**
 * Mixed mesh (issue 13): Chromium tabs (the project's page) and Node peers (gossip-mesh/node,
 * e2e/peer-host.ts) in one room: 6 tabs + 6 Node peers (in one process).
 * - every rumor (two from tabs, two from Node peers) reaches all 12; the counter (adds from three
 *   tabs and three Node peers) is exact on all 12;
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
const TABS = 6;
const NODE_PEERS = 6;

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
    const [tabs] = await Promise.all([
      openTabs(TABS),
      startPeerHost({ signaling: server.url, room, count: NODE_PEERS }).then((started) => (host = started)),
    ]);
    if (host === undefined) throw new Error('no peer host');
    const hosts = [host];
    await waitForMeshReady(tabs);
    await waitForPeers(hosts, 'a neighbour', (p) => (p.neighbors.length > 0 ? null : 'no neighbour'), SPREAD_TIMEOUT_MS);

    // Every rumor reaches all 12, the counter is exact everywhere.
    const ids = [
      await publish(tabs[0]!, 'from a tab'),
      await publish(tabs[3]!, 'from another tab'),
      (await host.request({ op: 'publish', peer: 0, text: 'from a Node peer' })).rumorId,
      (await host.request({ op: 'publish', peer: 4, text: 'from another Node peer' })).rumorId,
    ];
    for (const [i, delta] of [[1, 2], [2, 1], [5, 4]] as const) await tabs[i]!.evaluate((d) => window.__mesh?.add(d), delta);
    for (const [peer, delta] of [[1, 3], [3, 1], [5, 2]] as const) await host.request({ op: 'add', peer, delta });
    const total = 2 + 1 + 4 + 3 + 1 + 2;
    for (const id of ids) {
      await waitForRumor(tabs, id, SPREAD_TIMEOUT_MS);
      await waitForPeers(hosts, `rumor ${id}`, hasRumor(id), SPREAD_TIMEOUT_MS);
    }
    await waitForCounter(tabs, total, SPREAD_TIMEOUT_MS);
    const mixed = await waitForPeers(hosts, `counter ${total}`, hasCounter(total), SPREAD_TIMEOUT_MS);
    const tabIds = new Set(await Promise.all(tabs.map((t) => t.evaluate(() => window.__mesh?.id ?? ''))));
    const nodeIds = new Set(mixed.map((p) => p.id));
    // Twelve distinct peers, and one mesh of them, not two side by side: tabs and Node peers link.
    expect(new Set([...tabIds, ...nodeIds]).size).toBe(TABS + NODE_PEERS);
    expect(mixed.some((p) => p.neighbors.some((n) => tabIds.has(n)))).toBe(true);

    // All tabs closed: the Node peers keep the mesh.
    for (const tab of tabs) await tab.close({ runBeforeUnload: true });
    await waitForPeers(
      hosts,
      'links only among Node peers',
      (p) => (p.neighbors.length > 0 && p.neighbors.every((n) => nodeIds.has(n)) ? null : `neighbours ${p.neighbors.join(',')}`),
      HEAL_TIMEOUT_MS,
    );
    const afterTabs = (await host.request({ op: 'publish', peer: 2, text: 'no tabs left' })).rumorId;
    await host.request({ op: 'add', peer: 0, delta: 1 });
    await waitForPeers(hosts, `rumor ${afterTabs}`, hasRumor(afterTabs), SPREAD_TIMEOUT_MS);
    await waitForPeers(hosts, `counter ${total + 1}`, hasCounter(total + 1), SPREAD_TIMEOUT_MS);

    // The signaling server killed: the Node peers spread among themselves.
    await server.stop();
    await waitForPeers(hosts, 'server gone', (p) => (p.serverConnected ? 'still sees the server' : null), SPREAD_TIMEOUT_MS);
    const serverless = (await host.request({ op: 'publish', peer: 1, text: 'no server either' })).rumorId;
    await host.request({ op: 'add', peer: 2, delta: 4 });
    await waitForPeers(hosts, `rumor ${serverless}`, hasRumor(serverless), SPREAD_TIMEOUT_MS);
    await waitForPeers(hosts, `counter ${total + 5}`, hasCounter(total + 5), SPREAD_TIMEOUT_MS);

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
    await waitForCounter([newcomer], total + 5, SPREAD_TIMEOUT_MS);
    const neighbours = await newcomer.evaluate(() => window.__mesh?.neighbors() ?? []);
    expect(neighbours.every((n) => nodeIds.has(n))).toBe(true);
  } finally {
    await host?.stop();
    await new Promise((done) => page.server.close(done));
  }
});

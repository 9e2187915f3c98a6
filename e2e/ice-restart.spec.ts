/**
 * ICE restart in real Chromium tabs, relay-only through a real coturn (credentials minted by the
 * signaling server, the page opened with iceTransportPolicy=relay): the only path of the link is
 * a TURN allocation on each side. Stopping coturn (by its PID) ends every allocation, so the open
 * link goes silent: the node suspects its neighbour and the link's ICE is restarted (fresh ICE
 * credentials, new TURN allocations) over the signaling server, before the link is given up.
 * - coturn started again on the same port: the restart makes new allocations and the SAME link
 *   (same RTCPeerConnection, same data channel) carries rumors again; no new link is opened;
 * - coturn kept down: the restart cannot gather a path, it fails once, and the link is closed.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { startSignalingServer, type SignalingServer } from './server.ts';
import { test, expect, waitForAll, waitForMeshReady } from './fixtures.ts';
import { coturn, type TurnProcess } from './coturn.ts';
import { publish, waitForRumor, waitForSymmetricLinks } from './mesh-helpers.ts';

const SECRET = 'e2e-ice-restart-secret';
const WAIT_MS = 20_000;

test.describe.configure({ timeout: 60_000 });

/** What each tab's WebRTC did: connections made, relay candidates gathered, ICE states passed. */
type IceProbe = { connections: number; relayCandidates: number; states: string[] };
type ProbeWindow = Window & { __iceProbe?: IceProbe };

async function watchIce(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const probe: IceProbe = { connections: 0, relayCandidates: 0, states: [] };
    const Native = window.RTCPeerConnection;
    class Watched extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        probe.connections++;
        this.addEventListener('icecandidate', (e) => {
          if (e.candidate?.type === 'relay') probe.relayCandidates++;
        });
        this.addEventListener('iceconnectionstatechange', () => probe.states.push(this.iceConnectionState));
      }
    }
    Object.assign(window, { RTCPeerConnection: Watched, __iceProbe: probe });
  });
}

interface TabState {
  id: string;
  neighbors: string[];
  linksOpened: number;
  iceRestarts: number;
  iceRestartsRecovered: number;
  iceRestartsFailed: number;
  silentPeers: number;
  probe: IceProbe;
}

function state(page: Page): Promise<TabState> {
  return page.evaluate(() => {
    const mesh = window.__mesh;
    if (mesh === undefined) throw new Error('window.__mesh is not defined');
    const d = mesh.diagnostics();
    return {
      id: mesh.id,
      neighbors: mesh.neighbors(),
      linksOpened: d.linksOpened,
      iceRestarts: d.iceRestarts,
      iceRestartsRecovered: d.iceRestartsRecovered,
      iceRestartsFailed: d.iceRestartsFailed,
      silentPeers: d.silentPeers.length,
      probe: { ...((window as ProbeWindow).__iceProbe ?? { connections: 0, relayCandidates: 0, states: [] }) },
    };
  });
}

/** Two tabs linked to each other through TURN only, a rumor delivered; their states then. */
async function linkedThroughTurn(context: BrowserContext, server: SignalingServer, room: string): Promise<{ tabs: Page[]; before: TabState[] }> {
  const tabs = [await context.newPage(), await context.newPage()];
  for (const page of tabs) await watchIce(page);
  for (const page of tabs) await page.goto(`${server.url}?room=${room}&iceTransportPolicy=relay`);
  await waitForMeshReady(tabs, WAIT_MS);
  await waitForSymmetricLinks(tabs, WAIT_MS);
  await waitForRumor(tabs, await publish(tabs[0] as Page, 'before the cut'), WAIT_MS);
  const before = await Promise.all(tabs.map(state));
  for (const tab of before) {
    expect(tab).toMatchObject({ linksOpened: 1, iceRestarts: 0, probe: { connections: 1 } });
    expect(tab.probe.relayCandidates).toBeGreaterThan(0);
  }
  return { tabs, before };
}

let turn: TurnProcess;
let server: SignalingServer;
test.beforeEach(async () => {
  turn = await coturn(SECRET);
  server = await startSignalingServer({ TURN_URLS: turn.url, TURN_SECRET: SECRET, TURN_TTL_SEC: '600' });
});
test.afterEach(async () => {
  await server.shutdown();
  await turn.stop();
});

test('a link whose TURN allocations die is ICE-restarted once and stays the same link; rumors flow again', async ({ context, room }) => {
  const { tabs, before } = await linkedThroughTurn(context, server, room);
  // Every allocation dies with the process; the new one on the same port knows none of them.
  const port = turn.port;
  await turn.stop();
  turn = await coturn(SECRET, port);

  await waitForAll(tabs, () => (window.__mesh?.diagnostics().iceRestartsRecovered ?? 0) >= 1, {
    what: 'an ICE restart that recovered',
    timeoutMs: WAIT_MS,
  });
  // The restarted link carries rumors both ways.
  await waitForRumor(tabs, await publish(tabs[1] as Page, 'after the restart'), WAIT_MS);
  await waitForRumor(tabs, await publish(tabs[0] as Page, 'and back'), WAIT_MS);

  const after = await Promise.all(tabs.map(state));
  for (const [i, tab] of after.entries()) {
    const other = after[1 - i] as TabState;
    expect(tab, `tab ${i}`).toMatchObject({
      neighbors: [other.id],
      linksOpened: 1,
      iceRestarts: 1,
      iceRestartsRecovered: 1,
      iceRestartsFailed: 0,
      silentPeers: 0,
      // The same RTCPeerConnection, with new relay candidates from the new coturn.
      probe: { connections: 1 },
    });
    expect(tab.probe.relayCandidates, `tab ${i}: relay candidates gathered by the restart`).toBeGreaterThan((before[i] as TabState).probe.relayCandidates);
    expect(tab.probe.states, `tab ${i}`).not.toContain('failed');
  }
});

test('with TURN gone for good, the restart fails once and the link is closed', async ({ context, room }) => {
  const { tabs } = await linkedThroughTurn(context, server, room);
  await turn.stop();

  await waitForAll(tabs, () => (window.__mesh?.diagnostics().iceRestartsFailed ?? 0) >= 1 && window.__mesh?.neighbors().length === 0, {
    what: 'a failed ICE restart and no link',
    timeoutMs: WAIT_MS,
  });
  const after = await Promise.all(tabs.map(state));
  for (const [i, tab] of after.entries()) {
    // Restarted once, not recovered; no link could be made without TURN.
    expect(tab, `tab ${i}`).toMatchObject({ neighbors: [], linksOpened: 1, iceRestarts: 1, iceRestartsRecovered: 0, iceRestartsFailed: 1 });
  }
});

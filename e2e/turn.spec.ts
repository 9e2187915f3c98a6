/**
 * WebRTC through a real coturn (started here on loopback, TURN REST auth with a shared secret).
 * Real Chromium tabs, real signaling server:
 * - the page's own settings: a server started with TURN_URLS and TURN_SECRET mints the
 *   credentials and hands them out at join, the page is opened with `iceTransportPolicy=relay`,
 *   and the tabs link through TURN only; the test gives the tabs nothing but the URL;
 * - forced by an init script with credentials minted here (the server's own code,
 *   signaling-server/src/turn.ts): valid credentials link through TURN only and a rumor flows;
 *   expired credentials or a wrong secret are refused by TURN (401), no link forms.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { turnCredentials } from '../signaling-server/src/turn.ts';
import { startSignalingServer } from './server.ts';
import { test, expect, waitForAll, waitForMeshReady } from './fixtures.ts';
import { coturn, type TurnProcess } from './coturn.ts';
import { publish, waitForRumor, waitForSymmetricLinks } from './mesh-helpers.ts';

const SECRET = 'e2e-turn-secret';
const MESH_TIMEOUT_MS = 60_000;

test.describe.configure({ timeout: 150_000 });

type TurnProbe = { candidates: string[]; errors: { code: number; text: string }[] };
type ProbeWindow = Window & { __turnProbe?: TurnProbe };

let turn: TurnProcess;
test.beforeAll(async () => {
  turn = await coturn(SECRET);
});
test.afterAll(async () => {
  await turn.stop();
});

/**
 * Records what ICE gathers in every RTCPeerConnection of `page`; with `force`, also makes each
 * connection relay-only through those servers (overriding whatever the page configured).
 */
async function watchIce(page: Page, force: RTCIceServer[] | null): Promise<void> {
  await page.addInitScript((servers: RTCIceServer[] | null) => {
    const probe: TurnProbe = { candidates: [], errors: [] };
    const Native = window.RTCPeerConnection;
    class Watched extends Native {
      constructor(config: RTCConfiguration = {}) {
        super(servers === null ? config : { ...config, iceServers: servers, iceTransportPolicy: 'relay' });
        this.addEventListener('icecandidate', (e) => {
          if (e.candidate?.type) probe.candidates.push(e.candidate.type);
        });
        this.addEventListener('icecandidateerror', (e) => probe.errors.push({ code: e.errorCode, text: e.errorText }));
      }
    }
    Object.assign(window, { RTCPeerConnection: Watched, __turnProbe: probe });
  }, force);
}

function probe(page: Page): Promise<TurnProbe> {
  return page.evaluate(() => (window as ProbeWindow).__turnProbe ?? { candidates: [], errors: [] });
}

/** Two blank pages whose connections relay through coturn (init scripts must precede the load). */
async function relayTabs(context: BrowserContext, creds: { username: string; credential: string }): Promise<Page[]> {
  const pages = [await context.newPage(), await context.newPage()];
  for (const page of pages) await watchIce(page, [{ urls: turn.url, ...creds }]);
  return pages;
}

/** A rumor from the first tab reaches all, and every candidate any tab gathered was a relay one. */
async function rumorFlowsThroughTurnOnly(tabs: Page[], text: string): Promise<void> {
  const id = await publish(tabs[0] as Page, text);
  await waitForRumor(tabs, id, 30_000);
  for (const page of tabs) {
    const seen = await probe(page);
    expect(seen.candidates.length).toBeGreaterThan(0);
    expect(new Set(seen.candidates)).toEqual(new Set(['relay']));
  }
}

test('tabs opened with iceTransportPolicy=relay link through TURN with the credentials the server minted at join', async ({ context, room }) => {
  const server = await startSignalingServer({ TURN_URLS: turn.url, TURN_SECRET: SECRET, TURN_TTL_SEC: '600' });
  try {
    const tabs = [await context.newPage(), await context.newPage()];
    for (const page of tabs) await watchIce(page, null);
    for (const page of tabs) await page.goto(`${server.url}?room=${room}&iceTransportPolicy=relay`);
    await waitForMeshReady(tabs, MESH_TIMEOUT_MS);
    await rumorFlowsThroughTurnOnly(tabs, 'through TURN, by the page itself');
    for (const page of tabs) {
      const urls = await page.evaluate(() => window.__mesh?.diagnostics().iceServerUrls ?? []);
      expect(urls).toEqual([turn.url]);
    }
  } finally {
    await server.shutdown();
  }
});

test('tabs forced to relay link through coturn with minted credentials, and a rumor flows', async ({ server, context, room }) => {
  const creds = turnCredentials(SECRET, 'e2e', Math.floor(Date.now() / 1000) + 600);
  const tabs = await relayTabs(context, creds);
  for (const page of tabs) await page.goto(`${server.url}?room=${room}`);
  await waitForMeshReady(tabs, MESH_TIMEOUT_MS);
  await waitForSymmetricLinks(tabs, MESH_TIMEOUT_MS);
  await rumorFlowsThroughTurnOnly(tabs, 'through TURN');
});

test('expired credentials and a wrong secret are refused by TURN with 401, and no link forms', async ({ server, context, room }) => {
  const nowSec = Math.floor(Date.now() / 1000);
  const cases = [
    { name: 'expired', creds: turnCredentials(SECRET, 'e2e', nowSec - 60) },
    { name: 'wrong-secret', creds: turnCredentials('not-the-secret', 'e2e', nowSec + 600) },
  ];
  for (const { name, creds } of cases) {
    const tabs = await relayTabs(context, creds);
    for (const page of tabs) await page.goto(`${server.url}?room=${room.slice(0, 48)}-${name}`);
    // Not ready() (that needs a link): the tabs are introduced and try, and TURN refuses them.
    await waitForAll(tabs, () => ((window as ProbeWindow).__turnProbe?.errors ?? []).some((e) => e.code === 401), {
      what: `a 401 from TURN (${name})`,
      timeoutMs: 30_000,
    });
    for (const page of tabs) {
      const seen = await probe(page);
      expect(seen.candidates, name).toEqual([]);
      expect(seen.errors.find((e) => e.code === 401)?.text, name).toMatch(/unauthori[sz]ed/i);
      expect(await page.evaluate(() => window.__mesh?.neighbors() ?? []), name).toEqual([]);
    }
  }
});

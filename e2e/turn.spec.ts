/**
 * WebRTC through a real coturn (started here on loopback, TURN REST auth with a shared secret).
 * Each page's RTCPeerConnection is forced to relay-only (iceTransportPolicy 'relay') with the
 * TURN server and credentials minted by the server's own code (signaling-server/src/turn.ts),
 * by an init script: the page has no relay setting yet (see the report to the lead). Real
 * Chromium tabs, real signaling server:
 * - valid credentials: the tabs link through TURN only (relay candidates) and a rumor flows;
 * - expired credentials or a wrong secret: the TURN server refuses (401), no link forms.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { turnCredentials } from '../signaling-server/src/turn.ts';
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

/** Makes every RTCPeerConnection of `page` relay-only through `iceServers`, and records what ICE saw. */
async function forceRelay(page: Page, iceServers: RTCIceServer[]): Promise<void> {
  await page.addInitScript((servers: RTCIceServer[]) => {
    const probe: TurnProbe = { candidates: [], errors: [] };
    const Native = window.RTCPeerConnection;
    class RelayOnly extends Native {
      constructor(config: RTCConfiguration = {}) {
        super({ ...config, iceServers: servers, iceTransportPolicy: 'relay' });
        this.addEventListener('icecandidate', (e) => {
          if (e.candidate?.type) probe.candidates.push(e.candidate.type);
        });
        this.addEventListener('icecandidateerror', (e) => probe.errors.push({ code: e.errorCode, text: e.errorText }));
      }
    }
    Object.assign(window, { RTCPeerConnection: RelayOnly, __turnProbe: probe });
  }, iceServers);
}

function probe(page: Page): Promise<TurnProbe> {
  return page.evaluate(() => (window as ProbeWindow).__turnProbe ?? { candidates: [], errors: [] });
}

/** Two blank pages whose connections relay through coturn (init scripts must precede the load). */
async function relayTabs(context: BrowserContext, creds: { username: string; credential: string }): Promise<Page[]> {
  const pages = [await context.newPage(), await context.newPage()];
  for (const page of pages) await forceRelay(page, [{ urls: turn.url, ...creds }]);
  return pages;
}

test('tabs forced to relay link through coturn with minted credentials, and a rumor flows', async ({ server, context, room }) => {
  const creds = turnCredentials(SECRET, 'e2e', Math.floor(Date.now() / 1000) + 600);
  const tabs = await relayTabs(context, creds);
  for (const page of tabs) await page.goto(`${server.url}?room=${room}`);
  await waitForMeshReady(tabs, MESH_TIMEOUT_MS);
  await waitForSymmetricLinks(tabs, MESH_TIMEOUT_MS);
  const id = await publish(tabs[0] as Page, 'through TURN');
  await waitForRumor(tabs, id, 30_000);
  for (const page of tabs) {
    const seen = await probe(page);
    expect(seen.candidates.length).toBeGreaterThan(0);
    expect(new Set(seen.candidates)).toEqual(new Set(['relay']));
  }
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

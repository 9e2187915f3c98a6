/**
 * The two systems the comparison measures with one harness: each starts its servers for one
 * repetition and says how to write an update in a tab and when an update reached a tab. Both are
 * read only through their pages' hooks (`window.__mesh`, `window.__ybench`); links and messages
 * come from the wire probe, the same for both.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { createSignalingServer } from '../../../signaling-server/src/server.ts';
import type { TabTrace } from './hop-figures.ts';
import { startYWebrtc, type BuiltPage } from './ywebrtc.ts';

export type SystemName = 'y-webrtc' | 'mesh';
export const SYSTEMS: readonly SystemName[] = ['y-webrtc', 'mesh'];

export interface Written {
  id: string;
  /** Epoch ms (the machine's one clock) when the update was written. */
  sentAt: number;
}

export interface SystemUnderTest {
  name: SystemName;
  /** Starts the servers of one repetition; the URL is the page to open in every tab. */
  start(): Promise<{ url: string; stop(): Promise<void> }>;
  write(page: Page, text: string): Promise<Written>;
  /** Epoch ms when update `id` reached the page; null before. */
  receivedAt(page: Page, id: string): Promise<number | null>;
  /** Epoch ms when the update with this text reached the page: waits in the page, up to `timeoutMs` (then null). */
  arrival(page: Page, text: string, timeoutMs: number): Promise<number | null>;
  /** Links update `id` crossed to reach the page, where the system knows (the mesh's rumors carry it). */
  hops?(page: Page, id: string): Promise<number | null>;
  /** The page's hop trace (where each update's time went in it), where the system keeps one. */
  trace?(page: Page): Promise<TabTrace | null>;
  /** Init scripts for each tab's context before its page opens. */
  prepare?(context: BrowserContext): Promise<void>;
}

/**
 * The mesh: the page as `npm start` serves it (the built client, default settings, default room);
 * `query` adds URL settings (e.g. `signed=false`, to measure what signing costs); `hidden` (a
 * diagnostic) makes each page read as hidden, so its UI draws nothing: what the drawing costs.
 */
export function meshSystem(clientDir: string, query = '', hidden = false): SystemUnderTest {
  return {
    name: 'mesh',
    ...(hidden ? { prepare: async (context: BrowserContext) => void (await context.addInitScript(readAsHidden)) } : {}),
    start: async () => {
      // Tabs that do not sign cannot answer the server's join challenge: such a run needs a server that lets them in.
      const allowUnsigned = new URLSearchParams(query).get('signed') === 'false';
      const server = await createSignalingServer({ port: 0, host: '127.0.0.1', staticDir: clientDir, allowUnsigned });
      return { url: query === '' ? server.address.url : `${server.address.url}?${query}`, stop: () => server.close() };
    },
    write: (page, text) =>
      page.evaluate((t) => {
        const mesh = window.__mesh;
        if (mesh === undefined) throw new Error('window.__mesh is not defined');
        const id = mesh.publish(t);
        return { id, sentAt: mesh.rumors().find((r) => r.id === id)?.sentAt ?? Date.now() };
      }, text),
    receivedAt: (page, id) => page.evaluate((rid) => window.__mesh?.rumors().find((r) => r.id === rid)?.receivedAt ?? null, id),
    arrival: (page, text, timeoutMs) => page.evaluate(([t, ms]) => window.__mesh?.arrival(t, ms) ?? null, [text, timeoutMs] as const),
    hops: (page, id) => page.evaluate((rid) => window.__mesh?.rumors().find((r) => r.id === rid)?.hops ?? null, id),
    trace: (page) => page.evaluate(() => (window.__mesh === undefined ? null : { peer: window.__mesh.id, records: window.__mesh.diagnostics().hopTrace })),
  };
}

/** y-webrtc with Yjs: a Y.Map written in one tab, observed in the others (ywebrtc-page.ts). */
export function yWebrtcSystem(page: BuiltPage): SystemUnderTest {
  return {
    name: 'y-webrtc',
    start: () => startYWebrtc(page),
    write: (tab, text) =>
      tab.evaluate((t) => {
        if (window.__ybench === undefined) throw new Error('window.__ybench is not defined');
        return window.__ybench.write(t);
      }, text),
    receivedAt: (tab, id) => tab.evaluate((key) => window.__ybench?.receivedAt(key) ?? null, id),
    arrival: (tab, text, timeoutMs) => tab.evaluate(([t, ms]) => window.__ybench?.arrival(t, ms) ?? null, [text, timeoutMs] as const),
  };
}

/** Runs in the page before its scripts: the page's UI sees itself hidden (and so draws nothing). */
function readAsHidden(): void {
  Object.defineProperty(Document.prototype, 'visibilityState', { get: () => 'hidden', configurable: true });
  Object.defineProperty(Document.prototype, 'hidden', { get: () => true, configurable: true });
}

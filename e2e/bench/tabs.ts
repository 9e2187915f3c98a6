/**
 * What the browser benchmark reads from its tabs, through the page's test hook (`window.__mesh`)
 * only: message counters summed over tabs, neighbour lists, first-link times, delivery of one
 * rumor, JS heap per tab. The browser's processes are read from /proc (proc.ts).
 */
import { errors, type Page } from '@playwright/test';
import type { Mode } from '../../client/src/core/options.ts';
import type { MeshDiagnostics } from '../../client/src/mesh/contract.ts';
import type { TabView } from '../mesh-graph.ts';

export interface TabCounters {
  /** Rumor payload copies sent (stats().payloadsSent). */
  payloadsSent: number;
  /** Data-channel messages sent (diagnostics().messagesOnWire). */
  wire: number;
  /** Data-channel bytes sent (stats().bytesSent). */
  bytes: number;
  duplicates: number;
  linksViaMesh: number;
  linksViaServer: number;
  /** Links this tab opened (diagnostics().linksOpened); each link counts at both ends. */
  linksOpened: number;
}

export const ZERO_COUNTERS: Readonly<TabCounters> = { payloadsSent: 0, wire: 0, bytes: 0, duplicates: 0, linksViaMesh: 0, linksViaServer: 0, linksOpened: 0 };

export function readCounters(page: Page): Promise<TabCounters> {
  return page.evaluate(() => {
    const mesh = window.__mesh;
    if (mesh === undefined) throw new Error('window.__mesh is not defined');
    const s = mesh.stats();
    const d = mesh.diagnostics();
    return {
      payloadsSent: s.payloadsSent,
      wire: d.messagesOnWire,
      bytes: s.bytesSent,
      duplicates: s.duplicates,
      linksViaMesh: s.linksViaMesh,
      linksViaServer: s.linksViaServer,
      linksOpened: d.linksOpened,
    };
  });
}

export function addCounters(a: TabCounters, b: TabCounters): TabCounters {
  return {
    payloadsSent: a.payloadsSent + b.payloadsSent,
    wire: a.wire + b.wire,
    bytes: a.bytes + b.bytes,
    duplicates: a.duplicates + b.duplicates,
    linksViaMesh: a.linksViaMesh + b.linksViaMesh,
    linksViaServer: a.linksViaServer + b.linksViaServer,
    linksOpened: a.linksOpened + b.linksOpened,
  };
}

export function subtractCounters(a: TabCounters, b: TabCounters): TabCounters {
  return {
    payloadsSent: a.payloadsSent - b.payloadsSent,
    wire: a.wire - b.wire,
    bytes: a.bytes - b.bytes,
    duplicates: a.duplicates - b.duplicates,
    linksViaMesh: a.linksViaMesh - b.linksViaMesh,
    linksViaServer: a.linksViaServer - b.linksViaServer,
    linksOpened: a.linksOpened - b.linksOpened,
  };
}

/** Counters summed over all tabs. */
export async function totals(tabs: readonly Page[]): Promise<TabCounters> {
  return (await Promise.all(tabs.map(readCounters))).reduce(addCounters, { ...ZERO_COUNTERS });
}

export async function snapshot(tabs: readonly Page[]): Promise<TabView[]> {
  return Promise.all(
    tabs.map(async (page, i) => {
      const { id, neighbors } = await page.evaluate(() => {
        const mesh = window.__mesh;
        return mesh === undefined ? { id: '', neighbors: [] as string[] } : { id: mesh.id, neighbors: mesh.neighbors() };
      });
      return { label: `tab ${i}`, id, neighbors };
    }),
  );
}

/** The undirected links the tabs report, as "a|b" with a < b (a link listed at one end counts). */
export function linkSet(views: readonly TabView[]): Set<string> {
  const links = new Set<string>();
  for (const v of views) for (const n of v.neighbors) links.add(v.id < n ? `${v.id}|${n}` : `${n}|${v.id}`);
  return links;
}

/** Navigation start of the tab to its first open link, or null while it has none. */
export function firstLinkDelayMs(page: Page): Promise<number | null> {
  return page.evaluate(() => {
    const at = window.__mesh?.diagnostics().firstLinkAt ?? null;
    return at === null ? null : at - performance.timeOrigin;
  });
}

export function setMode(page: Page, mode: Mode): Promise<Mode> {
  return page.evaluate((m) => {
    const mesh = window.__mesh;
    if (mesh === undefined) throw new Error('window.__mesh is not defined');
    mesh.setMode(m);
    return mesh.mode();
  }, mode);
}

export function publish(page: Page, text: string): Promise<string> {
  return page.evaluate((t) => {
    const mesh = window.__mesh;
    if (mesh === undefined) throw new Error('window.__mesh is not defined');
    return mesh.publish(t);
  }, text);
}

/** One tab's copy of a rumor: hops and times as the hook reports them (epoch ms, one machine clock). */
export interface Copy {
  hops: number;
  sentAt: number;
  receivedAt: number;
}

/**
 * Waits inside the tab (Playwright polls there every 20 ms, no round trips) until rumor `id` is
 * there; resolves to its copy, or null after `timeoutMs`.
 */
export async function awaitRumor(page: Page, id: string, timeoutMs: number): Promise<Copy | null> {
  try {
    const handle = await page.waitForFunction(
      (rid) => {
        const copy = window.__mesh?.rumors().find((r) => r.id === rid);
        return copy === undefined ? null : { hops: copy.hops, sentAt: copy.sentAt, receivedAt: copy.receivedAt };
      },
      id,
      { polling: 20, timeout: timeoutMs },
    );
    return (await handle.jsonValue()) as Copy;
  } catch (error: unknown) {
    if (error instanceof errors.TimeoutError) return null;
    throw error;
  }
}

/** The tab's diagnostics; null when the page has no hook (it is still loading, or it is not the mesh page). */
export function diagnostics(page: Page): Promise<MeshDiagnostics | null> {
  return page.evaluate(() => window.__mesh?.diagnostics() ?? null);
}

/** JS heap in use by the tab (performance.memory; precise with --enable-precise-memory-info), MB. */
export function jsHeapMB(page: Page): Promise<number | null> {
  return page.evaluate(() => {
    // Chromium's non-standard performance.memory, absent from the DOM types.
    const memory: unknown = Reflect.get(performance, 'memory');
    const used: unknown = typeof memory === 'object' && memory !== null ? Reflect.get(memory, 'usedJSHeapSize') : undefined;
    return typeof used === 'number' ? used / (1024 * 1024) : null;
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

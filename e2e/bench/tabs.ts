/**
 * What the browser benchmark reads from its tabs, through the page's test hook (`window.__mesh`)
 * only, and from /proc: message counters summed over tabs, neighbour lists, first-link times,
 * delivery of one rumor, JS heap per tab and the PSS of the browser's processes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { errors, type Page } from '@playwright/test';
import type { Mode } from '../../client/src/core/options.ts';
import type { TabView } from '../mesh-graph.ts';

/** `diagnostics()` is not part of the hook's stable contract: read with care (see client/src/mesh/hook.ts). */
type WithDiagnostics = { diagnostics?: () => Record<string, unknown> };

export interface TabCounters {
  /** Rumor payload copies sent (stats().payloadsSent). */
  payloadsSent: number;
  /** Data-channel messages sent (diagnostics().messagesOnWire, else stats().sent). */
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
    const d = (mesh as unknown as { diagnostics?: () => Record<string, unknown> }).diagnostics?.() ?? {};
    const wire = d['messagesOnWire'];
    const opened = d['linksOpened'];
    return {
      payloadsSent: s.payloadsSent ?? 0,
      wire: typeof wire === 'number' ? wire : s.sent,
      bytes: s.bytesSent,
      duplicates: s.duplicates,
      linksViaMesh: s.linksViaMesh ?? 0,
      linksViaServer: s.linksViaServer ?? 0,
      linksOpened: typeof opened === 'number' ? opened : 0,
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
    const mesh = window.__mesh as unknown as WithDiagnostics | undefined;
    const at = mesh?.diagnostics?.()['firstLinkAt'];
    return typeof at === 'number' ? at - performance.timeOrigin : null;
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

export function diagnostics(page: Page): Promise<Record<string, unknown>> {
  return page.evaluate(() => (window.__mesh as unknown as WithDiagnostics | undefined)?.diagnostics?.() ?? {});
}

/** JS heap in use by the tab (performance.memory; precise with --enable-precise-memory-info), MB. */
export function jsHeapMB(page: Page): Promise<number | null> {
  return page.evaluate(() => {
    const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
    return memory === undefined ? null : memory.usedJSHeapSize / (1024 * 1024);
  });
}

/** Linux: PSS of every process descended from this one (the browser and its children), in MB. */
export function descendantsPssMB(): number | null {
  if (process.platform !== 'linux') return null;
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProc(`/proc/${entry}/stat`);
    if (stat === null) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    parent.set(Number(entry), Number(fields[1]));
  }
  const ours = (pid: number): boolean => {
    for (let p = parent.get(pid), hops = 0; p !== undefined && p > 1 && hops < 64; p = parent.get(p), hops++) {
      if (p === process.pid) return true;
    }
    return false;
  };
  let kb = 0;
  for (const pid of parent.keys()) {
    if (!ours(pid)) continue;
    const match = /^Pss:\s+(\d+) kB/m.exec(readProc(`/proc/${pid}/smaps_rollup`) ?? '');
    if (match !== null) kb += Number(match[1]);
  }
  return kb / 1024;
}

/** A /proc file, or null when the process ended (or is not ours to read) while we looked. */
function readProc(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error: unknown) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ESRCH' || code === 'EACCES') return null;
    throw error;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

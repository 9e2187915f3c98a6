/**
 * The failure benchmark's soak (failure.ts): N tabs, each in its own context, for M minutes.
 * Tabs 1 and 2 are throttled as Chromium throttles background tabs (timers held to whole seconds
 * from their first script on, CPU 4x slower); tab 3 is frozen (Debugger.pause) for 10 s every 60 s,
 * first 30 s in; one rumor every 2 s from the tabs in turn (not the frozen one while it sleeps).
 *
 * Counted: every eviction (a tab's failure detector declared a neighbour gone for silence, from
 * diagnostics().silentPeers) of a live tab: of a throttled tab, of the frozen tab outside its
 * freezes, or of any other tab, all false; the frozen tab's evictions while it slept (10 s is
 * beyond deadAfterMs: nothing can tell it from a dead tab) are listed apart. After each wake: the
 * time until the frozen tab has every rumor published while it slept. At the end: rumors delivered
 * / (published x other tabs), after a bounded wait.
 */
import type { Page } from '@playwright/test';
import { DEFAULT_OPTIONS } from '../../client/src/core/options.ts';
import { freezeTab, throttleTab } from '../churn.ts';
import { waitUntil } from '../scenario.ts';
import { openSeparateTabs } from './failure-mesh.ts';
import { loadAverages } from './results.ts';
import { seededRandom } from './stats.ts';
import { sleep } from './tabs.ts';
import type { Table } from './tables.ts';

const THROTTLED = [1, 2];
const FROZEN = 3;
const FREEZE_MS = 10_000;
const FREEZE_EVERY_MS = 60_000;
export const FIRST_FREEZE_MS = 30_000;
const RUMOR_EVERY_MS = 2000;
/** After a wake, evictions of the sleeper this long after are still the freeze's (the verdict travels). */
const WAKE_GRACE_MS = 5000;
const CATCH_UP_BOUND_MS = 60_000;
const DELIVERY_BOUND_MS = 60_000;

export interface Freeze {
  frozenAt: number;
  wokeAt: number;
  /** How long the tab's own timers stood still (its longest gap between 100 ms ticks). */
  stalledMs: number;
  rumorsWhileFrozen: number;
  /** Wake to every rumor published while it slept in the tab; null: not within the bound. */
  caughtUpMs: number | null;
}

export interface Eviction {
  byTab: number;
  ofTab: number;
  at: number;
  kind: 'throttled' | 'frozen, while frozen' | 'frozen, awake' | 'other';
}

export interface SoakFigures {
  tabs: number;
  minutes: number;
  chromiumVersion: string;
  meshFormedMs: number;
  loadAverage: { start: number[]; end: number[] };
  throttledTabs: number[];
  frozenTab: number;
  freezes: Freeze[];
  evictions: Eviction[];
  /** Evictions of live tabs that were awake: the throttled ones, the frozen one while awake, any other. */
  falseEvictions: number;
  rumors: { published: number; delivered: number; expected: number; ratio: number };
  /** Lifeguard's local health at the end, per tab (0: on time). */
  localHealth: number[];
  notes: string[];
}

function evictionKind(ofTab: number, at: number, freezes: readonly Freeze[]): Eviction['kind'] {
  if (THROTTLED.includes(ofTab)) return 'throttled';
  if (ofTab !== FROZEN) return 'other';
  return freezes.some((f) => at >= f.frozenAt && at <= f.wokeAt + WAKE_GRACE_MS) ? 'frozen, while frozen' : 'frozen, awake';
}

async function hasAll(page: Page, ids: readonly string[]): Promise<number> {
  return page.evaluate((want) => {
    const have = new Set((window.__mesh?.rumors() ?? []).map((r) => r.id));
    return want.filter((id) => have.has(id)).length;
  }, ids);
}

export async function runSoak(n: number, minutes: number, staticDir: string, progress: (line: string) => void): Promise<SoakFigures> {
  if (n <= FROZEN) throw new RangeError(`the soak needs more than ${FROZEN + 1} tabs, got ${n}`);
  const loadStart = loadAverages();
  progress(`soak: ${n} tabs for ${minutes} min; tabs ${THROTTLED.join(', ')} throttled, tab ${FROZEN} frozen ${FREEZE_MS / 1000} s every ${FREEZE_EVERY_MS / 1000} s (load average ${loadStart.join(', ')})`);
  const mesh = await openSeparateTabs(n, staticDir, { slowTimers: new Set(THROTTLED), progress });
  try {
    const { tabs, ids } = mesh;
    const unthrottle = await Promise.all(THROTTLED.map((i) => throttleTab(tabs[i] as Page, { timers: false })));
    const sleeper = tabs[FROZEN] as Page;
    const random = seededRandom(17);
    const published: string[] = [];
    const freezes: Freeze[] = [];
    const catchUps: Array<Promise<void>> = [];
    const started = Date.now();
    const endAt = started + minutes * 60_000;
    let nextFreezeAt = started + FIRST_FREEZE_MS;
    let nextRumorAt = started;
    let frozen: { tab: Awaited<ReturnType<typeof freezeTab>>; missed: string[] } | null = null;
    while (Date.now() < endAt || frozen !== null) {
      const now = Date.now();
      if (frozen !== null && now >= frozen.tab.frozenAt + FREEZE_MS) {
        const { wokeAt, stalledMs } = await frozen.tab.wake();
        const freeze: Freeze = { frozenAt: frozen.tab.frozenAt, wokeAt, stalledMs, rumorsWhileFrozen: frozen.missed.length, caughtUpMs: null };
        freezes.push(freeze);
        const missed = frozen.missed;
        frozen = null;
        catchUps.push(
          waitUntil(async () => ((await hasAll(sleeper, missed)) === missed.length ? [] : ['missing']), { timeoutMs: CATCH_UP_BOUND_MS, intervalMs: 100 }).then((r) => {
            freeze.caughtUpMs = r.problems.length === 0 ? Date.now() - wokeAt : null;
            progress(`  tab ${FROZEN} woke after ${(stalledMs / 1000).toFixed(1)} s; ${missed.length} rumors missed, ${freeze.caughtUpMs === null ? 'not all caught up' : `all there ${freeze.caughtUpMs} ms after waking`}`);
          }),
        );
        continue;
      }
      if (frozen === null && now >= nextFreezeAt && now + FREEZE_MS < endAt) {
        nextFreezeAt += FREEZE_EVERY_MS;
        frozen = { tab: await freezeTab(sleeper), missed: [] };
        continue;
      }
      if (now >= nextRumorAt && now < endAt) {
        nextRumorAt += RUMOR_EVERY_MS;
        const candidates = tabs.filter((t) => frozen === null || t !== sleeper);
        const from = candidates[Math.floor(random() * candidates.length)] as Page;
        const id = await from.evaluate((i) => window.__mesh?.publish(`soak rumor ${i}`) ?? '', published.length);
        if (id !== '') {
          published.push(id);
          frozen?.missed.push(id);
        }
        if (published.length % 30 === 0) progress(`  ${Math.round((Date.now() - started) / 1000)} s: ${published.length} rumors published (load average ${loadAverages()[0]})`);
        continue;
      }
      await sleep(50);
    }
    await Promise.all(catchUps);

    // Delivery, after a bounded wait.
    const expected = published.length * (n - 1);
    let delivered = 0;
    await waitUntil(
      async () => {
        const counts = await Promise.all(tabs.map((t) => hasAll(t, published)));
        delivered = counts.reduce((a, b) => a + b, 0) - published.length; // each origin has its own
        return delivered < expected ? [`${delivered}/${expected}`] : [];
      },
      { timeoutMs: DELIVERY_BOUND_MS, intervalMs: 1000 },
    );

    const diagnostics = await Promise.all(tabs.map((t) => t.evaluate(() => window.__mesh?.diagnostics() ?? null)));
    const evictions: Eviction[] = [];
    diagnostics.forEach((d, byTab) => {
      for (const e of d?.silentPeers ?? []) {
        const ofTab = ids.indexOf(e.peer);
        if (ofTab >= 0) evictions.push({ byTab, ofTab, at: e.at, kind: evictionKind(ofTab, e.at, freezes) });
      }
    });
    evictions.sort((a, b) => a.at - b.at);
    await Promise.all(unthrottle.map((u) => u()));
    const falseEvictions = evictions.filter((e) => e.kind !== 'frozen, while frozen').length;
    progress(`  soak done: ${falseEvictions} false evictions, ${evictions.length - falseEvictions} of the frozen tab while it slept; ${delivered}/${expected} rumor deliveries`);
    return {
      tabs: n,
      minutes,
      chromiumVersion: mesh.chromiumVersion,
      meshFormedMs: mesh.meshFormedMs,
      loadAverage: { start: loadStart, end: loadAverages() },
      throttledTabs: [...THROTTLED],
      frozenTab: FROZEN,
      freezes,
      evictions,
      falseEvictions,
      rumors: { published: published.length, delivered, expected, ratio: expected === 0 ? 1 : delivered / expected },
      localHealth: diagnostics.map((d) => d?.localHealth ?? -1),
      notes: [
        `Throttled: timers held to whole seconds by an init script and CPU 4x slower (Emulation.setCPUThrottlingRate); headless Chromium never throttles a tab by itself.`,
        `Frozen: Debugger.pause for ${FREEZE_MS / 1000} s, longer than deadAfterMs (${DEFAULT_OPTIONS.deadAfterMs} ms): a frozen tab answers nothing and is evicted like a dead one; it refutes the notice and links again when it wakes. Evictions of it within ${WAKE_GRACE_MS / 1000} s of a wake count as the freeze's.`,
        'False evictions: a live, awake tab declared gone by a neighbour (diagnostics().silentPeers, the last 64 per tab).',
      ],
    };
  } finally {
    await mesh.close();
  }
}

export function soakTable(s: SoakFigures): Table {
  const caught = s.freezes.filter((f) => f.caughtUpMs !== null);
  const count = (kind: Eviction['kind']): string => String(s.evictions.filter((e) => e.kind === kind).length);
  return {
    title: `Soak: ${s.tabs} tabs, ${s.minutes} min, ${s.throttledTabs.length} throttled, 1 frozen ${FREEZE_MS / 1000} s every ${FREEZE_EVERY_MS / 1000} s`,
    header: ['false evictions', 'of throttled', 'of frozen (awake)', 'of others', 'frozen tab evicted while frozen', 'freezes', 'caught up', 'catch-up max (s)', 'rumors', 'delivered'],
    textColumns: -1,
    rows: [
      [
        String(s.falseEvictions),
        count('throttled'),
        count('frozen, awake'),
        count('other'),
        count('frozen, while frozen'),
        String(s.freezes.length),
        `${caught.length}/${s.freezes.length}`,
        caught.length === 0 ? '-' : (Math.max(...caught.map((f) => f.caughtUpMs ?? 0)) / 1000).toFixed(1),
        String(s.rumors.published),
        `${(100 * s.rumors.ratio).toFixed(1)}%`,
      ],
    ],
  };
}

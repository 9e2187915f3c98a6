/**
 * What one idle tab's page does over the profile window, to say whose its main-thread time is:
 * Blink's own counters (Performance.getMetrics over the DevTools protocol: style recalcs,
 * layouts, script and task time, the renderer's CPU time) and, counted by wrappers installed
 * in the page for that window, the animation frames asked for, the graph canvas's redraws and the
 * DOM mutations (text, nodes, attributes). Each figure is per second of the window.
 */
import type { CDPSession, Page } from '@playwright/test';

/** Blink metrics read at both ends of the window (durations in seconds, counts as counts). */
const METRICS = ['RecalcStyleCount', 'LayoutCount', 'RecalcStyleDuration', 'LayoutDuration', 'ScriptDuration', 'TaskDuration', 'ThreadTime', 'ProcessTime'] as const;
type Metric = (typeof METRICS)[number];

export interface PageActivity {
  /** Per second: counts, or milliseconds for the durations. */
  metrics: Record<Metric, number>;
  framesRequested: number;
  canvasDraws: number;
  mutations: { text: number; nodes: number; attributes: number };
}

interface Counts {
  frames: number;
  draws: number;
  text: number;
  nodes: number;
  attributes: number;
}

declare global {
  interface Window {
    __idleCounts?: Counts;
  }
}

async function readMetrics(cdp: CDPSession): Promise<Map<string, number>> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return new Map(metrics.map((m) => [m.name, m.value]));
}

/** Starts counting in `page`; the returned function stops and gives the figures per second. */
export async function watchPage(page: Page, cdp: CDPSession): Promise<() => Promise<PageActivity>> {
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  await page.evaluate(() => {
    const counts = { frames: 0, draws: 0, text: 0, nodes: 0, attributes: 0 };
    window.__idleCounts = counts;
    const raf = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (callback) => {
      counts.frames++;
      return raf(callback);
    };
    // The graph clears its canvas once per drawing.
    const clear = CanvasRenderingContext2D.prototype.clearRect;
    CanvasRenderingContext2D.prototype.clearRect = function (...args: Parameters<typeof clear>) {
      counts.draws++;
      return clear.apply(this, args);
    };
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'characterData') counts.text++;
        else if (r.type === 'childList') counts.nodes++;
        else counts.attributes++;
      }
    }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  const before = await readMetrics(cdp);
  const startedAt = Date.now();
  return async () => {
    const after = await readMetrics(cdp);
    const seconds = (Date.now() - startedAt) / 1000;
    const counts = await page.evaluate(() => window.__idleCounts ?? { frames: 0, draws: 0, text: 0, nodes: 0, attributes: 0 });
    const perS = (n: number): number => Math.round((n / seconds) * 100) / 100;
    const metrics = {} as Record<Metric, number>;
    for (const name of METRICS) {
      const delta = (after.get(name) ?? 0) - (before.get(name) ?? 0);
      metrics[name] = name.endsWith('Count') ? perS(delta) : perS(delta * 1000);
    }
    return {
      metrics,
      framesRequested: perS(counts.frames),
      canvasDraws: perS(counts.draws),
      mutations: { text: perS(counts.text), nodes: perS(counts.nodes), attributes: perS(counts.attributes) },
    };
  };
}

export function activityLine(a: PageActivity): string {
  const m = a.metrics;
  return (
    `page activity per second: ${a.framesRequested} animation frames asked, ${a.canvasDraws} graph draws, ` +
    `DOM mutations ${a.mutations.text} text / ${a.mutations.nodes} nodes / ${a.mutations.attributes} attributes; ` +
    `Blink: ${m.RecalcStyleCount} style recalcs (${m.RecalcStyleDuration} ms), ${m.LayoutCount} layouts (${m.LayoutDuration} ms), ` +
    `script ${m.ScriptDuration} ms, tasks ${m.TaskDuration} ms, main thread ${m.ThreadTime} ms, renderer process ${m.ProcessTime} ms`
  );
}

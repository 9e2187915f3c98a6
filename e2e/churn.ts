/**
 * Churn tools for the serverless specs (e2e/serverless.spec.ts), the demo (e2e/demo.ts) and the
 * churn benchmark (e2e/bench/churn.ts): kill a tab abruptly, freeze one, and two small probes a
 * test context installs before it opens its tabs.
 *
 * The probes wrap browser APIs, not the mesh client (which the specs still reach only through
 * `window.__mesh`):
 * - a pagehide probe: each page gets a random token; on `pagehide` it posts the token on a
 *   BroadcastChannel that every other page of the origin records. A tab killed by `crashTab`
 *   must never show up there (it had no chance to say `leave`); a tab closed normally does.
 * - the wire probe (wire-probe.ts): among its counts, the peer connections that are really up in
 *   a tab, to compare with its neighbours.
 *
 * No @playwright/test runner import here, so plain scripts can use it too.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { withTimeout } from './bounded.ts';
import { installWireProbe } from './wire-probe.ts';

export { connectedPeerConnections } from './wire-probe.ts';

/** The init script (runs in every page before the app). Keep it self-contained: it is serialized. */
function pagehideProbe(): void {
  const token = `${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const pagehides: string[] = [];
  const channel = new BroadcastChannel('e2e-pagehide-probe');
  channel.onmessage = (event: MessageEvent) => pagehides.push(String(event.data));
  addEventListener('pagehide', () => channel.postMessage(token));
  Object.defineProperty(window, '__e2eToken', { value: token });
  Object.defineProperty(window, '__e2ePagehides', { value: pagehides });
}

/** Installs the wire probe and the pagehide probe in every page the context opens from now on. */
export async function installProbes(context: BrowserContext): Promise<void> {
  await installWireProbe(context);
  await context.addInitScript(pagehideProbe);
}

export function probeToken(page: Page): Promise<string> {
  return page.evaluate(() => {
    if (window.__e2eToken === undefined) throw new Error('window.__e2eToken is not defined (installProbes before opening the page)');
    return window.__e2eToken;
  });
}

export function pagehidesSeen(page: Page): Promise<string[]> {
  return page.evaluate(() => [...(window.__e2ePagehides ?? [])]);
}

/**
 * Kills a tab's renderer abruptly with the DevTools `Page.crash` command: no pagehide, no unload,
 * no goodbye on its links; the process is gone. Resolves once Playwright reports the crash.
 */
export async function crashTab(page: Page, boundMs = 10_000): Promise<void> {
  const fire = await armCrash(page, boundMs);
  await fire();
}

/**
 * `crashTab` in two steps: opens the DevTools session now, and returns the function that sends
 * `Page.crash` (resolving once Playwright reports the crash). A benchmark that times the crash
 * arms every victim first, so that its clock starts at the crash, not at the sessions' setup.
 */
export async function armCrash(page: Page, boundMs = 10_000): Promise<() => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  return async () => {
    const crashed = new Promise<void>((resolve) => page.once('crash', () => resolve()));
    // The command never gets an answer: the renderer that would answer is gone.
    cdp.send('Page.crash').catch(() => undefined);
    await withTimeout(crashed, boundMs, () => new Error(`Page.crash: not within ${boundMs} ms`));
  };
}

/**
 * Chromium's background-tab timer throttling, emulated (headless pages are always visible, so
 * Chromium never throttles them itself): every setTimeout runs at the next whole second at the
 * earliest. Self-contained (serialized): an init script, or run once with page.evaluate.
 */
export function alignTimersToWholeSeconds(): void {
  const original = window.setTimeout.bind(window);
  const aligned = (handler: TimerHandler, ms?: number, ...rest: unknown[]): number => {
    const due = Date.now() + (ms ?? 0);
    return original(handler, Math.ceil(due / 1000) * 1000 - Date.now(), ...rest);
  };
  window.setTimeout = aligned as typeof window.setTimeout;
}

/**
 * Throttles a tab as Chromium throttles a background one: its timers held to whole seconds
 * (`timers: false` when an init script did it already) and its CPU slowed 4x (DevTools
 * Emulation.setCPUThrottlingRate). Resolves to the function that gives the CPU back.
 */
export async function throttleTab(page: Page, opts: { timers: boolean } = { timers: true }): Promise<() => Promise<void>> {
  if (opts.timers) await page.evaluate(alignTimersToWholeSeconds);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  return async () => {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    await cdp.detach();
  };
}

export interface FrozenTab {
  /** When the freeze took effect (epoch ms, this process's clock). */
  readonly frozenAt: number;
  /** Resumes the tab; resolves with when (epoch ms, just before resuming) and how long its own timers really stood still (ms). */
  wake(): Promise<{ wokeAt: number; stalledMs: number }>;
}

/**
 * Puts a tab to sleep until `wake()`: nothing runs in it, no timer, no message event, as in a
 * frozen background tab. `Page.setWebLifecycleState {state: 'frozen'}` would be the natural
 * command, but Chromium ignores it for a visible page and headless pages are always visible
 * (seen: its timers kept ticking every ~100 ms), so the tab's main thread is stopped with the
 * debugger instead (`Debugger.pause`; it takes effect at the next task, at once in a live mesh
 * page); what arrives meanwhile waits in the queues. The measured stall is the longest gap between
 * the ticks of a 100 ms interval timer started in the tab just before.
 */
export async function freezeTab(page: Page, boundMs = 10_000): Promise<FrozenTab> {
  await page.evaluate(() => {
    const ticks = { last: performance.now(), maxGap: 0 };
    window.__e2eTicks = ticks;
    setInterval(() => {
      const at = performance.now();
      ticks.maxGap = Math.max(ticks.maxGap, at - ticks.last);
      ticks.last = at;
    }, 100);
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Debugger.enable');
  const paused = new Promise<void>((resolve) => cdp.once('Debugger.paused', () => resolve()));
  await cdp.send('Debugger.pause');
  await withTimeout(paused, boundMs, () => new Error(`Debugger.pause: not within ${boundMs} ms`));
  const frozenAt = Date.now();
  return {
    frozenAt,
    wake: async () => {
      const wokeAt = Date.now();
      await cdp.send('Debugger.resume');
      await cdp.send('Debugger.disable');
      await cdp.detach();
      // Let the first ticks after waking run, then read the longest gap.
      const stalledMs = await page.evaluate(
        () =>
          new Promise<number>((resolve) =>
            setTimeout(() => resolve(window.__e2eTicks?.maxGap ?? Number.NaN), 250),
          ),
      );
      return { wokeAt, stalledMs };
    },
  };
}

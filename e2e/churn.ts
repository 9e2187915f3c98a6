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
 * - a peer connection count: RTCPeerConnection is subclassed to remember every instance, so a
 *   test can count the connections that are really up in a tab and compare with its neighbours.
 *
 * No @playwright/test runner import here, so plain scripts can use it too.
 */
import type { BrowserContext, Page } from '@playwright/test';

export interface ProbeWindow {
  /** This page's pagehide token. */
  __e2eToken: string;
  /** Tokens other pages posted from their pagehide handlers. */
  __e2ePagehides: string[];
  /** RTCPeerConnections of this page whose connectionState is `connected`. */
  __e2eConnectedPeerConnections(): number;
}

/** The init script (runs in every page before the app). Keep it self-contained: it is serialized. */
function probes(): void {
  const w = window as unknown as ProbeWindow & Window;
  const token = `${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const pagehides: string[] = [];
  const channel = new BroadcastChannel('e2e-pagehide-probe');
  channel.onmessage = (event: MessageEvent) => pagehides.push(String(event.data));
  addEventListener('pagehide', () => channel.postMessage(token));
  const connections: RTCPeerConnection[] = [];
  const Original = window.RTCPeerConnection;
  if (typeof Original === 'function') {
    const Counted = class extends Original {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        connections.push(this);
      }
    };
    Object.defineProperty(window, 'RTCPeerConnection', { value: Counted, configurable: true, writable: true });
  }
  Object.defineProperty(w, '__e2eToken', { value: token });
  Object.defineProperty(w, '__e2ePagehides', { value: pagehides });
  Object.defineProperty(w, '__e2eConnectedPeerConnections', {
    value: () => connections.filter((pc) => pc.connectionState === 'connected').length,
  });
}

/**
 * Installs the probes in every page the context opens from now on. Also a no-op `__name`: scripts
 * run by tsx (esbuild's keepNames) wrap named functions and classes in a `__name(...)` helper that
 * does not exist in the page, so functions they pass to page.evaluate or as init scripts need it.
 */
export async function installProbes(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: 'globalThis.__name ??= (target) => target;' });
  await context.addInitScript(probes);
}

export function probeToken(page: Page): Promise<string> {
  return page.evaluate(() => (window as unknown as ProbeWindow).__e2eToken);
}

export function pagehidesSeen(page: Page): Promise<string[]> {
  return page.evaluate(() => [...(window as unknown as ProbeWindow).__e2ePagehides]);
}

export function connectedPeerConnections(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as ProbeWindow).__e2eConnectedPeerConnections());
}

function withBound<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * Kills a tab's renderer abruptly with the DevTools `Page.crash` command: no pagehide, no unload,
 * no goodbye on its links; the process is gone. Resolves once Playwright reports the crash.
 */
export async function crashTab(page: Page, boundMs = 10_000): Promise<void> {
  const crashed = new Promise<void>((resolve) => page.once('crash', () => resolve()));
  const cdp = await page.context().newCDPSession(page);
  // The command never gets an answer: the renderer that would answer is gone.
  cdp.send('Page.crash').catch(() => undefined);
  await withBound(crashed, boundMs, 'Page.crash');
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
    (window as unknown as { __e2eTicks: typeof ticks }).__e2eTicks = ticks;
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
  await withBound(paused, boundMs, 'Debugger.pause');
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
            setTimeout(() => resolve((window as unknown as { __e2eTicks: { maxGap: number } }).__e2eTicks.maxGap), 250),
          ),
      );
      return { wokeAt, stalledMs };
    },
  };
}

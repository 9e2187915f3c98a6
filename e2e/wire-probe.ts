/**
 * The wire probe: an init script that wraps RTCPeerConnection and RTCDataChannel in every page of
 * a context, so that data-channel messages (send calls and message events) and links (open data
 * channels) are counted the same way whatever code runs in the page: the mesh client, y-webrtc,
 * anything built on simple-peer. Read it with `wireCounts(page)`; declared in probe-globals.ts.
 *
 * No @playwright/test runner import here, so plain scripts can use it too.
 */
import type { BrowserContext, Page } from '@playwright/test';
import type { WireCounts } from './probe-globals.ts';

/** The init script (runs in every page before the app). Keep it self-contained: it is serialized. */
function wireProbe(): void {
  const counts = { sent: 0, received: 0, open: 0, opened: 0, closed: 0, firstOpenMs: null as number | null };
  const connections: RTCPeerConnection[] = [];
  const tracked = new WeakSet<RTCDataChannel>();
  const track = (channel: RTCDataChannel): void => {
    if (tracked.has(channel)) return;
    tracked.add(channel);
    let isOpen = false;
    const opened = (): void => {
      if (isOpen) return;
      isOpen = true;
      counts.open++;
      counts.opened++;
      counts.firstOpenMs ??= performance.now();
    };
    if (channel.readyState === 'open') opened();
    channel.addEventListener('open', opened);
    channel.addEventListener('close', () => {
      if (!isOpen) return;
      isOpen = false;
      counts.open--;
      counts.closed++;
    });
    channel.addEventListener('message', () => counts.received++);
  };
  const Original = window.RTCPeerConnection;
  if (typeof Original === 'function') {
    const Probed = class extends Original {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        connections.push(this);
        this.addEventListener('datachannel', (event) => track(event.channel));
      }
      override createDataChannel(...args: Parameters<RTCPeerConnection['createDataChannel']>): RTCDataChannel {
        const channel = super.createDataChannel(...args);
        track(channel);
        return channel;
      }
    };
    Object.defineProperty(window, 'RTCPeerConnection', { value: Probed, configurable: true, writable: true });
    const send = RTCDataChannel.prototype.send;
    Object.defineProperty(RTCDataChannel.prototype, 'send', {
      configurable: true,
      writable: true,
      value: function countedSend(this: RTCDataChannel, ...args: Parameters<RTCDataChannel['send']>): void {
        counts.sent++;
        Reflect.apply(send, this, args);
      },
    });
  }
  window.__wire = {
    counts: () => ({ ...counts, timeOrigin: performance.timeOrigin }),
    connectedPeerConnections: () => connections.filter((pc) => pc.connectionState === 'connected').length,
  };
}

/**
 * The no-op `__name` every context needs: scripts run by tsx (esbuild's keepNames) wrap named
 * functions and classes in a `__name(...)` helper that does not exist in the page, so functions
 * they pass to page.evaluate or as init scripts need it.
 */
export async function installNameShim(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: 'globalThis.__name ??= (target) => target;' });
}

/** Installs the wire probe in every page the context opens from now on. */
export async function installWireProbe(context: BrowserContext): Promise<void> {
  await installNameShim(context);
  await context.addInitScript(wireProbe);
}

/** The page's counts; throws when the page has no probe (installWireProbe before opening it). */
export function wireCounts(page: Page): Promise<WireCounts> {
  return page.evaluate(() => {
    if (window.__wire === undefined) throw new Error('window.__wire is not defined (installWireProbe before opening the page)');
    return window.__wire.counts();
  });
}

export function connectedPeerConnections(page: Page): Promise<number> {
  return page.evaluate(() => {
    if (window.__wire === undefined) throw new Error('window.__wire is not defined (installWireProbe before opening the page)');
    return window.__wire.connectedPeerConnections();
  });
}

/**
 * The rogue tab (e2e/rogue.spec.ts): an init script under the real client that reaches the raw
 * data channels (a wrapped RTCPeerConnection, as e2e/wire-probe.ts does) and the tab's own
 * Ed25519 key (the first one WebCrypto makes, which is the client's identity). The tab runs the
 * honest client otherwise; the test sends forged text on its channels through `window.__rogue`.
 */
import type { BrowserContext } from '@playwright/test';
import { installNameShim } from './wire-probe.ts';
import type { FloodResult } from './probe-globals.ts';

const INBOX = 400;

/** The init script (serialized: self-contained). */
function rogueScript(inboxSize: number): void {
  const channels: RTCDataChannel[] = [];
  const inbox: string[] = [];
  let keys: CryptoKeyPair | null = null;
  const subtle = crypto.subtle;
  const generateKey = subtle.generateKey.bind(subtle) as (a: AlgorithmIdentifier, e: boolean, u: KeyUsage[]) => Promise<CryptoKeyPair | CryptoKey>;
  Object.defineProperty(subtle, 'generateKey', {
    configurable: true,
    value: async (algorithm: AlgorithmIdentifier, extractable: boolean, usages: KeyUsage[]) => {
      const made = await generateKey(algorithm, extractable, usages);
      if (keys === null && 'privateKey' in made) keys = made;
      return made;
    },
  });
  const track = (channel: RTCDataChannel): void => {
    channels.push(channel);
    channel.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (typeof event.data !== 'string') return;
      inbox.push(event.data);
      if (inbox.length > inboxSize) inbox.shift();
    });
  };
  const Original = window.RTCPeerConnection;
  const Rogue = class extends Original {
    constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
      super(...args);
      this.addEventListener('datachannel', (event) => track(event.channel));
    }
    override createDataChannel(...args: Parameters<RTCPeerConnection['createDataChannel']>): RTCDataChannel {
      const channel = super.createDataChannel(...args);
      track(channel);
      return channel;
    }
  };
  Object.defineProperty(window, 'RTCPeerConnection', { value: Rogue, configurable: true, writable: true });
  const open = (): RTCDataChannel[] => channels.filter((c) => c.readyState === 'open');
  const base64url = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  window.__rogue = {
    open: () => open().length,
    send(text) {
      let sent = 0;
      let refused = 0;
      let lastError: string | null = null;
      for (const channel of open()) {
        try {
          channel.send(text);
          sent++;
        } catch (error: unknown) {
          refused++;
          lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        }
      }
      return { sent, refused, lastError };
    },
    inbox: () => [...inbox],
    async sign(text) {
      if (keys === null) throw new Error('the rogue tab has no key yet');
      const publicKey = new Uint8Array(await subtle.exportKey('raw', keys.publicKey));
      const signature = new Uint8Array(await subtle.sign('Ed25519', keys.privateKey, new TextEncoder().encode(text)));
      const both = new Uint8Array(96);
      both.set(publicKey, 0);
      both.set(signature, 32);
      return base64url(both);
    },
    async flood(ratePerSecond, maxMs): Promise<FloodResult> {
      const channel = open()[0];
      if (channel === undefined) throw new Error('the rogue tab has no open channel');
      const start = performance.now();
      let closedAfterMs: number | null = null;
      channel.addEventListener('close', () => (closedAfterMs ??= performance.now() - start));
      let sent = 0;
      let refusedByBrowser = 0;
      while (closedAfterMs === null && performance.now() - start < maxMs) {
        const due = Math.floor(((performance.now() - start) * ratePerSecond) / 1000);
        for (; sent < due && channel.readyState === 'open'; sent++) {
          try {
            channel.send(`{"v":2,"t":"ping","n":${sent}}`);
          } catch {
            refusedByBrowser++;
          }
        }
        if (channel.readyState !== 'open') closedAfterMs ??= performance.now() - start;
        await new Promise((resolve) => setTimeout(resolve, 4));
      }
      return { sent, refusedByBrowser, closedAfterMs };
    },
  };
}

/** Makes every page the context opens from now on a rogue tab. */
export async function installRogue(context: BrowserContext): Promise<void> {
  await installNameShim(context);
  await context.addInitScript(rogueScript, INBOX);
}

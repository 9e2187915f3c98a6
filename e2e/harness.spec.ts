/**
 * Smoke test of the harness itself, independent of the mesh client: the signaling-server fixture
 * (start, SIGKILL, restart on the same port), the browser (launch flags and microphone permission)
 * and, when e2e/run.mjs runs us in one, the loopback-only network namespace.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, inLoopbackNamespace } from './fixtures.ts';
import { repoRoot } from './server.ts';

const clientBuilt = existsSync(resolve(repoRoot, 'dist', 'index.html'));

interface LoopbackResult {
  received: string;
  localCandidates: string[];
  selectedPair: { local: string; remote: string } | null;
}

/** Two RTCPeerConnections in one page, a data channel between them, one message across. */
function loopbackDataChannel(page: Page): Promise<LoopbackResult> {
  return page.evaluate(async (): Promise<LoopbackResult> => {
    const boundMs = 20_000;
    const a = new RTCPeerConnection({ iceServers: [] });
    const b = new RTCPeerConnection({ iceServers: [] });
    const localCandidates: string[] = [];
    a.onicecandidate = (e) => {
      if (e.candidate === null) return;
      localCandidates.push(e.candidate.candidate);
      void b.addIceCandidate(e.candidate);
    };
    b.onicecandidate = (e) => {
      if (e.candidate !== null) void a.addIceCandidate(e.candidate);
    };
    const channel = a.createDataChannel('harness-smoke');
    const received = new Promise<string>((resolveMsg) => {
      b.ondatachannel = (ev) => {
        ev.channel.onmessage = (m) => resolveMsg(String(m.data));
      };
    });
    const opened = new Promise<void>((resolveOpen, reject) => {
      channel.onopen = () => resolveOpen();
      channel.onerror = () => reject(new Error('data channel error'));
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bound = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no message across within ${boundMs} ms; ice ${a.iceConnectionState}; local candidates: ${JSON.stringify(localCandidates)}`)),
        boundMs,
      );
    });
    try {
      await a.setLocalDescription(await a.createOffer());
      await b.setRemoteDescription(a.localDescription as RTCSessionDescriptionInit);
      await b.setLocalDescription(await b.createAnswer());
      await a.setRemoteDescription(b.localDescription as RTCSessionDescriptionInit);
      await Promise.race([opened, bound]);
      channel.send('hello over loopback');
      const text = await Promise.race([received, bound]);

      // Chromium caches getStats for a moment: a snapshot taken as the first message lands can
      // still show the pair in progress (seen once in CI), so read until one has succeeded.
      const readPair = async (): Promise<LoopbackResult['selectedPair']> => {
        let pair: LoopbackResult['selectedPair'] = null;
        const stats = await a.getStats();
        const byId = new Map<string, Record<string, unknown>>();
        stats.forEach((s: Record<string, unknown>) => byId.set(String(s['id']), s));
        for (const s of byId.values()) {
          if (s['type'] !== 'candidate-pair' || s['state'] !== 'succeeded') continue;
          const local = byId.get(String(s['localCandidateId']));
          const remote = byId.get(String(s['remoteCandidateId']));
          const addr = (c: Record<string, unknown> | undefined): string => String(c?.['address'] ?? c?.['ip'] ?? '?');
          pair = { local: addr(local), remote: addr(remote) };
          if (s['nominated'] === true || s['selected'] === true) break;
        }
        return pair;
      };
      const statsDeadline = performance.now() + boundMs;
      let selectedPair = await readPair();
      while (selectedPair === null && performance.now() < statsDeadline) {
        await new Promise((next) => setTimeout(next, 100));
        selectedPair = await readPair();
      }
      return { received: text, localCandidates, selectedPair };
    } finally {
      clearTimeout(timer);
      a.close();
      b.close();
    }
  });
}

/** True when something answers HTTP at url (any status), false when the connection is refused. */
async function reachable(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    await response.arrayBuffer();
    return true;
  } catch (error: unknown) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const code = (cause as { code?: unknown }).code;
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET') return false;
    throw error;
  }
}

test.describe('harness', () => {
  test('two pages each connect two RTCPeerConnections over loopback', async ({ server, context, openTabs }) => {
    test.info().annotations.push(
      { type: 'network', description: inLoopbackNamespace ? 'loopback-only namespace' : 'host network' },
      { type: 'pages', description: clientBuilt ? `client at ${server.url}` : 'about:blank (no dist/ yet)' },
    );
    let pages: Page[];
    if (clientBuilt) {
      pages = await openTabs(2);
    } else {
      pages = await Promise.all([context.newPage(), context.newPage()]);
      await Promise.all(pages.map((p) => p.goto('about:blank')));
    }

    const results = await Promise.all(pages.map((p) => loopbackDataChannel(p)));
    for (const result of results) {
      expect(result.received).toBe('hello over loopback');
      expect(result.localCandidates.length, 'ICE candidates gathered').toBeGreaterThan(0);
      expect(result.selectedPair, 'a succeeded candidate pair').not.toBeNull();
      if (inLoopbackNamespace) {
        // Only loopback exists in the namespace: every address in play must be loopback.
        for (const address of [result.selectedPair?.local, result.selectedPair?.remote]) {
          expect(address, 'selected candidate address').toMatch(/^(127\.\d+\.\d+\.\d+|::1)$/);
        }
      }
    }
  });

  test('server fixture: stop() makes the URL unreachable, restart() brings it back on the same port', async ({ server }) => {
    const url = server.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(server.port).toBeGreaterThan(0);
    expect(await reachable(url)).toBe(true);

    await server.stop();
    expect(server.running).toBe(false);
    expect(await reachable(url)).toBe(false);

    await server.restart();
    expect(server.running).toBe(true);
    expect(server.url).toBe(url);
    expect(await reachable(url)).toBe(true);

    // A second round, to show restart() is repeatable.
    await server.restart();
    expect(server.url).toBe(url);
    expect(await reachable(url)).toBe(true);
  });
});

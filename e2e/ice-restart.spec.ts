/**
 * ICE restart over real WebRTC (@roamhq/wrtc in the test process, the client's own transport)
 * through a real coturn, relay-only: the only path is a TURN allocation. Stopping coturn kills
 * every allocation, so ICE goes 'disconnected' (coturn is started again at once on the same
 * port, without them); the link is restarted exactly once (a new offer with iceRestart, carried here by a direct signal path),
 * new allocations are made and the SAME data channel carries messages again: no new link.
 * No browser: this runs in the loopback namespace like the other specs.
 */
import wrtc from '@roamhq/wrtc';
import { asPeerId, type PeerId } from '../client/src/core/ids.ts';
import type { SignalData } from '../client/src/core/wire.ts';
import { WebRtcTransport, type TransportStats } from '../client/src/transport/webrtc.ts';
import { turnCredentials } from '../signaling-server/src/turn.ts';
import { test, expect } from '@playwright/test';
import { coturn, type TurnProcess } from './coturn.ts';

const SECRET = 'e2e-ice-restart-secret';

test.describe.configure({ timeout: 60_000 });

interface End {
  transport: WebRtcTransport;
  received: string[];
  up: PeerId[];
  down: PeerId[];
  restartSignals: number;
}


function pair(turn: TurnProcess): { a: End; b: End } {
  const ids = { a: asPeerId('aaaaaaaaaaaaaaaa'), b: asPeerId('bbbbbbbbbbbbbbbb') };
  const ends: Partial<Record<'a' | 'b', End>> = {};
  const make = (self: 'a' | 'b', other: 'a' | 'b'): End => {
    const seen = { received: [] as string[], up: [] as PeerId[], down: [] as PeerId[], restartSignals: 0 };
    const creds = turnCredentials(SECRET, ids[self], Math.floor(Date.now() / 1000) + 600);
    const transport = new WebRtcTransport({
      self: ids[self],
      wrtc,
      iceServers: [{ urls: turn.url, ...creds }],
      iceTransportPolicy: 'relay',
      iceRestartAfterMs: 1_000,
      iceRestartTimeoutMs: 15_000,
      // The signaling path: straight to the other end (a server or the mesh would do the same).
      sendSignal: (_to: PeerId, data: SignalData, purpose) => {
        if (purpose === 'restart') seen.restartSignals++;
        setTimeout(() => ends[other]?.transport.handleSignal(ids[self], data, 'server'), 0);
        return 'server';
      },
      onLinkUp: (peer) => seen.up.push(peer),
      onLinkDown: (peer) => seen.down.push(peer),
      onData: (_peer, data) => seen.received.push(typeof data === 'string' ? data : new TextDecoder().decode(data)),
    });
    return Object.assign(seen, { transport });
  };
  ends.a = make('a', 'b');
  ends.b = make('b', 'a');
  return { a: ends.a, b: ends.b };
}

async function until(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
  await expect.poll(done, { message: `waiting ${timeoutMs} ms for ${what}`, timeout: timeoutMs, intervals: [50, 100, 250] }).toBe(true);
}

test('a relay-only link whose TURN server dies and comes back is ICE-restarted once and keeps its data channel', async () => {
  let turn = await coturn(SECRET);
  const { a, b } = pair(turn);
  const stats = (): { a: TransportStats; b: TransportStats } => ({ a: a.transport.stats(), b: b.transport.stats() });
  try {
    a.transport.connect(asPeerId('bbbbbbbbbbbbbbbb'));
    await until('the link to open through TURN', () => a.up.length === 1 && b.up.length === 1, 20_000);
    expect(a.transport.send(asPeerId('bbbbbbbbbbbbbbbb'), '{"t":"ping","n":1}')).toBe(true);
    await until('a first message', () => b.received.length === 1, 5_000);

    // A new coturn on the same port: every allocation is gone, so the relayed path dies, but the
    // server is there for the restart's new allocations (a restart while TURN is unreachable
    // cannot succeed: its gathering ends with no candidate, and the link is then replaced).
    const port = turn.port;
    await turn.stop();
    turn = await coturn(SECRET, port);
    await until("ICE to restart (it stayed 'disconnected')", () => stats().a.iceRestarts === 1, 20_000);
    await until('the restart to recover', () => stats().a.iceRestartsRecovered === 1, 20_000);
    expect(b.transport.send(asPeerId('aaaaaaaaaaaaaaaa'), '{"t":"ping","n":2}')).toBe(true);
    await until('a message after the restart', () => a.received.includes('{"t":"ping","n":2}'), 10_000);

    const end = stats();
    expect(end.a).toMatchObject({ iceRestarts: 1, iceRestartsRecovered: 1, iceRestartsFailed: 0, linksOpened: 1, open: 1 });
    expect(end.b).toMatchObject({ iceRestartsFailed: 0, linksOpened: 1, open: 1 });
    expect(end.b.iceRestarts).toBeLessThanOrEqual(1);
    expect(a.down).toEqual([]);
    expect(b.down).toEqual([]);
    expect(a.restartSignals).toBeGreaterThan(0);
  } finally {
    a.transport.destroy();
    b.transport.destroy();
    await turn.stop();
  }
});

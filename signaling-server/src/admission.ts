import type { IncomingMessage } from 'node:http';
import { AddressCounts, BucketMap, originAllowed } from './limits.ts';
import type { ParsedOptions } from './server-options.ts';
import type { RejectReason } from './handlers.ts';

/**
 * Who may connect and how fast: the handshake check (draining, Origin, sockets and polling
 * sessions per address) and the per-request rate checks (socket, address, sender->target pair).
 * Every refusal is reported through `reject` so it is counted.
 */

type Limits = Pick<
  ParsedOptions,
  'allowedOrigins' | 'maxSocketsPerAddress' | 'maxPollingPerAddress' | 'socketEventsPerSec' | 'pairSignalsPerSec' | 'addressEventsPerSec'
>;

/** The engine.io connection as far as admission needs it. */
export interface EngineConnection {
  readonly remoteAddress: string;
  readonly transport: { readonly name: string };
  once(event: 'close', fn: () => void): unknown;
  once(event: 'upgrade', fn: () => void): unknown;
}

export function createAdmission(limits: Limits, isDraining: () => boolean, reject: (reason: RejectReason) => void) {
  const sockets = new AddressCounts();
  const polling = new AddressCounts();
  const perSocket = new BucketMap(limits.socketEventsPerSec, limits.socketEventsPerSec * 2);
  const perAddress = new BucketMap(limits.addressEventsPerSec, limits.addressEventsPerSec * 2);
  const perPair = new BucketMap(limits.pairSignalsPerSec, limits.pairSignalsPerSec * 2);

  return {
    /** socket.io's allowRequest: runs for every engine.io HTTP request, new sessions are checked. */
    allowRequest(req: IncomingMessage, callback: (err: string | null | undefined, ok: boolean) => void): void {
      const refuse = (reason: RejectReason, message: string): void => {
        reject(reason);
        callback(message, false);
      };
      if (isDraining()) return refuse('draining', 'server is shutting down: use another instance');
      const origin = req.headers.origin;
      if (!originAllowed(origin, req.headers.host, limits.allowedOrigins)) return refuse('origin', `origin ${JSON.stringify(origin)} is not allowed`);
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      if (query.get('sid') === null) {
        const address = req.socket.remoteAddress ?? '';
        if (sockets.get(address) >= limits.maxSocketsPerAddress) return refuse('too-many-sockets', 'too many sockets from this address');
        if (query.get('transport') === 'polling' && polling.get(address) >= limits.maxPollingPerAddress) {
          return refuse('too-many-sockets', 'too many polling sessions from this address: use WebSocket');
        }
      }
      callback(null, true);
    },

    /** Counts a new engine.io connection until it closes (and its polling until it upgrades). */
    track(conn: EngineConnection): void {
      const address = conn.remoteAddress;
      sockets.add(address);
      let isPolling = conn.transport.name === 'polling';
      if (isPolling) polling.add(address);
      const stopPolling = (): void => {
        if (isPolling) polling.remove(address);
        isPolling = false;
      };
      conn.once('upgrade', stopPolling);
      conn.once('close', () => {
        stopPolling();
        sockets.remove(address);
      });
    },

    /** One request from `socket` at `address`: within both its socket's and its address's rate? */
    requestAllowed(socket: string, address: string, nowMs: number): boolean {
      return perSocket.take(socket, nowMs) && perAddress.take(address, nowMs);
    },

    /** One signal from peer `from` to peer `to` in `room`. */
    signalAllowed(room: string, from: string, to: string, nowMs: number): boolean {
      return perPair.take(`${room}\u0000${from}\u0000${to}`, nowMs);
    },
  };
}

export type Admission = ReturnType<typeof createAdmission>;

/**
 * Bytes waiting to go to one socket: engine.io's write buffer plus the WebSocket's own. Both are
 * private in the typings, so they are read structurally; an unknown shape counts as 0.
 */
export function queuedBytes(conn: object): number {
  let bytes = 0;
  const buffer: unknown = Reflect.get(conn, 'writeBuffer');
  if (Array.isArray(buffer)) {
    for (const packet of buffer as unknown[]) {
      const data: unknown = typeof packet === 'object' && packet !== null ? Reflect.get(packet, 'data') : undefined;
      bytes += typeof data === 'string' ? data.length : 64;
    }
  }
  const transport: unknown = Reflect.get(conn, 'transport');
  const ws: unknown = typeof transport === 'object' && transport !== null ? Reflect.get(transport, 'socket') : undefined;
  const buffered: unknown = typeof ws === 'object' && ws !== null ? Reflect.get(ws, 'bufferedAmount') : undefined;
  if (typeof buffered === 'number') bytes += buffered;
  return bytes;
}

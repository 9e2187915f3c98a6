import type { Socket } from 'socket.io-client';
import { openSignalingSocket } from '../transport/signaling.ts';
import type { StartMeshSettings } from './start.ts';

/** The signaling server the client connects to first (SignalingClient's order: `servers`, else the one URL). */
export function firstSignalingUrl(settings: Pick<StartMeshSettings, 'servers' | 'serverUrl' | 'server'>): string | undefined {
  return settings.servers !== undefined && settings.servers.length > 0 ? settings.servers[0] : (settings.serverUrl ?? settings.server);
}

/**
 * The signaling client's socket factory: the first call for the first server gets `early` (opened
 * by startMesh while the key was made, so the connection is under way or done), later calls and
 * other servers a fresh socket. An early socket not taken is closed.
 */
export function socketFactory(settings: Pick<StartMeshSettings, 'servers' | 'serverUrl' | 'server'>, early: Socket | undefined): (url: string | undefined) => Socket {
  let pending = early;
  return (url) => {
    const socket = pending;
    pending = undefined;
    if (socket !== undefined && url === firstSignalingUrl(settings)) return socket;
    socket?.close();
    return openSignalingSocket(url);
  };
}

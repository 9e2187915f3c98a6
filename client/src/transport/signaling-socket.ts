import { io, type Socket } from 'socket.io-client';

/**
 * The default socket: WebSocket first (one round trip to connected, where long-polling first takes
 * a handshake request, a poll and an upgrade), long-polling only if the WebSocket fails.
 */
export function openSignalingSocket(url: string | undefined): Socket {
  const socketOptions = { reconnectionDelay: 500, reconnectionDelayMax: 5000, transports: ['websocket', 'polling'], tryAllTransports: true };
  const socket = url === undefined ? io(socketOptions) : io(url, socketOptions);
  // Opened ahead (mesh/start.ts), it may get its challenge before a SignalingClient listens: keep it.
  socket.on('challenge', (...args: unknown[]) => earlyChallenges.set(socket, args));
  socket.on('disconnect', () => earlyChallenges.delete(socket));
  return socket;
}

/** The last 'challenge' event each socket from openSignalingSocket got, as its arguments. */
const earlyChallenges = new WeakMap<Socket, unknown[]>();

export function earlyChallengeOf(socket: Socket): unknown[] | undefined {
  return earlyChallenges.get(socket);
}

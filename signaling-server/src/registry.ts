/**
 * Who is in which room, and which socket holds each peer id. The handlers only see this
 * interface, so the same handlers run over the in-memory registry (one process, the default)
 * or the Redis one (several instances sharing rooms; redis-registry.ts).
 */

/** A source of uniform numbers in [0, 1): Math.random in production, seeded in tests. */
export type Random = () => number;

/** Where a peer id is held: the socket.io socket id (unique across instances). */
export type SocketRef = string;

export interface RoomRegistry {
  /**
   * Makes `socket` the holder of `peerId` in `room`, unless another live socket holds it.
   * Resolves false when the id is taken.
   */
  claim(room: string, peerId: string, socket: SocketRef): Promise<boolean>;
  /** Removes `peerId` from `room` if `socket` still holds it (a rejoin may already own it). */
  release(room: string, peerId: string, socket: SocketRef): Promise<void>;
  /** Up to `count` distinct random members of `room`, never `except`. */
  sample(room: string, count: number, except: string, random: Random): Promise<string[]>;
  /** The socket holding `peerId` in `room`, if any. */
  holder(room: string, peerId: string): Promise<SocketRef | undefined>;
  /** Stops timers and connections the registry owns. */
  close(): Promise<void>;
}

/** Up to `count` distinct random picks from `items` (partial Fisher-Yates, in place). */
export function sample<T>(items: T[], count: number, random: Random): T[] {
  const n = Math.min(count, items.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (items.length - i));
    const a = items[i] as T;
    items[i] = items[j] as T;
    items[j] = a;
  }
  return items.slice(0, n);
}

export interface MemoryRegistry extends RoomRegistry {
  size(): { rooms: number; members: number };
  /** Every [room, peerId, socket] held. */
  entries(): Generator<[string, string, SocketRef]>;
}

/** The embedded default: rooms in this process's memory. */
export function createMemoryRegistry(): MemoryRegistry {
  /** room -> peerId -> socket. Gossip state lives in the browsers; this is all the server keeps. */
  const rooms = new Map<string, Map<string, SocketRef>>();
  return {
    async claim(room, peerId, socket) {
      const peers = rooms.get(room) ?? new Map<string, SocketRef>();
      const held = peers.get(peerId);
      if (held !== undefined && held !== socket) return false;
      peers.set(peerId, socket);
      rooms.set(room, peers);
      return true;
    },
    async release(room, peerId, socket) {
      const peers = rooms.get(room);
      if (peers?.get(peerId) === socket) peers.delete(peerId);
      if (peers?.size === 0) rooms.delete(room);
    },
    async sample(room, count, except, random) {
      const others = [...(rooms.get(room)?.keys() ?? [])].filter((id) => id !== except);
      return sample(others, count, random);
    },
    async holder(room, peerId) {
      return rooms.get(room)?.get(peerId);
    },
    async close() {
      rooms.clear();
    },
    *entries() {
      for (const [room, peers] of rooms) for (const [peerId, socket] of peers) yield [room, peerId, socket];
    },
    size() {
      let members = 0;
      for (const peers of rooms.values()) members += peers.size;
      return { rooms: rooms.size, members };
    },
  };
}

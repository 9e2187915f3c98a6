import { z } from 'zod';

/** What the load bench (load.ts) and its client processes (clients.ts) say to each other over IPC. */

export const command = z.discriminatedUnion('op', [
  /** Connect and join clients `from`..`to`-1 (ids c<i>), client i to urls[i % urls.length]. */
  z.object({ op: z.literal('join'), urls: z.array(z.string()).min(1), room: z.string(), from: z.number().int(), to: z.number().int(), concurrency: z.number().int().min(1) }),
  /** Send `count` signals from this process's clients to targets among all `clients`, `perSec` a second. */
  z.object({ op: z.literal('signal'), count: z.number().int().min(0), perSec: z.number().positive(), clients: z.number().int().min(2), seed: z.number().int() }),
  /** How many signals arrived so far, and their relay latencies (ms) since the last ask. */
  z.object({ op: z.literal('received') }),
  z.object({ op: z.literal('close') }),
]);
export type Command = z.infer<typeof command>;

export const reply = z.discriminatedUnion('op', [
  z.object({ op: z.literal('progress'), joined: z.number().int() }),
  z.object({ op: z.literal('joined'), joinMs: z.array(z.number()), connectMs: z.array(z.number()) }),
  z.object({ op: z.literal('sent'), sent: z.number().int(), refused: z.number().int() }),
  z.object({ op: z.literal('received'), count: z.number().int(), relayMs: z.array(z.number()) }),
  z.object({ op: z.literal('closed') }),
  z.object({ op: z.literal('error'), error: z.string() }),
]);
export type Reply = z.infer<typeof reply>;

/** Epoch ms with sub-ms precision, comparable between processes on one machine. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

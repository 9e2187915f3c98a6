import type { Mode } from '../core/options.ts';
import type { RegisterValue } from '../core/wire.ts';
import type { DeliveredRumor, MeshAggregates, MeshClient, MeshStats } from './api.ts';

/**
 * The test hook: `window.__mesh`. STABLE CONTRACT.
 *
 * End-to-end tests (e2e/*.spec.ts, through e2e/hook.ts) reach into a tab only through this object,
 * so its shape is a contract: add to it if you must, never rename, remove or change the meaning of
 * a member without changing e2e/hook.ts in the same change. Every value it returns is plain data
 * (structured-clonable), so Playwright's page.evaluate can carry it out of the page.
 *
 * - `id`: this peer's id.
 * - `ready()`: at least one open neighbour link (the mesh is reachable).
 * - `neighbors()`: ids of the peers with an open data channel (the active view).
 * - `known()`: ids of the other peers known but not linked (the passive view).
 * - `publish(text)`: publishes a rumor; returns its id `${origin}:${seq}`.
 * - `rumors()`: rumors seen here, in arrival order, each `{ id, origin, text, hops, sentAt,
 *   receivedAt }`; `hops` is 0 at the origin and the number of links crossed elsewhere; times are
 *   epoch ms (performance.timeOrigin + performance.now()) of the origin's and this tab's clock.
 * - `add(delta)`: adds a non-zero integer (may be negative) to the shared PN-counter.
 * - `counter()`: the counter's value as this tab sees it.
 * - `setRegister(value)`: writes the shared last-writer-wins register.
 * - `register()`: `{ value, timestamp, origin }` or null: the register as this tab sees it.
 * - `stats()`: `{ sent, received, duplicates, dropped, bytesSent, bytesReceived, payloadsSent,
 *   linksViaMesh, linksViaServer }`: messages handed to / accepted from the links by the gossip
 *   node, duplicate rumors, dropped messages (invalid input and sends refused by a full or closed
 *   channel), data channel bytes, rumor copies sent, links opened by signaling via mesh / server.
 * - `aggregates()`: `{ size, average, min, max, epoch }` or null: push-sum estimates of the number
 *   of live peers and of the values the tabs hold, from the last completed epoch.
 * - `setAggregateValue(value)`: this tab's value (a finite number), counted from the next epoch.
 * - `serverConnected()`: true while the signaling server is reachable (socket connected).
 * - `setMode(mode)`: switches how new rumors travel (push, pull, push-pull, eager, tree, flood) on
 *   this tab at run time, links kept; `mode()` reads it. For benchmarks comparing modes on one mesh.
 * - `diagnostics()`: NOT part of the stable contract: the driver's debugging counters (first link
 *   time, link setup, signaling, drops by cause), `{}` if the client has none. Names may change;
 *   the benchmark (e2e/bench/tabs.ts) reads a few of them, tests must not.
 */
export interface MeshTestHook {
  readonly id: string;
  ready(): boolean;
  neighbors(): string[];
  known(): string[];
  publish(text: string): string;
  rumors(): DeliveredRumor[];
  add(delta: number): void;
  counter(): number;
  setRegister(value: string): void;
  register(): RegisterValue | null;
  stats(): MeshStats;
  aggregates(): MeshAggregates | null;
  setAggregateValue(value: number): void;
  serverConnected(): boolean;
  setMode(mode: Mode): void;
  mode(): Mode;
  diagnostics(): Record<string, number | string | null>;
}

/** Sets `window.__mesh` to the hook for `client` and returns it. */
export function installTestHook(client: MeshClient): MeshTestHook {
  const hook: MeshTestHook = {
    id: client.id,
    ready: () => client.ready(),
    neighbors: () => [...client.neighbors()],
    known: () => [...client.known()],
    publish: (text) => client.publish(text),
    rumors: () => client.rumors().map((r) => ({ ...r })),
    add: (delta) => client.add(delta),
    counter: () => client.counter(),
    setRegister: (value) => client.setRegister(value),
    register: () => {
      const value = client.register();
      return value === null ? null : { ...value };
    },
    stats: () => ({ ...client.stats() }),
    aggregates: () => {
      const value = client.aggregates();
      return value === null ? null : { ...value };
    },
    setAggregateValue: (value) => client.setAggregateValue(value),
    setMode: (mode) => client.setMode(mode),
    mode: () => client.mode(),
    serverConnected: () => client.serverConnected(),
    diagnostics: () => ({ ...(client.diagnostics?.() ?? {}) }),
  };
  // Not declared on Window here: e2e/hook.ts owns that declaration, and the specs check that
  // MeshTestHook satisfies it.
  Object.defineProperty(window, '__mesh', { value: hook, configurable: true, enumerable: false, writable: true });
  return hook;
}

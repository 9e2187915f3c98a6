/**
 * The test hook a page of the mesh client exposes as `window.__mesh`, and typed wrappers to call
 * it from a Playwright test. End-to-end specs reach into a tab only through this hook.
 */
import type { Page } from '@playwright/test';

export interface MeshRumor {
  id: string;
  origin: string;
  text: string;
  /** Number of links the rumor crossed before reaching this peer (0 at its origin). */
  hops: number;
  /** Origin's clock when published, epoch ms. */
  sentAt: number;
  /** This peer's clock when first received, epoch ms. */
  receivedAt: number;
}

export interface MeshRegister {
  value: string;
  timestamp: number;
  origin: string;
}

export interface MeshStats {
  sent: number;
  received: number;
  duplicates: number;
  dropped: number;
  bytesSent: number;
  bytesReceived: number;
  /** Rumor payload copies sent by this tab (the page provides it; optional in the contract). */
  payloadsSent?: number;
  /** Links opened by signaling relayed through the mesh / through the server. */
  linksViaMesh?: number;
  linksViaServer?: number;
}

export interface MeshAggregates {
  /** Estimated number of live peers. */
  size: number;
  average: number;
  min: number;
  max: number;
  epoch: number;
}

export interface MeshHook {
  /** This peer's id. */
  id: string;
  /** True once the peer has joined and has at least its bootstrap links. */
  ready(): boolean;
  /** Ids of the peers this one has an open data channel to (active view). */
  neighbors(): string[];
  /** Ids of every peer this one knows about (active and passive view). */
  known(): string[];
  /** Publishes a rumor; returns its id. */
  publish(text: string): string;
  rumors(): MeshRumor[];
  /** Adds delta (may be negative) to the shared PN-counter. */
  add(delta: number): void;
  counter(): number;
  setRegister(value: string): void;
  register(): MeshRegister | null;
  stats(): MeshStats;
  /** Push-sum estimates from the last completed epoch; null before the first. */
  aggregates(): MeshAggregates | null;
  /** This tab's value for the network-wide average / min / max. */
  setAggregateValue(value: number): void;
  /** Switches how new rumors travel on this tab, links kept (push, pull, push-pull, eager, tree, flood). */
  setMode(mode: string): void;
  mode(): string;
  /** True while the signaling server is reachable (its socket is connected). */
  serverConnected(): boolean;
}

declare global {
  interface Window {
    __mesh?: MeshHook;
  }
}

/** Names of the hook's methods (everything but `id`). */
export type MeshMethod = { [K in keyof MeshHook]-?: MeshHook[K] extends (...args: never[]) => unknown ? K : never }[keyof MeshHook];

type Args<K extends MeshMethod> = Parameters<MeshHook[K]>;
type Result<K extends MeshMethod> = Awaited<ReturnType<MeshHook[K]>>;

/** Calls `window.__mesh[name](...args)` in the page; throws a clear error if there is no hook. */
export async function callHook<K extends MeshMethod>(page: Page, name: K, ...args: Args<K>): Promise<Result<K>> {
  const result = await page.evaluate(
    ([method, params]) => {
      const mesh = window.__mesh;
      if (mesh === undefined) throw new Error(`window.__mesh is not defined (calling ${method})`);
      const fn = mesh[method] as unknown;
      if (typeof fn !== 'function') throw new Error(`window.__mesh.${method} is not a function`);
      return (fn as (...a: unknown[]) => unknown).apply(mesh, params) as never;
    },
    [name, args] as [K, Args<K>],
  );
  return result as Result<K>;
}

export interface HookClient {
  id(): Promise<string>;
  ready(): Promise<boolean>;
  neighbors(): Promise<string[]>;
  known(): Promise<string[]>;
  publish(text: string): Promise<string>;
  rumors(): Promise<MeshRumor[]>;
  add(delta: number): Promise<void>;
  counter(): Promise<number>;
  setRegister(value: string): Promise<void>;
  register(): Promise<MeshRegister | null>;
  stats(): Promise<MeshStats>;
  aggregates(): Promise<MeshAggregates | null>;
  setAggregateValue(value: number): Promise<void>;
  serverConnected(): Promise<boolean>;
}

/** Typed async wrappers around one page's `window.__mesh`: `await hook(page).neighbors()`. */
export function hook(page: Page): HookClient {
  return {
    id: () =>
      page.evaluate(() => {
        const mesh = window.__mesh;
        if (mesh === undefined) throw new Error('window.__mesh is not defined (reading id)');
        return mesh.id;
      }),
    ready: () => callHook(page, 'ready'),
    neighbors: () => callHook(page, 'neighbors'),
    known: () => callHook(page, 'known'),
    publish: (text) => callHook(page, 'publish', text),
    rumors: () => callHook(page, 'rumors'),
    add: (delta) => callHook(page, 'add', delta),
    counter: () => callHook(page, 'counter'),
    setRegister: (value) => callHook(page, 'setRegister', value),
    register: () => callHook(page, 'register'),
    stats: () => callHook(page, 'stats'),
    aggregates: () => callHook(page, 'aggregates'),
    setAggregateValue: (value) => callHook(page, 'setAggregateValue', value),
    serverConnected: () => callHook(page, 'serverConnected'),
  };
}

/**
 * The test hook a page of the mesh client exposes as `window.__mesh`, and typed wrappers to call
 * it from a Playwright test. End-to-end specs reach into a tab only through this hook.
 */
import type { Page } from '@playwright/test';
import type { DeliveredRumor, MeshAggregates, MeshDiagnostics, MeshStats } from '../client/src/mesh/contract.ts';
import type { MeshTestHook } from '../client/src/mesh/hook.ts';
import type { RegisterValue } from '../client/src/core/wire.ts';

// The hook's type is declared once, in client/src/mesh/hook.ts (with `window.__mesh`).
export type MeshHook = MeshTestHook;
export type MeshRumor = DeliveredRumor;
export type MeshRegister = RegisterValue;
export type { MeshAggregates, MeshDiagnostics, MeshStats };

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
      const fn: unknown = mesh[method];
      if (typeof fn !== 'function') throw new Error(`window.__mesh.${method} is not a function`);
      return Reflect.apply(fn, mesh, params) as never;
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

import type { Mesh } from '../lib/types.ts';

/**
 * The test hook, `window.__mesh`: the page's public Mesh (lib/types.ts) as plain functions that
 * Playwright's page.evaluate can call and whose results it can carry out of a tab (getters become
 * calls; the names are those the specs have always used). End-to-end specs and benchmarks reach
 * into a tab only through it. Its global lives here, with the page, not in the contract: the
 * published types (lib/) must declare no globals.
 */
export interface MeshTestHook {
  readonly id: string;
  /** At least one open neighbour link. */
  ready(): boolean;
  neighbors: Mesh['neighbors'];
  known: Mesh['knownPeers'];
  publish: Mesh['publish'];
  rumors: Mesh['rumors'];
  /**
   * Epoch ms when a rumor with this text reached the page (at once if it had), or null after
   * `timeoutMs`. A benchmark waits on it instead of polling every tab while a rumor spreads (the
   * polls would wake every tab's renderer in the middle of the spreading they measure).
   */
  arrival(text: string, timeoutMs: number): Promise<number | null>;
  add: Mesh['counter']['add'];
  counter(): Mesh['counter']['value'];
  setRegister: Mesh['register']['set'];
  register(): Mesh['register']['value'];
  stats: Mesh['stats'];
  aggregates(): Mesh['aggregates']['estimate'];
  setAggregateValue: Mesh['aggregates']['setValue'];
  serverConnected(): Mesh['serverConnected'];
  setMode: Mesh['setMode'];
  mode(): Mesh['mode'];
  diagnostics: Mesh['diagnostics'];
  createInvite: Mesh['invite'];
  acceptInvite: Mesh['acceptInvite'];
  completeInvite: Mesh['completeInvite'];
}

declare global {
  interface Window {
    __mesh?: MeshTestHook;
  }
}

/** Sets `window.__mesh` to the hook for `mesh`. Every value returned is a copy. */
export function installTestHook(mesh: Mesh): MeshTestHook {
  const hook: MeshTestHook = {
    id: mesh.id,
    ready: () => mesh.neighbors().length > 0,
    neighbors: () => mesh.neighbors(),
    known: () => mesh.knownPeers(),
    publish: (text) => mesh.publish(text),
    rumors: () => mesh.rumors(),
    arrival: (text, timeoutMs) => arrivalOf(mesh, text, timeoutMs),
    add: (delta) => mesh.counter.add(delta),
    counter: () => mesh.counter.value,
    setRegister: (value) => mesh.register.set(value),
    register: () => {
      const value = mesh.register.value;
      return value === null ? null : { ...value };
    },
    stats: () => mesh.stats(),
    aggregates: () => {
      const value = mesh.aggregates.estimate;
      return value === null ? null : { ...value };
    },
    setAggregateValue: (value) => mesh.aggregates.setValue(value),
    setMode: (mode) => mesh.setMode(mode),
    mode: () => mesh.mode,
    serverConnected: () => mesh.serverConnected,
    diagnostics: () => mesh.diagnostics(),
    createInvite: () => mesh.invite(),
    acceptInvite: (code) => mesh.acceptInvite(code),
    completeInvite: (code) => mesh.completeInvite(code),
  };
  Object.defineProperty(window, '__mesh', { value: hook, configurable: true, enumerable: false, writable: true });
  return hook;
}

function arrivalOf(mesh: Mesh, text: string, timeoutMs: number): Promise<number | null> {
  const known = mesh.rumors().find((r) => r.text === text);
  if (known !== undefined) return Promise.resolve(known.receivedAt);
  return new Promise((resolve) => {
    const done = (at: number | null): void => {
      clearTimeout(timer);
      unsubscribe();
      resolve(at);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    const unsubscribe = mesh.on('rumor', (rumor) => {
      if (rumor.text === text) done(rumor.receivedAt);
    });
  });
}

import type { MeshClient, MeshTestHook } from './contract.ts';

/**
 * Sets `window.__mesh` (its type is declared once, in contract.ts) to the hook for `client`.
 * Every value returned is a copy, so a test cannot reach into the client's state.
 */
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
    diagnostics: () => structuredClone(client.diagnostics()),
    createInvite: () => client.createInvite(),
    acceptInvite: (code) => client.acceptInvite(code),
    completeInvite: (code) => client.completeInvite(code),
  };
  Object.defineProperty(window, '__mesh', { value: hook, configurable: true, enumerable: false, writable: true });
  return hook;
}

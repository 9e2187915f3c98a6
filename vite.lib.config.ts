import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { nodePolyfills } from 'vite-plugin-node-polyfills';

/**
 * The browser entry `gossip-mesh` as one self-contained ES module (lib/browser/gossip-mesh.js).
 * Bundled, polyfills included, because simple-peer 9 needs Node's buffer/process/events/stream in
 * the page: an app that imports it needs no polyfill plugin of its own. Node entries are tsc's
 * (tsconfig.lib.json): Node needs no bundle, and their dependencies stay the app's to dedupe.
 */
export default defineConfig({
  plugins: [nodePolyfills({ include: ['buffer', 'process', 'events', 'stream', 'util'], globals: { Buffer: true, process: true, global: true } })],
  build: {
    outDir: resolve(import.meta.dirname, 'lib/browser'),
    emptyOutDir: true,
    sourcemap: true,
    lib: {
      entry: resolve(import.meta.dirname, 'client/src/lib/index.ts'),
      formats: ['es'],
      fileName: () => 'gossip-mesh.js',
    },
  },
});

import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import { nodePolyfills } from 'vite-plugin-node-polyfills';
import { serviceWorkerPlugin } from './client/src/offline/vite-plugin.ts';

const root = resolve(import.meta.dirname, 'client');

// The client is a multi-page app rooted at client/; the signaling server serves dist/.
export default defineConfig({
  root,
  // simple-peer 9 expects Node's buffer/process/events/stream in the browser; never in Node tests.
  plugins: process.env['VITEST']
    ? []
    : [nodePolyfills({ include: ['buffer', 'process', 'events', 'stream', 'util'], globals: { Buffer: true, process: true, global: true } }), serviceWorkerPlugin()],
  // Two of simple-peer's CommonJS dependencies read localStorage while the bundle is evaluated, only
  // to learn that their logging is off; the page bundles silent versions (client/src/transport).
  resolve: process.env['VITEST']
    ? {}
    : { alias: { debug: resolve(root, 'src/transport/silent-debug.cjs'), 'util-deprecate': resolve(root, 'src/transport/silent-deprecate.cjs') } },
  build: {
    outDir: resolve(import.meta.dirname, 'dist'),
    emptyOutDir: true,
    rollupOptions: {
      input: {
        main: resolve(root, 'index.html'),
        // The playground: the simulator in the page (client/src/playground).
        playground: resolve(root, 'playground.html'),
      },
    },
  },
  test: {
    root: import.meta.dirname,
    include: ['client/**/*.test.ts', 'signaling-server/**/*.test.ts', 'e2e/bench/**/*.test.ts'],
    testTimeout: 60_000,
  },
});

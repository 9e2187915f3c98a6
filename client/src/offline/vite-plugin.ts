import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { transformWithOxc, type Plugin } from 'vite';

/**
 * Emits `sw.js` at the root of the build: service-worker.ts as plain JavaScript plus one call
 * with a version derived from the build's contents and the build's file list, so the cache
 * follows the build exactly.
 */
export function serviceWorkerPlugin(): Plugin {
  return {
    name: 'gossip-mesh-service-worker',
    apply: 'build',
    // After Vite's own html plugin, so the pages are in the bundle too.
    generateBundle: { order: 'post', async handler(_options, bundle) {
      const files = Object.keys(bundle)
        .filter((file) => !file.endsWith('.map'))
        .sort();
      const hash = createHash('sha256');
      for (const file of files) {
        const output = bundle[file];
        if (output === undefined) continue;
        hash.update(file);
        hash.update(output.type === 'chunk' ? output.code : output.source);
      }
      const source = readFileSync(resolve(import.meta.dirname, 'service-worker.ts'), 'utf8');
      const { code } = await transformWithOxc(source, 'service-worker.ts', { lang: 'ts' });
      // A classic worker script: no module syntax.
      const script = code.replace(/^export /gm, '');
      const call = `installServiceWorker(self, ${JSON.stringify(hash.digest('hex').slice(0, 16))}, ${JSON.stringify(files)});\n`;
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: `${script}\n${call}` });
    } },
  };
}

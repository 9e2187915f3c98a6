// `npm run sim` runs the simulator as one esbuild bundle on plain node: no tsx loader, no
// keepNames (tsx's esbuild renames every closure, which costs memory per node at 10^5 and more).
// Usage: node client/src/sim/bundle.mjs [args for the CLI...]; the bundle is rebuilt each time (~0.2 s).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const outfile = path.resolve(here, '../../../node_modules/.cache/gossip-sim/cli.mjs');
await build({
  entryPoints: [path.join(here, 'cli.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile,
  sourcemap: 'linked',
  logLevel: 'warning',
});
const nodeArgs = (process.env.SIM_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
const result = spawnSync(process.execPath, [...nodeArgs, outfile, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);

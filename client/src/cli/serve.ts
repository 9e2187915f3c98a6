import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root: the nearest folder above this file with a package.json (source or built lib/). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('gossip-mesh: cannot find the package root');
    dir = up;
  }
  return dir;
}

/**
 * `gossip-mesh serve [--port N] [--host H]`: the signaling server's own entry point
 * (signaling-server/src/main.ts: flags, env, shutdown), serving the package's built page (dist/).
 */
export async function runServe(argv: readonly string[]): Promise<void> {
  process.env['STATIC_DIR'] ??= join(packageRoot(), 'dist');
  process.argv = [process.argv[0] ?? 'node', 'gossip-mesh serve', ...argv];
  await import('../../../signaling-server/src/main.ts');
}

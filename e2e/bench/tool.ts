/**
 * What the browser measuring tools (join-timing, profile-idle, profile-opening) share: the client
 * build they serve, and how each starts (options parsed first, then itself again inside a
 * loopback-only network namespace where it can).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { reexecInNamespace, repoRoot } from '../scenario.ts';

/** Builds the client into `outDir` with vite (`minify`: false for readable profiles); throws with vite's output on failure. */
export function buildClient(outDir: string, minify = true): void {
  const vite = resolve(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js');
  const args = [vite, 'build', ...(minify ? [] : ['--minify', 'false']), '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'];
  const built = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`vite build failed:\n${built.stderr}`);
}

/**
 * Parses the command line (a string: what to print, usage or the problem, then exit 0 for the usage
 * and 2 otherwise), re-runs inside a fresh network namespace where it can, and runs `main`.
 */
export async function runTool<T>(tag: string, usage: string, parse: (argv: readonly string[]) => T | string, main: (options: T) => Promise<void>): Promise<void> {
  const parsed = parse(process.argv.slice(2));
  if (typeof parsed === 'string') {
    process.stderr.write(`${parsed}\n`);
    process.exit(parsed === usage ? 0 : 2);
  }
  const code = reexecInNamespace(tag, true);
  if (code !== null) process.exit(await code);
  await main(parsed);
}

/**
 * After `tsc -p tsconfig.lib.json`: the emitted library still names the signaling protocol by its
 * package-internal path (`#signaling/protocol`, package.json "imports"), which in this repository
 * points at the TypeScript source. A packed copy has no source, so each emitted file gets the
 * relative path to the emitted protocol module instead. Run by `npm run build:lib`.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const libRoot = resolve(import.meta.dirname, '../../../lib');
const target = join(libRoot, 'signaling-server/src/protocol.js');
const specifier = /(['"])#signaling\/protocol\1/g;

function* emitted(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'browser') yield* emitted(path);
    } else if (name.endsWith('.js') || name.endsWith('.d.ts')) yield path;
  }
}

let rewritten = 0;
for (const file of emitted(libRoot)) {
  const text = readFileSync(file, 'utf8');
  if (!specifier.test(text)) continue;
  specifier.lastIndex = 0;
  const path = relative(dirname(file), target).replaceAll('\\', '/');
  writeFileSync(file, text.replace(specifier, (_m, quote: string) => `${quote}${path.startsWith('.') ? path : `./${path}`}${quote}`));
  rewritten++;
}
process.stdout.write(`rewrite-package-imports: ${rewritten} files point at ${relative(libRoot, target)}\n`);

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../core/options.ts';
import { MAX_PAYLOAD_BYTES, MAX_REGISTER_BYTES } from '../core/wire.ts';
import { DEFAULT_JOIN_TIMEOUT_MS } from '../mesh/start.ts';
import { MESH_ERROR_CODES } from './errors.ts';
import { EVENT_NAMES } from './mesh.ts';
import { LIB_KEYS } from './options.ts';

/**
 * README "Use it in your app" against the code: the options table's names and defaults, the
 * events, the error codes, the size limits. (The snippets themselves are compiled against the
 * packed package by e2e/consumer.spec.ts.)
 */
const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const start = readme.indexOf('## Use it in your app');
const section = readme.slice(start, readme.indexOf('\n## ', start + 1));

/** The cells of the table whose header row starts with `| first |`. */
function table(first: string): string[][] {
  const lines = section.split('\n');
  const head = lines.findIndex((line) => line.startsWith(`| ${first} |`));
  expect(head, `a table headed "${first}"`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(head + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(1, -1).split(' | ').map((cell) => cell.trim()));
  }
  return rows;
}

const names = (cell: string): string[] => [...cell.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1] ?? '');

describe('README "Use it in your app"', () => {
  const options = table('option');
  // iceServers and signed have no literal default (the server's list; signed unless a peerId is chosen).
  const defaults: Record<string, unknown> = { ...DEFAULT_OPTIONS, joinTimeoutMs: DEFAULT_JOIN_TIMEOUT_MS };

  it('lists every joinMesh option of its own and only real options', () => {
    const listed = options.flatMap(([name = '']) => names(name));
    expect(listed).toEqual(expect.arrayContaining([...LIB_KEYS]));
    for (const name of listed) expect([...LIB_KEYS, ...Object.keys(DEFAULT_OPTIONS)], name).toContain(name);
  });

  it('gives the defaults the code has', () => {
    let checked = 0;
    for (const [name = '', shown = ''] of options) {
      const keys = names(name);
      const values = shown.split(' / ').map((v) => v.replaceAll('`', '').trim());
      // A row of several options with one "see ..." default documents them elsewhere.
      if (values.length !== keys.length) continue;
      keys.forEach((key, i) => {
        if (!(key in defaults)) return;
        expect(values[i], key).toBe(JSON.stringify(defaults[key]).replaceAll('"', ''));
        checked++;
      });
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it('names every event, with its payload', () => {
    expect(table('event').map(([name = '']) => names(name)[0])).toEqual([...EVENT_NAMES]);
  });

  it('names every error code and the size limits', () => {
    for (const code of MESH_ERROR_CODES) expect(section).toContain(`\`${code}\``);
    expect(section).toContain(`up to ${MAX_PAYLOAD_BYTES} bytes`);
    expect(section).toContain(`up to ${MAX_REGISTER_BYTES} bytes`);
  });
});

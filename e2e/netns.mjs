// Shared by e2e/run.mjs (the end-to-end tests) and the benchmarks (e2e/bench/main.ts, e2e/scenario.ts):
// finding the browsers, and running a command inside a fresh loopback-only network namespace.
// Plain JavaScript so that run.mjs needs no TypeScript loader; types in netns.d.mts.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export const log = (line) => process.stderr.write(`[e2e] ${line}\n`);

export function isExecutable(path) {
  if (!path) return false;
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false; // missing or not executable: not a candidate
  }
}

function onPath(command) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, command))) return join(dir, command);
  }
  return null;
}

async function playwrightChromium() {
  for (const specifier of ['playwright-core', '@playwright/test']) {
    try {
      const mod = await import(specifier);
      const chromium = mod.chromium ?? mod.default?.chromium;
      const path = chromium?.executablePath();
      if (isExecutable(path)) return path;
    } catch (error) {
      log(`(could not ask ${specifier} for its chromium: ${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
    }
  }
  return null;
}

/** Chromium: $CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser, Playwright's own; or null. */
export async function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (isExecutable(fromEnv)) return { path: fromEnv, from: 'CHROMIUM_PATH' };
    log(`CHROMIUM_PATH=${fromEnv} is not an executable file; looking elsewhere`);
  }
  for (const path of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (isExecutable(path)) return { path, from: 'system' };
  }
  const own = await playwrightChromium();
  return own ? { path: own, from: "Playwright's installed browsers" } : null;
}

/** Firefox: $FIREFOX_PATH, /usr/bin/firefox-esr, /usr/bin/firefox; or null. */
export function findFirefox() {
  const fromEnv = process.env.FIREFOX_PATH;
  if (fromEnv) {
    if (isExecutable(fromEnv)) return { path: fromEnv, from: 'FIREFOX_PATH' };
    log(`FIREFOX_PATH=${fromEnv} is not an executable file; looking elsewhere`);
  }
  for (const path of ['/usr/bin/firefox-esr', '/usr/bin/firefox']) {
    if (isExecutable(path)) return { path, from: 'system' };
  }
  return null;
}

/** What to tell a user who has no Chromium. */
export const INSTALL_CHROMIUM_HINT = [
  'No Chromium found. Either:',
  '  - on Debian/Ubuntu:  apt-get install chromium firefox-esr',
  "  - or Playwright's:   npx playwright install chromium firefox",
  '  - or point CHROMIUM_PATH (and FIREFOX_PATH) at an installed browser.',
];

/** Why we cannot use a loopback-only namespace here, or null if we can. E2E_NETNS=0 forces "cannot". */
export function namespaceUnavailable() {
  if (process.env.E2E_NETNS === '0') return 'E2E_NETNS=0';
  if (process.platform !== 'linux') return `platform is ${process.platform}`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not running as root';
  if (!onPath('unshare')) return '`unshare` not found (util-linux)';
  if (!onPath('ip')) return '`ip` not found (iproute2)';
  const probe = spawnSync('unshare', ['-n', '--', 'ip', 'link', 'set', 'lo', 'up'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    const why = probe.error ? probe.error.message : (probe.stderr || `exit ${probe.status}`).trim();
    return `\`unshare -n\` does not work here: ${why}`;
  }
  return null;
}

/** Exit code of the namespace shell when setting up lo or its route failed. */
export const NETNS_SETUP_FAILED = 97;

// The shell that sets up the namespace: lo up, IPv4 and IPv6 default routes via lo (Firefox needs
// a default route), then exec the command. The IPv6 route is best effort (IPv6 may be disabled).
const NETNS_SETUP =
  `ip link set lo up && ip route add default dev lo src 127.0.0.1 || exit ${NETNS_SETUP_FAILED}; ` +
  'ip -6 route add default dev lo src ::1 2>/dev/null; exec "$@"';

/**
 * `command` (file and arguments) wrapped to run inside a fresh loopback-only network namespace.
 * unshare and sh exec, so the spawned process's pid is the command's own.
 */
export function inLoopbackNamespace(command) {
  return ['unshare', '-n', '--', 'sh', '-c', NETNS_SETUP, 'sh', ...command];
}

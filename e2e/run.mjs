#!/usr/bin/env node
// Runs the Playwright end-to-end tests (what `npm run test:e2e` runs after `vite build`).
//
// 1. Finds the browsers:
//    Chromium: $CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser, Playwright's own.
//    Firefox:  $FIREFOX_PATH, /usr/bin/firefox-esr, /usr/bin/firefox.
//    No Chromium: says what to install and exits 1. No Firefox: warns, Chromium project only.
//    The paths go to playwright.config.ts as E2E_CHROMIUM_PATH / E2E_FIREFOX_PATH.
// 2. On Linux as root, with `unshare` and `ip` on PATH and a working `unshare -n`, runs
//    `playwright test <args>` inside a fresh network namespace that has only loopback (lo up,
//    default routes via lo) so that no WebRTC packet can leave the machine; E2E_NETNS=1 tells the
//    tests. Anywhere else it runs plainly. E2E_NETNS=0 forces plain.
// 3. Exits with Playwright's exit code. Extra arguments are passed to `playwright test`.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const log = (line) => process.stderr.write(`[e2e] ${line}\n`);

function isExecutable(path) {
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

async function findChromium() {
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

function findFirefox() {
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

/** Why we cannot use a loopback-only namespace here, or null if we can. */
function namespaceUnavailable() {
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

// The shell that sets up the namespace: lo up, IPv4 and IPv6 default routes via lo (Firefox needs
// a default route), then exec the command. The IPv6 route is best effort (IPv6 may be disabled).
const NETNS_SETUP =
  'ip link set lo up && ip route add default dev lo src 127.0.0.1 || exit 97; ' +
  'ip -6 route add default dev lo src ::1 2>/dev/null; exec "$@"';

async function main() {
  const chromium = await findChromium();
  if (!chromium) {
    log('No Chromium found. The end-to-end tests need one. Either:');
    log('  - on Debian/Ubuntu:  apt-get install chromium firefox-esr');
    log('  - or Playwright\'s:   npx playwright install chromium firefox');
    log('  - or point CHROMIUM_PATH (and FIREFOX_PATH) at an installed browser.');
    process.exit(1);
  }
  const firefox = findFirefox();
  const env = { ...process.env, E2E_CHROMIUM_PATH: chromium.path };
  log(`chromium: ${chromium.path} (${chromium.from})`);
  if (firefox) {
    env.E2E_FIREFOX_PATH = firefox.path;
    log(`firefox:  ${firefox.path} (${firefox.from})`);
  } else {
    delete env.E2E_FIREFOX_PATH;
    log('WARNING: no Firefox found ($FIREFOX_PATH, /usr/bin/firefox-esr, /usr/bin/firefox): running the chromium project only.');
    log('         Install it with `apt-get install firefox-esr` (Debian) or set FIREFOX_PATH.');
  }

  const cli = require.resolve('@playwright/test/cli');
  const playwright = [process.execPath, cli, 'test', ...process.argv.slice(2)];

  let command;
  const reason = namespaceUnavailable();
  if (reason === null) {
    env.E2E_NETNS = '1';
    command = ['unshare', '-n', '--', 'sh', '-c', NETNS_SETUP, 'sh', ...playwright];
    log('network: fresh loopback-only namespace (unshare -n; lo up; default routes via lo)');
  } else {
    env.E2E_NETNS = '0';
    command = playwright;
    log(`network: host network, no namespace (${reason})`);
  }
  log(`running: playwright test ${process.argv.slice(2).join(' ')}`.trimEnd());

  const [file, ...args] = command;
  const child = spawn(file, args, { cwd: repoRoot, env, stdio: 'inherit' });
  // unshare and sh exec, so child.pid is Playwright itself: forward the usual stop signals.
  const forward = (signal) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward(signal));

  child.on('error', (error) => {
    log(`could not start ${file}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      log(`playwright ended by ${signal}`);
      const numbers = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
      process.exit(128 + (numbers[signal] ?? 1));
    }
    if (code === 97 && reason === null) log('setting up the loopback-only namespace failed');
    process.exit(code ?? 1);
  });
}

await main();

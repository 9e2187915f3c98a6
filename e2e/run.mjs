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
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  findChromium,
  findFirefox,
  inLoopbackNamespace,
  INSTALL_CHROMIUM_HINT,
  log,
  namespaceUnavailable,
  NETNS_SETUP_FAILED,
} from './netns.mjs';

const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);

async function main() {
  const chromium = await findChromium();
  if (!chromium) {
    log('The end-to-end tests need a Chromium.');
    for (const line of INSTALL_CHROMIUM_HINT) log(line);
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
    command = inLoopbackNamespace(playwright);
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
    if (code === NETNS_SETUP_FAILED && reason === null) log('setting up the loopback-only namespace failed');
    process.exit(code ?? 1);
  });
}

await main();

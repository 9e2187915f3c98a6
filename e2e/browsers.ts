/**
 * Launch and context options for the browsers the end-to-end tests use, in one place so that
 * playwright.config.ts and specs that launch a second browser themselves (cross-browser*.spec.ts)
 * agree. The facts behind them are in the project's RECIPE notes:
 *
 * - Chromium gathers no ICE candidates on a loopback-only host unless BOTH
 *   `--allow-loopback-in-peer-connection` is passed AND the context is granted `microphone`.
 * - Never pass our own `--disable-features`: Playwright passes one and a second overrides it.
 * - Firefox runs through Playwright's WebDriver BiDi channel (`moz-firefox`) with two prefs that
 *   let ICE use loopback and stop it from hiding host addresses behind mDNS names.
 *
 * e2e/run.mjs finds the executables and hands them over in E2E_CHROMIUM_PATH / E2E_FIREFOX_PATH.
 * When they are unset (e.g. `npx playwright test --list` run directly) Playwright's defaults apply.
 */
import type { BrowserContextOptions, LaunchOptions } from '@playwright/test';

export type BrowserKind = 'chromium' | 'firefox';

function envPath(name: string): string | undefined {
  const value = process.env[name];
  return value !== undefined && value.trim() !== '' ? value : undefined;
}

/** Chromium executable chosen by e2e/run.mjs, or undefined for Playwright's default. */
export const chromiumPath: string | undefined = envPath('E2E_CHROMIUM_PATH');
/** Firefox executable chosen by e2e/run.mjs; undefined means "no Firefox: skip its project". */
export const firefoxPath: string | undefined = envPath('E2E_FIREFOX_PATH');
/** True when e2e/run.mjs started us inside a loopback-only network namespace. */
export const inLoopbackNamespace: boolean = process.env['E2E_NETNS'] === '1';

export const chromiumArgs: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--allow-loopback-in-peer-connection',
];

export const chromiumLaunchOptions: LaunchOptions = {
  args: [...chromiumArgs],
  ...(chromiumPath !== undefined ? { executablePath: chromiumPath } : {}),
};

/** Context options every Chromium context that does WebRTC needs (see the header). */
export const chromiumContextOptions: BrowserContextOptions = {
  permissions: ['microphone'],
};

export const firefoxUserPrefs: Readonly<Record<string, boolean>> = {
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
};

/** The Playwright channel for Firefox over WebDriver BiDi. */
export const firefoxChannel = 'moz-firefox';

export const firefoxLaunchOptions: LaunchOptions = {
  channel: firefoxChannel,
  firefoxUserPrefs: { ...firefoxUserPrefs },
  ...(firefoxPath !== undefined ? { executablePath: firefoxPath } : {}),
};

export const firefoxContextOptions: BrowserContextOptions = {};

export function launchOptionsFor(kind: BrowserKind): LaunchOptions {
  return kind === 'chromium' ? chromiumLaunchOptions : firefoxLaunchOptions;
}

export function contextOptionsFor(kind: BrowserKind): BrowserContextOptions {
  return kind === 'chromium' ? chromiumContextOptions : firefoxContextOptions;
}

/**
 * Playwright configuration for the end-to-end tests. Run them through `npm run test:e2e`
 * (vite build, then e2e/run.mjs): the runner finds the browsers, passes them in
 * E2E_CHROMIUM_PATH / E2E_FIREFOX_PATH and, where it can (Linux, root), runs everything inside a
 * loopback-only network namespace. Running `npx playwright test` directly also works; the
 * config then falls back to Playwright's own browsers and leaves the firefox project out.
 *
 * Projects:
 * - chromium: every e2e/*.spec.ts except cross-browser*.spec.ts.
 * - firefox (only when E2E_FIREFOX_PATH is set): only cross-browser*.spec.ts; such a spec gets
 *   Firefox as its `browser` and launches Chromium itself (see e2e/browsers.ts).
 */
import { defineConfig, type Project } from '@playwright/test';
import {
  chromiumContextOptions,
  chromiumLaunchOptions,
  firefoxChannel,
  firefoxContextOptions,
  firefoxLaunchOptions,
  firefoxPath,
} from './e2e/browsers.ts';

const crossBrowserSpec = /(^|[\\/])cross-browser[^\\/]*\.spec\.ts$/;

const projects: Project[] = [
  {
    name: 'chromium',
    testIgnore: crossBrowserSpec,
    use: {
      browserName: 'chromium',
      launchOptions: chromiumLaunchOptions,
      ...chromiumContextOptions,
    },
  },
];

if (firefoxPath !== undefined) {
  projects.push({
    name: 'firefox',
    testMatch: crossBrowserSpec,
    use: {
      browserName: 'firefox',
      channel: firefoxChannel,
      launchOptions: firefoxLaunchOptions,
      ...firefoxContextOptions,
    },
  });
}

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  // Two cores and many tabs per test: one test at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false',
  reporter: [['list']],
  timeout: 120_000,
  expect: { timeout: 10_000 },
  use: {
    headless: true,
    // Traces of tests with dozens of tabs are heavy; opt in with E2E_TRACE=1.
    trace: process.env['E2E_TRACE'] === '1' ? 'retain-on-failure' : 'off',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
  },
  projects,
});

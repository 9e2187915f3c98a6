/**
 * Sign and verify cost per message in a Chromium tab beside Node, median µs over 5 runs of 200:
 *
 *   flock /work/heavy.lock npx tsx e2e/bench/identity-tab.ts
 *
 * The measuring code (client/src/identity/bench-measure.ts) is bundled by Vite into one script and
 * run in a page served by Playwright itself (a localhost URL, so WebCrypto is there; no network).
 */
import { chromium } from '@playwright/test';
import { build, type Rollup } from 'vite';
import { describeFigures, measureSigning, type SigningFigures } from '../../client/src/identity/bench-measure.ts';
import { contextOptionsFor, launchOptionsFor } from '../browsers.ts';
import { findChromium, INSTALL_CHROMIUM_HINT } from '../netns.mjs';

const RUNS = 5;
const PER_RUN = 200;

async function bundle(): Promise<string> {
  const output = await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      write: false,
      minify: false,
      lib: { entry: new URL('../../client/src/identity/bench-measure.ts', import.meta.url).pathname, formats: ['iife'], name: 'signingBench' },
    },
  });
  const first = (Array.isArray(output) ? output[0] : output) as Rollup.RollupOutput;
  const chunk = first.output.find((item): item is Rollup.OutputChunk => item.type === 'chunk');
  if (chunk === undefined) throw new Error('vite built no chunk');
  return chunk.code;
}

declare global {
  interface Window {
    signingBench?: { measureSigning: typeof measureSigning };
  }
}

const script = await bundle();
const found = await findChromium();
if (found === null) throw new Error(INSTALL_CHROMIUM_HINT.join('\n'));
const browser = await chromium.launch({ ...launchOptionsFor('chromium'), executablePath: found.path });
try {
  const context = await browser.newContext(contextOptionsFor('chromium'));
  await context.route('http://localhost/bench', (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html><script>${script}</script>` }));
  const page = await context.newPage();
  await page.goto('http://localhost/bench');
  const tab = await page.evaluate(([runs, perRun]) => {
    const bench = window.signingBench;
    if (bench === undefined) throw new Error('the bench script did not load');
    return bench.measureSigning(runs, perRun);
  }, [RUNS, PER_RUN] as const);
  const node: SigningFigures = await measureSigning(RUNS, PER_RUN);
  console.log(`Chromium ${browser.version()}, Node ${process.version}`);
  for (const line of [...describeFigures('tab', tab), ...describeFigures('node', node)]) console.log(line);
} finally {
  await browser.close();
}

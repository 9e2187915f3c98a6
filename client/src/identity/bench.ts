/**
 * Sign and verify cost per message in Node, median µs over several runs:
 * `npx tsx client/src/identity/bench.ts`. The same figures in a Chromium tab, beside these:
 * `npx tsx e2e/bench/identity-tab.ts`.
 */
import { describeFigures, measureSigning } from './bench-measure.ts';

export const RUNS = 5;
export const PER_RUN = 200;

const figures = await measureSigning(RUNS, PER_RUN);
for (const line of describeFigures('node', figures)) console.log(line);

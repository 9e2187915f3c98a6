import type { PlaygroundConfig } from './config.ts';
import type { PlaygroundSummary } from './model.ts';

/**
 * The playground page's test hook, `window.__playground`, so that a Playwright test drives the page
 * and reads its results without scraping the DOM. Everything it returns is plain data.
 *
 *   await page.evaluate(() => window.__playground!.configure({ nodes: 200, mode: 'push' }));
 *   const summary = await page.evaluate(() => window.__playground!.runToCompletion());
 *   const drawn = await page.evaluate(() => window.__playground!.chart());
 */
export interface PlaygroundHook {
  /** The settings in force. */
  config(): PlaygroundConfig;
  /**
   * Applies settings over the current ones (the page's controls and URL follow), rebuilds the
   * network and both runs at time 0, and pauses. Throws a RangeError naming bad fields.
   */
  configure(settings: Partial<PlaygroundConfig>): PlaygroundConfig;
  /** Runs both runs to the end at once (no animation), redraws, and returns the summary. */
  runToCompletion(): PlaygroundSummary;
  /** The model's summary as of the current virtual time. */
  summary(): PlaygroundSummary;
  /** What the chart last drew: the final point of each line. */
  chart(): ChartSnapshot;
  play(): void;
  pause(): void;
  /** Advances one gossip period. */
  step(): void;
  /** Back to time 0 on the same settings. */
  reset(): void;
  state(): PlaygroundState;
}

export interface PlaygroundState {
  /** Shared virtual clock, ms. */
  nowMs: number;
  playing: boolean;
  /** Both runs finished. */
  done: boolean;
  /** Nodes drawn one by one in each pane (0 when the network is shown as a grid of cells). */
  drawnNodes: number;
}

/** One line of the chart: its last point, [virtual ms, informed fraction], and how many points it had. */
export interface ChartLine {
  end: readonly [number, number];
  points: number;
}

export interface ChartSnapshot {
  naive: ChartLine;
  gossip: ChartLine;
  theoryGossip: ChartLine;
  theoryNaive: ChartLine;
  /** Right end of the time axis, ms. */
  xMaxMs: number;
}

declare global {
  interface Window {
    __playground?: PlaygroundHook;
  }
}

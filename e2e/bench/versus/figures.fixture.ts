/** Test data: one repetition's figures, with what a test changes. Used by figures.test.ts and report.test.ts. */
import type { RepetitionFigures } from './figures.ts';
import type { SystemName } from './systems.ts';

export function rep(system: SystemName, tabs: number, repetition: number, over: Partial<RepetitionFigures> = {}): RepetitionFigures {
  return {
    system,
    tabs,
    repetition,
    updateToEveryTabMs: [100, 200, 300],
    updates: 3,
    updatesComplete: 3,
    messagesPerUpdate: 100,
    idleMessagesPerSecond: 50,
    idleCpuPercent: 40,
    idleCpuByKind: { browser: 10, renderer: 30 },
    links: [3, 4, 5],
    openToAllLinkedMs: 10_000,
    tabsUnlinked: 0,
    navigationToFirstLinkMs: [1000, 2000],
    settledMs: 12_000,
    browserPssMB: 500,
    loadAverage: { start: 1, end: 1 },
    chromiumVersion: '1.0',
    durationMs: 60_000,
    ...over,
  };
}

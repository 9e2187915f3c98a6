/**
 * Gossip aggregates in real tabs (issue 5): 12 tabs, each holding a different value, agree with no
 * coordinator on the number of live peers (12, within rounding) and on the average, minimum and
 * maximum of their values. Push-sum runs in epochs (10 s by default), so a value set now counts
 * from the next epoch on; the wait is bounded by a few epochs.
 */
import { DEFAULT_OPTIONS } from '../client/src/core/options.ts';
import { test, expect, hook, waitForAll, waitForMeshReady } from './fixtures.ts';

const TABS = 12;
const EPOCHS_TO_WAIT = 4;

test.describe.configure({ timeout: 180_000 });

test('12 tabs agree on the network size and on the average, min and max of their values', async ({ openTabs }) => {
  const tabs = await openTabs(TABS);
  await waitForMeshReady(tabs, 60_000);
  // Values 1..12: average 6.5, min 1, max 12.
  await Promise.all(tabs.map((tab, i) => hook(tab).setAggregateValue(i + 1)));
  const expected = { size: TABS, average: 6.5, min: 1, max: TABS };

  await waitForAll(
    tabs,
    (want) => {
      const estimate = window.__mesh?.aggregates();
      if (estimate === null || estimate === undefined) return false;
      return (
        Math.round(estimate.size) === want.size &&
        Math.abs(estimate.average - want.average) <= want.average * 0.01 &&
        estimate.min === want.min &&
        estimate.max === want.max
      );
    },
    { what: `aggregates = ${JSON.stringify(expected)} (size rounded, average within 1%)`, arg: expected, timeoutMs: EPOCHS_TO_WAIT * DEFAULT_OPTIONS.epochMs + 30_000 },
  );
  const estimates = await Promise.all(tabs.map((tab) => hook(tab).aggregates()));
  for (const estimate of estimates) {
    expect(estimate).not.toBeNull();
    expect(Math.round(estimate?.size ?? 0)).toBe(TABS);
  }
});

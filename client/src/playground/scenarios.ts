import { DEFAULT_CONFIG, type PlaygroundConfig } from './config.ts';

/**
 * Ready-made settings that show the three regimes, offered as buttons on the page and asserted by
 * the unit and end-to-end tests (a fixed seed makes each outcome deterministic, not a timing).
 */
export interface Scenario {
  id: 'fast-links' | 'slow-uplinks' | 'origin-crash';
  label: string;
  /** What the learner should see. */
  explanation: string;
  config: PlaygroundConfig;
}

const base: PlaygroundConfig = { ...DEFAULT_CONFIG, seed: 7, nodes: 300, degree: 5, mode: 'push-pull', periodMs: 250, latencyMs: 50, loss: 0 };

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'fast-links',
    label: 'Fast uplinks: naive wins',
    explanation:
      'At 10,000 B/ms (80 Mbit/s) the origin pushes all 299 copies out in under 10 ms, so everyone has the rumor about one latency later. Gossip needs several rounds.',
    config: { ...base, throughputBytesPerMs: 10_000 },
  },
  {
    id: 'slow-uplinks',
    label: 'Slow uplinks: gossip wins',
    explanation:
      'At 4 B/ms (32 kbit/s) each copy takes the origin about 80 ms to send, and it has 299 of them. Gossip shares the work: every informed node sends a little.',
    config: { ...base, throughputBytesPerMs: 4 },
  },
  {
    id: 'origin-crash',
    label: 'Origin crashes a quarter of the way',
    explanation:
      'The origin dies after sending a quarter of its copies: naive broadcast stops there for good. Gossip had already handed the rumor on, and the others finish the job.',
    config: { ...base, throughputBytesPerMs: 20, crashOrigin: true, crashAtFraction: 0.25 },
  },
];

export function scenario(id: Scenario['id']): Scenario {
  const found = SCENARIOS.find((s) => s.id === id);
  if (found === undefined) throw new RangeError(`no scenario ${id}`);
  return found;
}

import { describe, expect, it } from 'vitest';
import { seededRandom } from '../core/env.ts';
import { Network, validateNetwork, DEFAULT_NETWORK, type NetworkConfig } from './network.ts';

const [a, b, c, d] = [0, 1, 2, 3];

function net(config: Partial<NetworkConfig>, seed = 1): Network {
  return new Network(config, seededRandom(seed));
}

describe('Network latency', () => {
  it('constant latency: a message arrives exactly that much later', () => {
    const network = net({ latency: { kind: 'constant', ms: 40 } });
    expect(network.transmit(a, b, 100, 1000)).toBe(1040);
    expect(network.transmit(b, a, 100, 1000)).toBe(1040);
  });

  it('uniform latency: drawn per link within [min, max], the same both ways and for every message', () => {
    const network = net({ latency: { kind: 'uniform', minMs: 10, maxMs: 100 } });
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const from = 10 + i;
      const latency = network.latencyOf(from, a);
      expect(latency).toBeGreaterThanOrEqual(10);
      expect(latency).toBeLessThanOrEqual(100);
      expect(network.latencyOf(a, from)).toBe(latency);
      expect(network.transmit(from, a, 0, 0)).toBe(latency);
      expect(network.transmit(from, a, 0, 500)).toBe(500 + latency);
      seen.add(latency);
    }
    expect(seen.size).toBe(200);
    const values = [...seen];
    expect(Math.min(...values)).toBeLessThan(20);
    expect(Math.max(...values)).toBeGreaterThan(90);
  });

  it('normal latency: centred on the mean, never below the floor', () => {
    const network = net({ latency: { kind: 'normal', meanMs: 50, sdMs: 20, minMs: 5 } });
    const values: number[] = [];
    for (let i = 0; i < 5000; i++) values.push(network.latencyOf(10 + i, a));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    expect(mean).toBeGreaterThan(48);
    expect(mean).toBeLessThan(52);
    expect(sd).toBeGreaterThan(18);
    expect(sd).toBeLessThan(22);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(5);
  });

  it('a forgotten link draws a new latency when used again', () => {
    const network = net({ latency: { kind: 'uniform', minMs: 0, maxMs: 1000 } });
    const first = network.latencyOf(a, b);
    network.forget(b, a);
    expect(network.laneCount).toBe(0);
    expect(network.latencyOf(a, b)).not.toBe(first);
  });

  it('jitter delays messages but keeps them in order on a link (FIFO)', () => {
    const network = net({ latency: { kind: 'constant', ms: 10 }, jitterMs: 50 });
    let last = -Infinity;
    let delayed = 0;
    for (let t = 0; t < 100; t++) {
      const arrival = network.transmit(a, b, 0, t) as number;
      expect(arrival).toBeGreaterThanOrEqual(t + 10);
      expect(arrival).toBeGreaterThanOrEqual(last);
      if (arrival > t + 10) delayed++;
      last = arrival;
    }
    expect(delayed).toBeGreaterThan(50);
  });
});

describe('Network loss', () => {
  it('drops about the configured fraction, deterministically for a seed', () => {
    const run = (seed: number) => {
      const network = net({ latency: { kind: 'constant', ms: 1 }, loss: 0.1 }, seed);
      const outcomes: Array<number | string> = [];
      for (let i = 0; i < 20_000; i++) outcomes.push(network.transmit(a, b, 0, i));
      return { outcomes, network };
    };
    const { outcomes, network } = run(3);
    const lost = outcomes.filter((o) => o === 'loss').length;
    expect(lost).toBe(network.drops.loss);
    expect(lost / outcomes.length).toBeGreaterThan(0.09);
    expect(lost / outcomes.length).toBeLessThan(0.11);
    expect(network.delivered).toBe(outcomes.length - lost);
    expect(run(3).outcomes).toEqual(outcomes);
    expect(run(4).outcomes).not.toEqual(outcomes);
  });

  it('loss 0 never drops, loss 1 always drops', () => {
    const none = net({ loss: 0 });
    const all = net({ loss: 1 });
    for (let i = 0; i < 1000; i++) {
      expect(typeof none.transmit(a, b, 0, i)).toBe('number');
      expect(all.transmit(a, b, 0, i)).toBe('loss');
    }
  });
});

describe('Network bandwidth', () => {
  it('adds the serialization delay bytes / bandwidth', () => {
    const network = net({ latency: { kind: 'constant', ms: 20 }, bandwidthBytesPerMs: 10 });
    expect(network.transmit(a, b, 1000, 0)).toBe(100 + 20);
  });

  it('queues messages on a busy link behind the ones sent before', () => {
    const network = net({ latency: { kind: 'constant', ms: 20 }, bandwidthBytesPerMs: 10 });
    expect(network.transmit(a, b, 1000, 0)).toBe(120); // serialized 0..100
    expect(network.transmit(a, b, 500, 10)).toBe(170); // waits until 100, serialized 100..150
    expect(network.transmit(a, b, 100, 20)).toBe(180); // waits until 150, 150..160
    // The other direction and other links have their own queues.
    expect(network.transmit(b, a, 1000, 0)).toBe(120);
    expect(network.transmit(a, c, 1000, 0)).toBe(120);
    // After the queue has drained, no waiting.
    expect(network.transmit(a, b, 100, 1000)).toBe(1030);
  });

  it('a lost message still used the bandwidth', () => {
    // Scripted random: the first message is lost (0.1 < 0.5), the second is not (0.9).
    const draws = [0.1, 0.9];
    const network = new Network({ latency: { kind: 'constant', ms: 0 }, bandwidthBytesPerMs: 1, loss: 0.5 }, () => draws.shift() ?? 0.9);
    expect(network.transmit(a, b, 100, 0)).toBe('loss');
    expect(network.transmit(a, b, 100, 0)).toBe(200);
  });
});

describe('Network crash and partition', () => {
  it('a crashed node neither sends nor receives; restore brings it back', () => {
    const network = net({ latency: { kind: 'constant', ms: 5 } });
    network.crash(b);
    expect(network.isCrashed(b)).toBe(true);
    expect(network.transmit(a, b, 0, 0)).toBe('crashed');
    expect(network.transmit(b, a, 0, 0)).toBe('crashed');
    expect(network.reachable(a, b)).toBe(false);
    expect(network.transmit(a, c, 0, 0)).toBe(5);
    expect(network.drops.crashed).toBe(2);
    network.restore(b);
    expect(network.transmit(a, b, 0, 0)).toBe(5);
  });

  it('a partition blocks messages between groups only, and heal restores them', () => {
    const network = net({ latency: { kind: 'constant', ms: 5 } });
    network.partition([[a, b], [c]]);
    expect(network.transmit(a, b, 0, 0)).toBe(5);
    expect(network.transmit(a, c, 0, 0)).toBe('partition');
    expect(network.transmit(c, b, 0, 0)).toBe('partition');
    // d is unlisted: it is in the group of the rest, alone here.
    expect(network.transmit(d, a, 0, 0)).toBe('partition');
    expect(network.transmit(d, c, 0, 0)).toBe('partition');
    expect(network.reachable(a, c)).toBe(false);
    expect(network.drops.partition).toBe(4);
    network.heal();
    expect(network.transmit(a, c, 0, 100)).toBe(105);
    expect(network.transmit(c, b, 0, 100)).toBe(105);
    expect(network.transmit(d, a, 0, 100)).toBe(105);
    expect(network.reachable(a, c)).toBe(true);
  });
});

describe('Network config', () => {
  it('defaults', () => {
    expect(net({}).config).toEqual(DEFAULT_NETWORK);
  });

  it('rejects bad values with the field name', () => {
    const bad = (config: Partial<NetworkConfig>) => () => validateNetwork({ ...DEFAULT_NETWORK, ...config });
    expect(bad({ loss: 1.5 })).toThrow(/network\.loss/);
    expect(bad({ loss: Number.NaN })).toThrow(/network\.loss/);
    expect(bad({ jitterMs: -1 })).toThrow(/jitterMs/);
    expect(bad({ bandwidthBytesPerMs: 0 })).toThrow(/bandwidthBytesPerMs/);
    expect(bad({ latency: { kind: 'uniform', minMs: 50, maxMs: 10 } })).toThrow(/latency\.maxMs/);
    expect(bad({ latency: { kind: 'constant', ms: -3 } })).toThrow(/latency\.ms/);
    expect(() => net({ loss: -0.1 })).toThrow(RangeError);
  });
});

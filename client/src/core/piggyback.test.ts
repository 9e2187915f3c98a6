import { describe, expect, it } from 'vitest';
import { seededRandom } from './env.ts';
import { asPeerId } from './ids.ts';
import { GossipNode } from './node.ts';
import { TestNet } from './test-net.ts';
import type { Message } from './wire.ts';

/** What rides together: answers to one message, a probe in the beat, push-sum shares with other control traffic. */
const parts = (message: Message): Message[] => (message.t === 'batch' ? message.parts : [message]);

describe('piggybacking on an idle mesh', () => {
  it('answers to one message go back as one: pong, state and table replies in one batch', () => {
    let now = 0;
    const node = new GossipNode(asPeerId('me'), { now: () => now, random: seededRandom(3) }, { aggregatePeriodMs: 0 });
    const peer = asPeerId('you');
    node.connected(peer);
    node.drain();
    now = 10;
    node.receiveTrusted(peer, {
      t: 'batch',
      parts: [
        { t: 'ping', n: 7 },
        { t: 'state', counter: [], register: null, reply: true },
        { t: 'topology', entries: [], reply: true },
      ],
    });
    const sends = node.drain().actions.flatMap((a) => (a.type === 'send' && a.to === peer ? [a.message] : []));
    expect(sends).toHaveLength(1);
    expect(parts(sends[0] as Message).map((m) => m.t)).toEqual(['pong', 'state', 'topology']);
  });

  it('probes the beat partner inside the beat batch, and push-sum shares mostly ride with other traffic', () => {
    const net = new TestNet(4, { mode: 'tree', activeViewSize: 4, maxActiveViewSize: 6 });
    const names = Array.from({ length: 12 }, (_, i) => `n${i}`);
    names.forEach((name) => net.add(name));
    names.forEach((name, i) => {
      net.link(name, names[(i + 1) % names.length] as string);
      net.link(name, names[(i + 3) % names.length] as string);
    });
    net.run(30_000);
    const since = net.delivered.length;
    net.run(20_000);
    const sent = net.delivered.slice(since).map((d) => d.message);
    const batched = sent.filter((m) => m.t === 'batch').flatMap(parts);
    const pingsInBatches = batched.filter((m) => m.t === 'ping').length;
    const sharesAlone = sent.filter((m) => m.t === 'aggregate').length;
    const sharesRiding = batched.filter((m) => m.t === 'aggregate').length;
    expect(pingsInBatches).toBeGreaterThan(0);
    // Every share used to go as a message of its own; now a good part of them ride.
    expect(sharesRiding).toBeGreaterThan(sharesAlone / 2);
    // And the estimates are still right.
    for (const name of names) expect(net.node(name).aggregates()?.size ?? 0).toBeCloseTo(12, 0);
  });
});

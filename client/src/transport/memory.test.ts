import { describe, expect, it } from 'vitest';
import type { PeerId } from '../core/ids.ts';
import { parse, utf8Length, type Message } from '../core/wire.ts';
import { MemoryHub, MemoryTransport } from './memory.ts';

const a = 'a' as PeerId;
const b = 'b' as PeerId;
const c = 'c' as PeerId;
const ping: Message = { v: 1, t: 'ping', n: 7 };

describe('MemoryTransport', () => {
  it('opens, reports and closes bidirectional links', () => {
    const transport = new MemoryTransport();
    expect(transport.open(a, b)).toBe(true);
    expect(transport.open(b, a)).toBe(false);
    expect(transport.isOpen(a, b)).toBe(true);
    expect(transport.isOpen(b, a)).toBe(true);
    expect(transport.isOpen(a, c)).toBe(false);
    transport.open(a, c);
    expect(transport.neighbors(a).sort()).toEqual([b, c]);
    expect(transport.degree(a)).toBe(2);
    expect(transport.linkCount).toBe(2);
    expect(transport.close(b, a)).toBe(true);
    expect(transport.close(a, b)).toBe(false);
    expect(transport.isOpen(a, b)).toBe(false);
    expect(transport.neighbors(b)).toEqual([]);
    expect(transport.closeAll(a)).toEqual([c]);
    expect(transport.linkCount).toBe(0);
    expect(() => transport.open(a, a)).toThrow(RangeError);
  });

  it('object encoding hands the message over as is, which the core parses', () => {
    const transport = new MemoryTransport();
    transport.open(a, b);
    const packet = transport.send(a, b, ping);
    expect(packet).toMatchObject({ kind: 'packet', from: a, to: b, type: 'ping', bytes: 0 });
    expect(packet?.data).toBe(ping);
    expect(parse(packet?.data)).toEqual({ ok: true, message: ping });
    expect(transport.stats).toEqual({ packets: 1, bytes: 0, noLink: 0 });
  });

  it('json encoding carries the text and counts its bytes', () => {
    const transport = new MemoryTransport({ encoding: 'json' });
    transport.open(a, b);
    const message: Message = { v: 1, t: 'push', rumors: [{ origin: a, seq: 1, sentAt: 0, hops: 0, payload: 'héllo ✓' }], seen: [], wantFeedback: true };
    const packet = transport.send(a, b, message);
    expect(typeof packet?.data).toBe('string');
    expect(packet?.bytes).toBe(utf8Length(JSON.stringify(message)));
    expect(packet?.bytes).toBeGreaterThan((packet?.data as string).length); // multi-byte characters
    expect(parse(packet?.data)).toEqual({ ok: true, message });
    expect(transport.stats.bytes).toBe(packet?.bytes);
  });

  it('object encoding can measure bytes too', () => {
    const transport = new MemoryTransport({ measureBytes: true });
    transport.open(a, b);
    expect(transport.send(a, b, ping)?.bytes).toBe(JSON.stringify(ping).length);
  });

  it('refuses to send without an open link', () => {
    const transport = new MemoryTransport();
    expect(transport.send(a, b, ping)).toBeNull();
    transport.open(a, b);
    transport.close(a, b);
    expect(transport.send(a, b, ping)).toBeNull();
    expect(transport.stats.noLink).toBe(2);
  });
});

describe('MemoryHub', () => {
  it('runs GossipNodes: links on request, a rumor crosses a line of nodes', () => {
    const hub = new MemoryHub({ encoding: 'json' });
    const ids = ['n0', 'n1', 'n2', 'n3'] as PeerId[];
    const nodes = ids.map((id, i) => hub.createNode(id, i + 1, { mode: 'eager', shareTopology: false, activeViewSize: 2 }));
    // A line n0 - n1 - n2 - n3, opened directly.
    hub.link(ids[0] as PeerId, ids[1] as PeerId);
    hub.link(ids[1] as PeerId, ids[2] as PeerId);
    hub.link(ids[2] as PeerId, ids[3] as PeerId);
    expect(nodes[1]?.neighbors().sort()).toEqual([ids[0], ids[2]]);
    const rumor = nodes[0]?.publish('hello');
    hub.flush();
    for (const node of nodes) expect(node.rumorList().map((r) => r.payload)).toEqual(['hello']);
    const received = hub.events.get(ids[3] as PeerId)?.filter((e) => e.type === 'rumor') ?? [];
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ rumor: { origin: rumor?.origin, hops: 3 } });
    expect(hub.transport.stats.bytes).toBeGreaterThan(0);
  });

  it('opens the links a node asks for after an introduction, and tells both sides of an unlink', () => {
    const hub = new MemoryHub();
    const x = hub.createNode(a, 1, { shareTopology: false });
    const y = hub.createNode(b, 2, { shareTopology: false });
    x.introduce([b]);
    hub.tick(0);
    expect(hub.transport.isOpen(a, b)).toBe(true);
    expect(x.neighbors()).toEqual([b]);
    expect(y.neighbors()).toEqual([a]);
    x.add(5);
    hub.flush();
    expect(y.counterValue()).toBe(5);
    hub.unlink(a, b);
    expect(x.neighbors()).toEqual([]);
    expect(y.neighbors()).toEqual([]);
  });

  it('a connect to an unknown peer fails', () => {
    const hub = new MemoryHub();
    const x = hub.createNode(a, 1, { shareTopology: false });
    x.introduce([c]);
    hub.tick(0);
    expect(hub.transport.isOpen(a, c)).toBe(false);
    expect(x.known()).toEqual([]);
  });
});

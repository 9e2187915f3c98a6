import { io as connectClient } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { socketFactory } from './early-socket.ts';
import { JoinTimeline } from './join-timeline.ts';

describe('JoinTimeline', () => {
  it('keeps the first time of each step, and hands out a copy', () => {
    let now = 100;
    const timeline = new JoinTimeline(() => now);
    timeline.mark('started');
    now = 250;
    timeline.mark('started');
    timeline.mark('joined');
    timeline.mark('firstLink', 400);
    const record = timeline.record();
    expect(record).toEqual({ started: 100, joined: 250, firstLink: 400 });
    record.started = 0;
    expect(timeline.record().started).toBe(100);
    expect('targetDegree' in timeline.record()).toBe(false);
  });
});

describe('socketFactory: the socket opened while the key was made', () => {
  const url = 'http://127.0.0.1:9/';
  const settings = { servers: [url, 'http://127.0.0.1:10/'] };

  it('goes to the first connect to the first server, once', () => {
    const early = connectClient(url, { autoConnect: false });
    const factory = socketFactory(settings, early);
    expect(factory(url)).toBe(early);
    const second = factory(url);
    try {
      expect(second).not.toBe(early);
    } finally {
      second.close();
    }
  });

  it('is closed when the first connect goes elsewhere', () => {
    const early = connectClient(url, { reconnection: false });
    const other = socketFactory(settings, early)('http://127.0.0.1:10/');
    try {
      expect(other).not.toBe(early);
      expect(early.active).toBe(false);
    } finally {
      other.close();
    }
  });
});

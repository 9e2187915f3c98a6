import { describe, expect, it } from 'vitest';
import { MeshError } from './errors.ts';
import { parseMeshOptions } from './options.ts';

function refusal(options: unknown, signalingRequired = false): MeshError {
  try {
    parseMeshOptions(options, { signalingRequired });
  } catch (error: unknown) {
    if (error instanceof MeshError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('parseMeshOptions', () => {
  it('takes the room, the server and protocol options, with the core defaults for the rest', () => {
    const { settings, signaling } = parseMeshOptions(
      { signaling: 'http://127.0.0.1:8080/', room: 'lobby', mode: 'push-pull', fanout: 4, activeViewSize: 4, peerId: 'abc' },
      { signalingRequired: true },
    );
    expect(signaling).toBe('http://127.0.0.1:8080/');
    expect(settings).toMatchObject({ room: 'lobby', mode: 'push-pull', periodMs: 1000, fanout: 4, serverUrl: 'http://127.0.0.1:8080/', peerId: 'abc' });
    expect(settings.nodeOptions).toEqual({ activeViewSize: 4 });
  });

  it('passes signed on, and refuses signed: true beside a chosen peerId (a signed id is its key\'s)', () => {
    expect(parseMeshOptions({ room: 'r', signed: false }, { signalingRequired: false }).settings.signed).toBe(false);
    expect(parseMeshOptions({ room: 'r' }, { signalingRequired: false }).settings.signed).toBeUndefined();
    expect(refusal({ room: 'r', signed: true, peerId: 'abc' })).toMatchObject({ code: 'bad-option', option: 'peerId' });
    expect(refusal({ room: 'r', signed: 'yes' })).toMatchObject({ code: 'bad-option', option: 'signed' });
  });

  it('takes a list of signaling servers (tried in order) and the relay policy', () => {
    const urls = ['http://127.0.0.1:8080/', 'http://127.0.0.1:8081/'];
    const { settings, signaling } = parseMeshOptions({ room: 'r', signaling: urls, iceTransportPolicy: 'relay' }, { signalingRequired: true });
    expect(signaling).toBe(urls[0]);
    expect(settings).toMatchObject({ serverUrl: urls[0], servers: urls, iceTransportPolicy: 'relay' });
    expect(parseMeshOptions({ room: 'r', signaling: [urls[0]] }, { signalingRequired: true }).settings.servers).toBeUndefined();
    expect(refusal({ room: 'r', signaling: [] })).toMatchObject({ code: 'bad-option', option: 'signaling' });
    expect(refusal({ room: 'r', signaling: [urls[0], 'ftp://x'] })).toMatchObject({ code: 'bad-option', option: 'signaling' });
    expect(refusal({ room: 'r', iceTransportPolicy: 'direct' })).toMatchObject({ code: 'bad-option', option: 'iceTransportPolicy' });
  });

  it('names the option at fault', () => {
    expect(refusal({})).toMatchObject({ code: 'bad-option', option: 'room' });
    expect(refusal({ room: 'a b' })).toMatchObject({ code: 'bad-option', option: 'room' });
    expect(refusal({ room: 'r', signaling: 'ftp://x' })).toMatchObject({ code: 'bad-option', option: 'signaling' });
    expect(refusal({ room: 'r', periodMs: 5 })).toMatchObject({ code: 'bad-option', option: 'periodMs' });
    expect(refusal({ room: 'r', mode: 'gossip' })).toMatchObject({ code: 'bad-option', option: 'mode' });
    expect(refusal({ room: 'r', peerid: 'x' })).toMatchObject({ code: 'bad-option', option: 'peerid' });
    expect(refusal({ room: 'r', iceServers: [{ url: 'stun:x' }] })).toMatchObject({ code: 'bad-option', option: 'iceServers' });
    expect(refusal({ room: 'r', activeViewSize: 8, maxActiveViewSize: 6 })).toMatchObject({ option: 'maxActiveViewSize' });
    expect(refusal('lobby')).toMatchObject({ code: 'bad-option', option: 'options' });
  });

  it('requires the server URL where there is no page origin (Node)', () => {
    expect(refusal({ room: 'r' }, true)).toMatchObject({ code: 'bad-option', option: 'signaling' });
    expect(refusal({ room: 'r' }, true).message).toContain('signaling');
    expect(parseMeshOptions({ room: 'r' }, { signalingRequired: false }).signaling).toBeUndefined();
  });
});

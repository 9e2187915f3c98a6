import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { iceServersFor, turnCredentials } from './turn.ts';

describe('TURN REST credentials', () => {
  it('signs "expiry:user" with HMAC-SHA1 of the shared secret, base64', () => {
    const { username, credential } = turnCredentials('s3cret', 'peer1', 1_700_000_000);
    expect(username).toBe('1700000000:peer1');
    expect(credential).toBe(createHmac('sha1', 's3cret').update('1700000000:peer1').digest('base64'));
    expect(turnCredentials('other', 'peer1', 1_700_000_000).credential).not.toBe(credential);
  });

  it('hands out the static servers, then TURN valid for ttlSec from now', () => {
    const stun = { urls: 'stun:127.0.0.1:3478' };
    expect(iceServersFor([stun], undefined, 'p', 0)).toEqual([stun]);
    const servers = iceServersFor([stun], { urls: ['turn:127.0.0.1:3478'], secret: 'k', ttlSec: 600 }, 'p', 1_000_500);
    expect(servers).toEqual([stun, { urls: ['turn:127.0.0.1:3478'], ...turnCredentials('k', 'p', 1000 + 600) }]);
  });
});

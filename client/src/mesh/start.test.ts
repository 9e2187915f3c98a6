import { describe, expect, it } from 'vitest';
import { asPeerId } from '../core/ids.ts';
import { Identity } from '../identity/identity.ts';
import { peerIdOf } from '../identity/peer-id.ts';
import { identityFor } from './start.ts';

describe('identityFor: signed by default', () => {
  it('makes a fresh key when nothing is said, whose hash is the id', async () => {
    const identity = await identityFor({});
    expect(identity).toBeDefined();
    expect(identity?.id).toBe(peerIdOf((identity as Identity).publicKey));
    expect((await identityFor({}))?.id).not.toBe(identity?.id);
  });

  it('runs unsigned when told, or when the id is chosen; refuses both at once', async () => {
    expect(await identityFor({ signed: false })).toBeUndefined();
    expect(await identityFor({ peerId: asPeerId('abc') })).toBeUndefined();
    await expect(identityFor({ signed: true, peerId: asPeerId('abc') })).rejects.toThrow(/key's hash/);
  });

  it('keeps a given key', async () => {
    const given = Identity.fromSeed(new Uint8Array(32).fill(7));
    expect(await identityFor({ identity: given })).toBe(given);
  });
});

/**
 * Sign and verify cost per message, in whatever runs it (Node: bench.ts; a Chromium tab:
 * e2e/bench/identity-tab.ts): noble (sync, what the core signs with) beside WebCrypto (async, what
 * the verifier checks with), over one rumor's canonical text with a 256-byte payload.
 */
import { asPeerId } from '../core/ids.ts';
import { rumorText } from '../core/signed.ts';
import { Identity, splitProof, verifySync } from './identity.ts';

export type SigningFigures = Record<'noble sign' | 'noble verify' | 'webcrypto sign' | 'webcrypto verify', number[]>;

/** µs per operation, one figure per run (each run `perRun` operations in a row). */
export async function measureSigning(runs: number, perRun: number): Promise<SigningFigures> {
  const identity = await Identity.create();
  const text = rumorText({ origin: asPeerId(identity.id), seq: 1, sentAt: Date.now(), payload: 'x'.repeat(256) });
  const bytes = new TextEncoder().encode(text);
  const proof = splitProof(identity.sign(text));
  if (proof === undefined) throw new Error('a proof that does not split');
  const key = await crypto.subtle.importKey('raw', identity.publicKey.slice(), { name: 'Ed25519' }, false, ['verify']);
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
  const figures: SigningFigures = { 'noble sign': [], 'noble verify': [], 'webcrypto sign': [], 'webcrypto verify': [] };
  const time = async (name: keyof SigningFigures, f: () => unknown): Promise<void> => {
    const start = performance.now();
    for (let i = 0; i < perRun; i++) await f();
    figures[name].push(((performance.now() - start) * 1000) / perRun);
  };
  for (let run = 0; run < runs; run++) {
    await time('noble sign', () => identity.sign(text));
    await time('noble verify', () => verifySync(identity.publicKey, proof.signature, text));
    await time('webcrypto sign', () => crypto.subtle.sign('Ed25519', pair.privateKey, bytes));
    await time('webcrypto verify', () => crypto.subtle.verify('Ed25519', key, proof.signature.slice(), bytes));
  }
  return figures;
}

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;

export function describeFigures(where: string, figures: SigningFigures): string[] {
  return Object.entries(figures).map(([name, xs]) => `${where} ${name}: median ${median(xs).toFixed(1)} µs/message (runs: ${xs.map((x) => x.toFixed(0)).join(', ')})`);
}

/**
 * Sign and verify cost per message, median µs over several runs: `npx tsx client/src/identity/bench.ts`.
 * Compares noble (sync, on the loop) with WebCrypto (async, off the loop) on one rumor's canonical text.
 */
import { rumorText } from '../core/signed.ts';
import { asPeerId } from '../core/ids.ts';
import { Identity, splitProof, verifySync } from './identity.ts';

const RUNS = 5;
const PER_RUN = 200;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;

async function main(): Promise<void> {
  const identity = await Identity.create();
  const text = rumorText({ origin: asPeerId(identity.id), seq: 1, sentAt: Date.now(), payload: 'x'.repeat(256) });
  const bytes = new TextEncoder().encode(text);
  const { signature } = splitProof(identity.sign(text))!;
  const key = await crypto.subtle.importKey('raw', identity.publicKey.slice(), { name: 'Ed25519' }, false, ['verify']);
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
  const figures: Record<string, number[]> = { 'noble sign': [], 'noble verify': [], 'webcrypto sign': [], 'webcrypto verify': [] };
  for (let run = 0; run < RUNS; run++) {
    const time = async (name: string, f: () => unknown) => {
      const start = performance.now();
      for (let i = 0; i < PER_RUN; i++) await f();
      figures[name]!.push(((performance.now() - start) * 1000) / PER_RUN);
    };
    await time('noble sign', () => identity.sign(text));
    await time('noble verify', () => verifySync(identity.publicKey, signature, text));
    await time('webcrypto sign', () => crypto.subtle.sign('Ed25519', pair.privateKey, bytes));
    await time('webcrypto verify', () => crypto.subtle.verify('Ed25519', key, signature.slice(), bytes));
    console.log(`run ${run + 1}/${RUNS} done`);
  }
  for (const [name, xs] of Object.entries(figures)) console.log(`${name}: median ${median(xs).toFixed(1)} µs/message (runs: ${xs.map((x) => x.toFixed(0)).join(', ')})`);
}

void main();

import type { Verifier } from '../core/admission.ts';
import type { PeerId } from '../core/ids.ts';
import { signedItems, type SignedItem } from '../core/signed.ts';
import { parse, type Message } from '../core/wire.ts';
import { splitProof, verifySync } from './identity.ts';
import { peerIdOf } from './peer-id.ts';

export interface ProofVerifierOptions {
  /**
   * 'prepared' (tabs, Node): `prepare` checks signatures on WebCrypto, asynchronously, before the
   * message enters the loop; `verify` then only looks the results up. 'sync': `verify` checks what
   * it has not seen with noble inline (tests; 50x slower per signature, see the report).
   */
  mode: 'prepared' | 'sync';
  /** Verified (proof, text) pairs remembered: a rumor heard from 4 links is checked once. */
  cacheEntries?: number;
}

const encoder = new TextEncoder();

/**
 * The identity port's verifier (admission.ts `Verifier`): every item a message carries for an
 * origin other than the link (core/signed.ts) must hold a proof whose key hashes to that origin
 * and whose signature over the item's canonical text holds. A relay can forward such an item but
 * can neither mint one nor change a byte of it.
 */
export class ProofVerifier implements Verifier {
  private readonly verified = new Map<string, string>();
  private readonly keyIds = new Map<string, PeerId>();
  private readonly cryptoKeys = new Map<string, Promise<CryptoKey | null>>();
  private readonly cacheEntries: number;
  readonly stats = { checked: 0, failed: 0, cached: 0 };

  constructor(private readonly options: ProofVerifierOptions) {
    this.cacheEntries = options.cacheEntries ?? 8192;
  }

  /** Checks the signatures in a raw message off the loop; the driver awaits it before `receive`. Never rejects. */
  async prepare(raw: unknown): Promise<void> {
    const parsed = parse(raw);
    if (!parsed.ok) return;
    await Promise.all(signedItems(parsed.message).map((item) => this.check(item)));
  }

  verify(_from: PeerId, message: Message): boolean {
    for (const item of signedItems(message)) if (!this.holds(item)) return false;
    return true;
  }

  private holds(item: SignedItem): boolean {
    const { proof } = item;
    if (proof === undefined) return false;
    if (this.verified.get(proof) === item.text) {
      this.stats.cached++;
      return true;
    }
    if (this.options.mode === 'prepared') return false;
    const parts = this.parts(item);
    const ok = parts !== undefined && verifySync(parts.publicKey, parts.signature, item.text);
    this.record(item, ok);
    return ok;
  }

  private async check(item: SignedItem): Promise<void> {
    const proof = item.proof;
    if (proof === undefined || this.verified.get(proof) === item.text) return;
    const parts = this.parts(item);
    if (parts === undefined) return this.record(item, false);
    const key = await this.cryptoKey(proof.slice(0, 43), parts.publicKey);
    let ok: boolean;
    try {
      ok = key === null ? verifySync(parts.publicKey, parts.signature, item.text) : await crypto.subtle.verify('Ed25519', key, parts.signature.slice(), encoder.encode(item.text));
    } catch {
      ok = false;
    }
    this.record(item, ok);
  }

  /** The proof's key and signature, if the key is the signer's (its hash is the signer's id). */
  private parts(item: SignedItem): { publicKey: Uint8Array; signature: Uint8Array } | undefined {
    const parts = item.proof === undefined ? undefined : splitProof(item.proof);
    if (parts === undefined) return undefined;
    const keyText = (item.proof as string).slice(0, 43);
    let id = this.keyIds.get(keyText);
    if (id === undefined) {
      id = peerIdOf(parts.publicKey);
      remember(this.keyIds, keyText, id, this.cacheEntries);
    }
    return id === item.signer ? parts : undefined;
  }

  private cryptoKey(keyText: string, publicKey: Uint8Array): Promise<CryptoKey | null> {
    let key = this.cryptoKeys.get(keyText);
    if (key === undefined) {
      key = crypto.subtle.importKey('raw', publicKey.slice(), { name: 'Ed25519' }, false, ['verify']).catch(() => null);
      remember(this.cryptoKeys, keyText, key, 1024);
    }
    return key;
  }

  private record(item: SignedItem, ok: boolean): void {
    this.stats.checked++;
    if (!ok) {
      this.stats.failed++;
      return;
    }
    remember(this.verified, item.proof as string, item.text, this.cacheEntries);
  }
}

/** A bounded map: the oldest entry goes when it is full. */
function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as string);
}

import type { PeerId } from './ids.ts';
import type { CounterEntry, Message, RegisterValue, Rumor, SignalData, TopologyEntry } from './wire.ts';

/**
 * What an origin signs, in one place for the signer (the core, at creation) and the verifier
 * (client/src/identity, at admission). Each signed item has a canonical text: a JSON array with a
 * domain tag, so a signature over one kind of item can never pass for another. What changes on
 * the way (a rumor's hop count, a signal's hop count) is left out; everything that means something
 * is in, with the origin's hybrid-clock stamp (time.ts) where the item has one, so a replay is
 * only ever the same old item, which merging already ignores.
 *
 * A proof is base64url(public key (32 bytes) || Ed25519 signature (64 bytes)): 128 characters.
 * The verifier checks that the key hashes to the claimed origin (identity/peer-id.ts) and that the
 * signature holds. The in-process simulator runs without proofs (the trusted path).
 */
export const PROOF_CHARS = 128;
export const PROOF_PATTERN = /^[A-Za-z0-9_-]{128}$/;

/** Signs canonical texts for this node (the identity's private key), synchronously. */
export interface Signer {
  sign(text: string): string;
}

/** One item of a message that some origin must have signed. */
export interface SignedItem {
  /** Who must have signed it. */
  signer: PeerId;
  proof: string | undefined;
  text: string;
}

const DOMAIN = 'gossip-mesh/1';

export function rumorText(r: Pick<Rumor, 'origin' | 'seq' | 'sentAt' | 'payload'>): string {
  return JSON.stringify([DOMAIN, 'rumor', r.origin, r.seq, r.sentAt, r.payload]);
}

export function counterText(origin: PeerId, added: number, subtracted: number): string {
  return JSON.stringify([DOMAIN, 'counter', origin, added, subtracted]);
}

export function registerText(r: Pick<RegisterValue, 'origin' | 'timestamp' | 'value'>): string {
  return JSON.stringify([DOMAIN, 'register', r.origin, r.timestamp, r.value]);
}

/** An own entry is signed by its peer; a death notice by the peer that wrote it (`by`). */
export function topologyText(e: Pick<TopologyEntry, 'peer' | 'neighbors' | 'version' | 'gone' | 'by'>): string {
  return e.gone === true
    ? JSON.stringify([DOMAIN, 'gone', e.peer, e.version, e.by ?? null])
    : JSON.stringify([DOMAIN, 'topology', e.peer, e.version, e.neighbors]);
}

/** An aggregation leader's ticket: the instance of `epoch` led by `leader` (aggregate.ts). */
export function leaderText(epoch: number, leader: PeerId): string {
  return JSON.stringify([DOMAIN, 'leader', epoch, leader]);
}

/** The whole signaling payload, SDP (and so its DTLS fingerprint) included, with sender, target and stamp. */
export function signalText(from: PeerId, to: PeerId, stamp: number, data: SignalData): string {
  return JSON.stringify([DOMAIN, 'signal', from, to, stamp, canonicalJson(data)]);
}

/** JSON with sorted keys and undefined left out: the same text whatever order a parser kept. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}

function counterItem([origin, added, subtracted, proof]: CounterEntry): SignedItem {
  return { signer: origin, proof, text: counterText(origin, added, subtracted) };
}

function topologyItem(e: TopologyEntry): SignedItem {
  return { signer: e.gone === true ? (e.by ?? e.peer) : e.peer, proof: e.proof, text: topologyText(e) };
}

const rumorItem = (r: Rumor): SignedItem => ({ signer: r.origin, proof: r.proof, text: rumorText(r) });

/**
 * Every item of `message` that carries an origin other than the link it came over. Link-level
 * messages (ping, pong, leave, shuffle, prune, graft) come from the link's own peer, whose id the
 * link setup bound to its key, so they carry no signature. Aggregate shares are mass moved hop by
 * hop and have no single origin: only their leader's ticket is signed (a leader must hold its key);
 * the mass itself is bounded per link instead (aggregate-guard.ts).
 */
export function signedItems(message: Message): SignedItem[] {
  switch (message.t) {
    case 'push':
    case 'pull':
      return message.rumors.map(rumorItem);
    case 'state': {
      const items = message.counter.map(counterItem);
      const r = message.register;
      if (r !== null) items.push({ signer: r.origin, proof: r.proof, text: registerText(r) });
      return items;
    }
    case 'topology':
      return message.entries.map(topologyItem);
    case 'aggregate':
      return [message, ...(message.older === undefined ? [] : [message.older])].map((share) => ({
        signer: share.leader,
        proof: share.ticket,
        text: leaderText(share.epoch, share.leader),
      }));
    case 'signal':
      return [{ signer: message.from, proof: message.proof, text: signalText(message.from, message.to, message.stamp ?? 0, message.data) }];
    default:
      return [];
  }
}

import {
  MAX_IDS_PER_MESSAGE,
  MAX_MESSAGE_BYTES,
  MAX_RUMORS_PER_MESSAGE,
  utf8Length,
  type Message,
  type MessageOf,
  type Rumor,
} from './wire.ts';

/**
 * A message the core builds from what it holds (a pull answered with every rumor the asker lacks,
 * a push forwarding a whole burst, a graft naming many ids) can exceed what the receiver's parse
 * accepts: list lengths (MAX_RUMORS_PER_MESSAGE, MAX_IDS_PER_MESSAGE) and MAX_MESSAGE_BYTES on the
 * wire. The receiver would drop it whole, so honest data would be lost. `fitToWire` splits such a
 * message into several that each fit, with the same meaning; a message that fits comes back as is.
 */

/** Room kept for the envelope and the scalar fields (`{"v":2,"t":"push",...}`). */
const ENVELOPE_BYTES = 256;
const BUDGET_BYTES = MAX_MESSAGE_BYTES - ENVELOPE_BYTES;
/** A rumor's JSON without its payload, at most: ids of 64, 16-digit numbers, a 128-character proof. */
const RUMOR_FIELDS_BYTES = 320;
/** JSON escapes a UTF-16 unit to at most 6 bytes (`\u0000`). */
const MAX_BYTES_PER_UNIT = 6;

/** The longest JSON of a finite number is 25 characters (`-0.0000012345678901234567`). */
const MAX_NUMBER_BYTES = 32;

/** An upper bound on the UTF-8 bytes of JSON.stringify(value), without building the string. */
export function jsonBytesBound(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return MAX_BYTES_PER_UNIT * value.length + 2;
    case 'number':
      return MAX_NUMBER_BYTES;
    case 'boolean':
      return 5;
    case 'object': {
      if (value === null) return 4;
      let bytes = 2;
      if (Array.isArray(value)) for (const item of value as unknown[]) bytes += jsonBytesBound(item) + 1;
      else for (const key in value) bytes += MAX_BYTES_PER_UNIT * key.length + 3 + jsonBytesBound((value as Record<string, unknown>)[key]) + 1;
      return bytes;
    }
    default:
      return 4; // undefined: left out, or null in an array
  }
}

/** Only these types can outgrow the wire's limits; fitToWire returns any other message as is. */
export function mayNeedSplitting(message: Message): boolean {
  const t = message.t;
  return t === 'push' || t === 'pull' || t === 'ihave' || t === 'graft';
}

export function fitToWire(message: Message): Message[] {
  switch (message.t) {
    case 'push':
      return fitPush(message);
    case 'pull':
      return fitPull(message);
    case 'ihave': {
      const parts = groups(message.rumors, MAX_IDS_PER_MESSAGE, ([id]) => id.length + 10);
      return parts.length <= 1 ? [message] : parts.map((rumors) => ({ t: 'ihave', rumors }));
    }
    case 'graft': {
      const ids = message.ids;
      if (ids === undefined) return [message];
      const parts = groups(ids, MAX_IDS_PER_MESSAGE, idBytes);
      return parts.length <= 1 ? [message] : parts.map((some) => ({ ...message, ids: some }));
    }
    default:
      return [message];
  }
}

function fitPush(message: MessageOf<'push'>): Message[] {
  if (fits(message.rumors, message.seen)) return [message];
  const out: Message[] = groups(message.rumors, MAX_RUMORS_PER_MESSAGE, rumorBytes).map((rumors) => ({
    t: 'push',
    rumors,
    seen: [],
    wantFeedback: message.wantFeedback,
  }));
  for (const seen of groups(message.seen, MAX_IDS_PER_MESSAGE, idBytes)) out.push({ t: 'push', rumors: [], seen, wantFeedback: false });
  return out;
}

/** The digest stays in the pull; rumors that do not fit beside it go as pushes that ask for the same feedback. */
function fitPull(message: MessageOf<'pull'>): Message[] {
  // Every period's pull passes here: a digest alone is never serialised to be measured.
  if (message.rumors.length === 0 || fits(message.rumors, [], digestBound(message.digest))) return [message];
  const out: Message[] = [{ ...message, rumors: [] }];
  for (const rumors of groups(message.rumors, MAX_RUMORS_PER_MESSAGE, rumorBytes)) {
    out.push({ t: 'push', rumors, seen: [], wantFeedback: true });
  }
  return out;
}

/** A cheap upper bound first, so the common small message is never serialised here. */
function fits(rumors: readonly Rumor[], seen: readonly string[], otherBytes = 0): boolean {
  if (rumors.length > MAX_RUMORS_PER_MESSAGE || seen.length > MAX_IDS_PER_MESSAGE) return false;
  let bound = otherBytes;
  for (const id of seen) bound += idBytes(id);
  let exact = bound;
  for (const rumor of rumors) bound += RUMOR_FIELDS_BYTES + MAX_BYTES_PER_UNIT * rumor.payload.length;
  if (bound <= BUDGET_BYTES) return true;
  for (const rumor of rumors) exact += rumorBytes(rumor);
  return exact <= BUDGET_BYTES;
}

/** A digest's JSON at most: an origin of up to 64 characters, ranges of two 16-digit numbers. */
function digestBound(digest: MessageOf<'pull'>['digest']): number {
  let bytes = 2;
  for (const [origin, ranges] of digest) bytes += origin.length + 8 + ranges.length * 36;
  return bytes;
}

function rumorBytes(rumor: Rumor): number {
  return utf8Length(JSON.stringify(rumor)) + 1;
}

/** Rumor ids are ASCII by their schema; quotes and a comma. */
function idBytes(id: string): number {
  return id.length + 3;
}

/** Consecutive runs of `items`, each at most `maxItems` long and `BUDGET_BYTES` in size (an item alone always fits). */
function groups<T>(items: readonly T[], maxItems: number, bytesOf: (item: T) => number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = bytesOf(item);
    if (current.length > 0 && (current.length >= maxItems || bytes + size > BUDGET_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * One mode on a formed mesh of tabs: switch every tab to it, publish warm-up rumors that are not
 * counted (tree mode floods its first rumors and prunes the tree on them), take the idle background
 * rate, publish the counted rumors one at a time from random tabs, and take the idle rate again.
 * A rumor's window runs from its publication until it reached every tab AND no tab sent a payload
 * for `quietMs` (so the pushes of periodic modes that go on after the last delivery count for their
 * rumor, not for the next one).
 */
import { loadavg } from 'node:os';
import type { Page } from '@playwright/test';
import type { Mode } from '../../client/src/core/options.ts';
import type { MeshDiagnostics } from '../../client/src/mesh/contract.ts';
import { descendantsPssMB } from './proc.ts';
import { round1, round2, summarize, type Summary } from './stats.ts';
import {
  awaitRumor,
  diagnostics,
  jsHeapMB,
  linkSet,
  publish,
  setMode,
  sleep,
  snapshot,
  subtractCounters,
  totals,
  type Copy,
  type TabCounters,
} from './tabs.ts';

export interface ModeRunSettings {
  rumors: number;
  warmupRumors: number;
  /** Idle window for the background rate. */
  idleMs: number;
  /** A rumor's window ends once no payload was sent for this long (after full delivery). */
  quietMs: number;
  /** ... or this long after publication at the latest. */
  quietMaxMs: number;
  /** A rumor that has not reached every tab by then is recorded as incomplete. */
  rumorTimeoutMs: number;
}

export interface RumorSample {
  id: string;
  origin: number;
  /** Latest receivedAt minus the origin's sentAt. */
  publishToLastDeliveryMs: number;
  medianDeliveryMs: number;
  lastDeliveryHops: number;
  maxHops: number;
  /** Over the rumor's window, summed over all tabs. */
  payloads: number;
  messages: number;
  bytes: number;
  windowMs: number;
  /** False when payloads were still being sent at quietMaxMs. */
  quiet: boolean;
}

export interface IncompleteRumor {
  id: string;
  origin: number;
  missing: { tab: number; neighbors: number; diagnostics: MeshDiagnostics | null }[];
}

export interface ModeFigures {
  mode: Mode;
  rumors: number;
  warmupRumors: number;
  publishToLastDeliveryMs: Summary | null;
  /** Per rumor, the median over tabs of its delivery delay. */
  medianDeliveryMs: Summary | null;
  lastDeliveryHops: Summary | null;
  /** Every delivery of every counted rumor (origins excluded). */
  deliveryHops: Summary | null;
  payloadsPerRumor: number | null;
  /** Payload copies per tab that received the rumor (1 = no duplicate at all). */
  payloadsPerDelivery: number | null;
  /** Every data-channel message in the rumors' windows, per rumor; and above the idle rate. */
  messagesPerRumor: number | null;
  messagesPerRumorAboveBackground: number | null;
  /** Data-channel bytes likewise (a rumor riding in a periodic message adds bytes, not messages). */
  bytesPerRumor: number | null;
  bytesPerRumorAboveBackground: number | null;
  duplicatesPerRumor: number | null;
  /** Idle rate: one window after the warm-ups and one after the rumors, `windowMs` in all. */
  background: { windowMs: number; messagesPerTabPerSecond: number; bytesPerTabPerSecond: number; payloads: number };
  linksPerTab: { mean: number; min: number; max: number };
  /** Undirected links at the switch and after the last rumor: the same links unless `removed` > 0. */
  links: { atStart: number; atEnd: number; kept: number; added: number; removed: number };
  memory: { jsHeapPerTabMB: Summary | null; browserPssMB: number | null; browserPssPerTabMB: number | null };
  loadAverage: { start: number; end: number };
  durationMs: number;
  samples: RumorSample[];
  incomplete: IncompleteRumor[];
}

interface Delivery {
  copies: (Copy | null)[];
  missing: number[];
}

async function deliver(tabs: readonly Page[], origin: number, text: string, timeoutMs: number): Promise<Delivery & { id: string }> {
  const id = await publish(tabs[origin] as Page, text);
  const copies = await Promise.all(tabs.map((t) => awaitRumor(t, id, timeoutMs)));
  return { id, copies, missing: copies.flatMap((c, i) => (c === null ? [i] : [])) };
}

/** Polls the payload counter until it stood still for quietMs, or quietMaxMs after `since`. */
async function untilQuiet(tabs: readonly Page[], since: number, s: ModeRunSettings): Promise<{ counters: TabCounters; quiet: boolean }> {
  let counters = await totals(tabs);
  let stillSince = Date.now();
  for (;;) {
    if (Date.now() - stillSince >= s.quietMs) return { counters, quiet: true };
    if (Date.now() - since >= s.quietMaxMs) return { counters, quiet: false };
    await sleep(Math.min(250, s.quietMs / 4));
    const next = await totals(tabs);
    if (next.payloadsSent !== counters.payloadsSent) stillSince = Date.now();
    counters = next;
  }
}

/** What all tabs sent in an idle window of `ms`. */
async function idle(tabs: readonly Page[], ms: number): Promise<{ counters: TabCounters; ms: number }> {
  const before = await totals(tabs);
  const start = Date.now();
  await sleep(ms);
  const after = await totals(tabs);
  return { counters: subtractCounters(after, before), ms: Date.now() - start };
}

export async function measureMode(
  tabs: readonly Page[],
  mode: Mode,
  s: ModeRunSettings,
  random: () => number,
  progress: (line: string) => void,
): Promise<ModeFigures> {
  const started = Date.now();
  const loadStart = loadavg()[0] ?? NaN;
  const n = tabs.length;
  const linksBefore = linkSet(await snapshot(tabs));
  const modes = await Promise.all(tabs.map((t) => setMode(t, mode)));
  if (modes.some((m) => m !== mode)) throw new Error(`setMode(${mode}) did not take on every tab: ${modes.join(', ')}`);

  for (let w = 0; w < s.warmupRumors; w++) {
    const origin = Math.floor(random() * n);
    const d = await deliver(tabs, origin, `${mode} warm-up ${w}`, s.rumorTimeoutMs);
    await untilQuiet(tabs, Date.now(), s);
    progress(`  ${mode}: warm-up rumor ${w + 1}/${s.warmupRumors} from tab ${origin} (not counted)${d.missing.length > 0 ? `; missing in ${d.missing.length} tabs` : ''}`);
  }

  const idleFirst = await idle(tabs, s.idleMs);

  const samples: RumorSample[] = [];
  const incomplete: IncompleteRumor[] = [];
  const hops: number[] = [];
  const degrees: number[] = [];
  let duplicates = 0;
  for (let r = 0; r < s.rumors; r++) {
    const origin = Math.floor(random() * n);
    const before = await totals(tabs);
    const t0 = Date.now();
    const d = await deliver(tabs, origin, `${mode} rumor ${r}`, s.rumorTimeoutMs);
    if (d.missing.length > 0) {
      const views = await snapshot(tabs);
      const missing = await Promise.all(d.missing.map(async (tab) => ({ tab, neighbors: views[tab]?.neighbors.length ?? 0, diagnostics: await diagnostics(tabs[tab] as Page) })));
      incomplete.push({ id: d.id, origin, missing });
      progress(`  ${mode}: rumor ${r + 1}/${s.rumors} from tab ${origin} did not reach tabs ${d.missing.join(', ')} in ${s.rumorTimeoutMs} ms (left out)`);
      await untilQuiet(tabs, Date.now(), s);
      continue;
    }
    const { counters: after, quiet } = await untilQuiet(tabs, t0, s);
    const windowMs = Date.now() - t0;
    const sentAt = d.copies[origin]?.sentAt ?? NaN;
    const others = d.copies.filter((c, i): c is Copy => c !== null && i !== origin);
    const last = others.reduce((a, b) => (b.receivedAt > a.receivedAt ? b : a));
    for (const c of others) hops.push(c.hops);
    const sample: RumorSample = {
      id: d.id,
      origin,
      publishToLastDeliveryMs: round1(last.receivedAt - sentAt),
      medianDeliveryMs: summarize(others.map((c) => c.receivedAt - sentAt))?.median ?? NaN,
      lastDeliveryHops: last.hops,
      maxHops: Math.max(...others.map((c) => c.hops)),
      payloads: after.payloadsSent - before.payloadsSent,
      messages: after.wire - before.wire,
      bytes: after.bytes - before.bytes,
      windowMs,
      quiet,
    };
    duplicates += after.duplicates - before.duplicates;
    samples.push(sample);
    degrees.push(...(await snapshot(tabs)).map((v) => v.neighbors.length));
    progress(
      `  ${mode}: rumor ${r + 1}/${s.rumors} from tab ${origin}: last delivery ${sample.publishToLastDeliveryMs} ms at ${sample.lastDeliveryHops} hops; ` +
        `${sample.payloads} payloads, ${sample.messages} messages in ${windowMs} ms${quiet ? '' : ' (payloads still flowing at the bound)'}`,
    );
  }

  // The background again after the rumors (it drifts: digests grow, links change): the mean of both windows.
  const idleSecond = await idle(tabs, s.idleMs);
  const idleMs = idleFirst.ms + idleSecond.ms;
  const backgroundPerMs = (idleFirst.counters.wire + idleSecond.counters.wire) / idleMs;
  const backgroundBytesPerMs = (idleFirst.counters.bytes + idleSecond.counters.bytes) / idleMs;
  const heaps = (await Promise.all(tabs.map(jsHeapMB))).filter((h): h is number => h !== null);
  const pss = descendantsPssMB();
  const linksAfter = linkSet(await snapshot(tabs));
  const kept = [...linksAfter].filter((l) => linksBefore.has(l)).length;
  const count = samples.length;
  const payloads = samples.reduce((a, x) => a + x.payloads, 0);
  const messages = samples.reduce((a, x) => a + x.messages, 0);
  const bytes = samples.reduce((a, x) => a + x.bytes, 0);
  const windows = samples.reduce((a, x) => a + x.windowMs, 0);
  const per = (total: number): number | null => (count === 0 ? null : round1(total / count));
  return {
    mode,
    rumors: count,
    warmupRumors: s.warmupRumors,
    publishToLastDeliveryMs: summarize(samples.map((x) => x.publishToLastDeliveryMs)),
    medianDeliveryMs: summarize(samples.map((x) => x.medianDeliveryMs)),
    lastDeliveryHops: summarize(samples.map((x) => x.lastDeliveryHops)),
    deliveryHops: summarize(hops),
    payloadsPerRumor: per(payloads),
    payloadsPerDelivery: count === 0 ? null : round2(payloads / count / (n - 1)),
    messagesPerRumor: per(messages),
    messagesPerRumorAboveBackground: per(messages - backgroundPerMs * windows),
    bytesPerRumor: per(bytes),
    bytesPerRumorAboveBackground: per(bytes - backgroundBytesPerMs * windows),
    duplicatesPerRumor: per(duplicates),
    background: { windowMs: idleMs, messagesPerTabPerSecond: round1((backgroundPerMs * 1000) / n),
      bytesPerTabPerSecond: round1((backgroundBytesPerMs * 1000) / n),
      payloads: idleFirst.counters.payloadsSent + idleSecond.counters.payloadsSent,
    },
    linksPerTab: {
      mean: degrees.length === 0 ? NaN : round1(degrees.reduce((a, b) => a + b, 0) / degrees.length),
      min: degrees.length === 0 ? NaN : Math.min(...degrees),
      max: degrees.length === 0 ? NaN : Math.max(...degrees),
    },
    links: { atStart: linksBefore.size, atEnd: linksAfter.size, kept, added: linksAfter.size - kept, removed: linksBefore.size - kept },
    memory: {
      jsHeapPerTabMB: summarize(heaps),
      browserPssMB: pss === null ? null : round1(pss),
      browserPssPerTabMB: pss === null ? null : round1(pss / n),
    },
    loadAverage: { start: round1(loadStart), end: round1(loadavg()[0] ?? NaN) },
    durationMs: Date.now() - started,
    samples,
    incomplete,
  };
}

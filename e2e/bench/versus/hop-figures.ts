/**
 * Where the time per hop goes, from every tab's hop trace (the mesh's diagnostics().hopTrace,
 * client/src/mesh/hop-trace.ts). One hop is a copy from tab s to tab r that delivered the rumor in
 * r; its time, r's delivery minus s's, splits into four parts (epoch ms, one machine's clock):
 *   sender: s's delivery (or publish) to the copy for r handed to the channel (s's forwarding work);
 *   wire:   that send to r's data-channel message handler (network thread, SCTP, r's renderer not
 *           running its main thread yet);
 *   verify: r's handler to the message entering the loop (parse, signature checks on WebCrypto);
 *   core:   entering the loop to delivery.
 */

import type { HopRecord } from '../../../client/src/mesh/hop-trace.ts';

export interface TabTrace {
  peer: string;
  records: HopRecord[];
}

export type HopPart = 'sender' | 'wire' | 'verify' | 'core' | 'hop';
export const HOP_PARTS: readonly HopPart[] = ['sender', 'wire', 'verify', 'core', 'hop'];

export interface HopBreakdown {
  /** Hops measured (copies that delivered, with both ends traced). */
  hops: number;
  /** Median and 90th percentile of each part over all hops, ms. */
  median: Record<HopPart, number>;
  p90: Record<HopPart, number>;
  /** Summed along the path to the tab each update reached last, median over updates, ms. */
  lastTabPath: Record<HopPart, number>;
}

type Parts = Record<HopPart, number>;

function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return Math.round(10 * (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number)) / 10;
}

function byPart(rows: readonly Parts[], pick: (xs: number[]) => number): Parts {
  return Object.fromEntries(HOP_PARTS.map((p) => [p, pick(rows.map((r) => r[p]))])) as Parts;
}

/** The parts of the hop that delivered `id` to `peer`; null when either end lacks a timestamp. */
function hopOf(traces: ReadonlyMap<string, Map<string, HopRecord>>, id: string, peer: string): Parts | null {
  const r = traces.get(peer)?.get(id);
  if (r?.from == null || r.frameAt === null || r.verifiedAt === null || r.deliveredAt === null) return null;
  const s = traces.get(r.from)?.get(id);
  const sentAt = s?.sends.find(([to]) => to === peer)?.[1];
  if (s?.deliveredAt == null || sentAt === undefined) return null;
  return {
    sender: sentAt - s.deliveredAt,
    wire: r.frameAt - sentAt,
    verify: r.verifiedAt - r.frameAt,
    core: r.deliveredAt - r.verifiedAt,
    hop: r.deliveredAt - s.deliveredAt,
  };
}

/** `updates`: each update's id and the tab it reached last. */
export function hopBreakdown(tabs: readonly TabTrace[], updates: ReadonlyArray<{ id: string; lastPeer: string }>): HopBreakdown {
  const traces = new Map(tabs.map((t) => [t.peer, new Map(t.records.map((r) => [r.id, r]))]));
  const hops: Parts[] = [];
  const ids = new Set(updates.map((u) => u.id));
  for (const [peer, records] of traces) {
    for (const id of records.keys()) {
      const parts = ids.has(id) ? hopOf(traces, id, peer) : null;
      if (parts !== null) hops.push(parts);
    }
  }
  const paths: Parts[] = [];
  for (const { id, lastPeer } of updates) {
    const sum: Parts = { sender: 0, wire: 0, verify: 0, core: 0, hop: 0 };
    let peer: string | null = lastPeer;
    let complete = true;
    for (let guard = 0; peer !== null && guard < 64; guard++) {
      const record: HopRecord | undefined = traces.get(peer)?.get(id);
      if (record === undefined) {
        complete = false;
        break;
      }
      if (record.from === null) break;
      const parts = hopOf(traces, id, peer);
      if (parts === null) {
        complete = false;
        break;
      }
      for (const p of HOP_PARTS) sum[p] += parts[p];
      peer = record.from;
    }
    if (complete) paths.push(sum);
  }
  return {
    hops: hops.length,
    median: byPart(hops, (xs) => quantile(xs, 0.5)),
    p90: byPart(hops, (xs) => quantile(xs, 0.9)),
    lastTabPath: byPart(paths, (xs) => quantile(xs, 0.5)),
  };
}

export function formatBreakdown(b: HopBreakdown): string {
  const show = (parts: Parts): string => HOP_PARTS.map((p) => `${p} ${parts[p]}`).join(', ');
  return `per hop (${b.hops} hops) median: ${show(b.median)}; p90: ${show(b.p90)}; path to the last tab, median: ${show(b.lastTabPath)} ms`;
}

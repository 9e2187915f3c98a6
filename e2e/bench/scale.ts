/**
 * Scale of a mixed mesh (issue 13): Chromium tabs (one context) and Node peers (gossip-mesh/node,
 * spread over several e2e/peer-host.ts processes) in one room; `--rumors` rumors from tabs and
 * Node peers in turn, each with a counter add. Per size it reports delivery, the counter, time
 * from publish to the last peer (median, max over rumors), hops, rumor copies per peer, memory
 * per Node peer and per tab, and what broke first if something did. A script, not a test:
 *
 *   npx tsx e2e/bench/scale.ts [--tabs 12] [--nodes 100,200] [--per-process 25] [--rumors 20] [--address-limits lifted|default]
 *
 * Every peer here connects from one address (loopback), so the signaling server's per-address
 * limits (256 sockets, 1000 requests/s: sized for one host on the internet) would cap the run at
 * about 250 peers before the mesh does. They are lifted by default (to the per-socket budget times
 * the peers: each peer keeps its own limits); `--address-limits default` keeps them, to see that.
 * The server's refusals are reported either way.
 *
 * Progress on stderr, one JSON object per size on stdout. Runs in a loopback-only namespace
 * where it can (as the other benchmarks).
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { splitFlag, wholeNumber } from '../cli-args.ts';
import { startPeerHost, waitForPeers, allPeerStates, type PeerHost } from '../node-peers.ts';
import { ensureBuiltClient, MeshRun, reexecInNamespace } from '../scenario.ts';
import { DEFAULT_SIGNALING_OPTIONS, type SignalingServerOptions } from '../../signaling-server/src/server.ts';
import { summarize, round1 } from './stats.ts';
import { descendantsPssMB } from './proc.ts';
import { jsHeapMB, readCounters, sleep } from './tabs.ts';

interface ScaleOptions {
  tabs: number;
  nodes: number[];
  perProcess: number;
  rumors: number;
  addressLimits: 'lifted' | 'default';
}

const USAGE = 'usage: scale.ts [--tabs N] [--nodes N[,N...]] [--per-process N] [--rumors N] [--address-limits lifted|default]';
const JOIN_TIMEOUT_MS = 240_000;
const SPREAD_TIMEOUT_MS = 120_000;
const log = (line: string): void => void process.stderr.write(`[scale] ${line}\n`);

function parseOptions(argv: readonly string[]): ScaleOptions | string {
  const options: ScaleOptions = { tabs: 12, nodes: [100], perProcess: 25, rumors: 20, addressLimits: 'lifted' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = splitFlag(argv[i] ?? '');
    const raw = inline ?? argv[++i];
    if (flag === '--address-limits') {
      if (raw !== 'lifted' && raw !== 'default') return `--address-limits must be lifted or default; got ${JSON.stringify(raw)}\n${USAGE}`;
      options.addressLimits = raw;
      continue;
    }
    if (flag === '--nodes') {
      const sizes = (raw ?? '').split(',').map((part) => wholeNumber('--nodes', part, 1, 1000));
      const bad = sizes.find((s) => 'problem' in s);
      if (bad !== undefined && 'problem' in bad) return bad.problem;
      options.nodes = sizes.flatMap((s) => ('value' in s ? [s.value] : []));
      continue;
    }
    const limits: Record<string, [keyof Omit<ScaleOptions, 'nodes' | 'addressLimits'>, number, number]> = {
      '--tabs': ['tabs', 1, 60],
      '--per-process': ['perProcess', 1, 60],
      '--rumors': ['rumors', 1, 200],
    };
    const spec = limits[flag];
    if (spec === undefined) return `unknown option ${JSON.stringify(flag)}\n${USAGE}`;
    const parsed = wholeNumber(flag, raw, spec[1], spec[2]);
    if ('problem' in parsed) return parsed.problem;
    options[spec[0]] = parsed.value;
  }
  return options;
}

function pssMB(pid: number): number {
  const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  return match === null ? 0 : Number(match[1]) / 1024;
}

interface Receipt {
  peer: string;
  receivedAt: number;
  hops: number;
}

async function tabReceipts(tab: Page): Promise<{ id: string; rumors: { id: string; receivedAt: number; hops: number }[]; counter: number; payloadsSent: number }> {
  return tab.evaluate(() => {
    const mesh = window.__mesh;
    if (mesh === undefined) throw new Error('window.__mesh is not defined');
    return { id: mesh.id, rumors: mesh.rumors(), counter: mesh.counter(), payloadsSent: mesh.stats().payloadsSent };
  });
}

async function measure(tabCount: number, nodeCount: number, options: ScaleOptions): Promise<Record<string, unknown>> {
  const loadBefore = readFileSync('/proc/loadavg', 'utf8').trim();
  const peers = tabCount + nodeCount;
  const server: Partial<SignalingServerOptions> =
    options.addressLimits === 'lifted'
      ? { maxSocketsPerAddress: 2 * peers + 64, addressEventsPerSec: DEFAULT_SIGNALING_OPTIONS.socketEventsPerSec * peers }
      : {};
  const run = await MeshRun.start({ staticDir: ensureBuiltClient(log), headed: false, server });
  const hosts: PeerHost[] = [];
  const result: Record<string, unknown> = {
    tabs: tabCount,
    nodes: nodeCount,
    processes: Math.ceil(nodeCount / options.perProcess),
    addressLimits: options.addressLimits,
    loadBefore,
  };
  try {
    const url = new URL(run.url);
    const room = url.searchParams.get('room') ?? 'scale';
    log(`${tabCount} tabs + ${nodeCount} Node peers in ${String(result['processes'])} processes, room ${room}`);
    const tabs = await run.openTabs(tabCount);
    for (let start = 0; start < nodeCount; start += options.perProcess) {
      hosts.push(await startPeerHost({ signaling: url.origin + '/', room, count: Math.min(options.perProcess, nodeCount - start), startTimeoutMs: JOIN_TIMEOUT_MS }));
      log(`Node peers started: ${Math.min(nodeCount, start + options.perProcess)}/${nodeCount}`);
    }
    const joinedAt = Date.now();
    try {
      await waitForPeers(hosts, 'a neighbour', (p) => (p.neighbors.length > 0 ? null : 'no neighbour'), JOIN_TIMEOUT_MS);
      for (const tab of tabs) await tab.waitForFunction(() => window.__mesh?.ready() === true, undefined, { timeout: JOIN_TIMEOUT_MS });
      log(`every peer has a neighbour (${Date.now() - joinedAt} ms after the last process started)`);
    } catch (error: unknown) {
      // Go on: what the linked peers deliver says how far the mesh itself got.
      const alone = (await allPeerStates(hosts)).filter((p) => p.neighbors.length === 0).length;
      result['broke'] = `join incomplete: ${alone} of ${nodeCount} Node peers without a neighbour after ${JOIN_TIMEOUT_MS} ms (${String(error).split('\n')[0]})`;
      log(String(result['broke']));
    }
    result['joinMs'] = Date.now() - joinedAt;

    const before = (await Promise.all(tabs.map(readCounters))).reduce((sum, c) => sum + c.payloadsSent, 0) +
      (await allPeerStates(hosts)).reduce((sum, p) => sum + p.stats.payloadsSent, 0);
    const ids: string[] = [];
    for (let i = 0; i < options.rumors; i++) {
      if (i % 2 === 0) {
        const tab = tabs[(i / 2) % tabs.length]!;
        ids.push(await tab.evaluate((text) => window.__mesh!.publish(text), `scale ${i}`));
        await tab.evaluate(() => window.__mesh!.add(1));
      } else {
        const host = hosts[((i - 1) / 2) % hosts.length]!;
        ids.push((await host.request({ op: 'publish', peer: 0, text: `scale ${i}` })).rumorId);
        await host.request({ op: 'add', peer: 0, delta: 1 });
      }
      await sleep(250);
    }
    log(`${options.rumors} rumors published; waiting for them everywhere`);
    const spreadStart = Date.now();
    let complete = false;
    try {
      await waitForPeers(hosts, 'every rumor and the counter', (p) => {
        const have = new Set(p.rumors.map((r) => r.id));
        const lacking = ids.filter((id) => !have.has(id)).length;
        return lacking > 0 ? `${lacking} rumors missing` : p.counter !== options.rumors ? `counter ${p.counter}` : null;
      }, SPREAD_TIMEOUT_MS);
      for (const tab of tabs) {
        await tab.waitForFunction((want) => {
          const mesh = window.__mesh;
          const have = new Set(mesh?.rumors().map((r) => r.id));
          return want.ids.every((id) => have.has(id)) && mesh?.counter() === want.counter;
        }, { ids, counter: options.rumors }, { timeout: Math.max(1000, SPREAD_TIMEOUT_MS - (Date.now() - spreadStart)) });
      }
      complete = true;
    } catch (error: unknown) {
      result['broke'] ??= `delivery incomplete: ${String(error).split('\n').slice(0, 4).join(' | ')}`;
    }
    const nodeStates = await allPeerStates(hosts);
    const tabStates = await Promise.all(tabs.map(tabReceipts));
    const everyone = [...nodeStates.map((p) => ({ id: p.id, rumors: p.rumors, counter: p.counter, payloadsSent: p.stats.payloadsSent })), ...tabStates];
    const receipts = new Map<string, Receipt[]>(ids.map((id) => [id, []]));
    for (const peer of everyone) for (const r of peer.rumors) receipts.get(r.id)?.push({ peer: peer.id, receivedAt: r.receivedAt, hops: r.hops });
    const sentAt = new Map(everyone.flatMap((p) => p.rumors.filter((r) => r.hops === 0).map((r) => [r.id, r.receivedAt] as const)));
    const total = everyone.length;
    const delivered = [...receipts.values()].reduce((sum, list) => sum + list.length, 0);
    const toAll: number[] = [];
    const lastHops: number[] = [];
    for (const [id, list] of receipts) {
      if (list.length < total) continue;
      const last = list.reduce((a, b) => (b.receivedAt > a.receivedAt ? b : a));
      toAll.push(last.receivedAt - (sentAt.get(id) ?? last.receivedAt));
      lastHops.push(last.hops);
    }
    const after = everyone.reduce((sum, p) => sum + p.payloadsSent, 0);
    const hostPss = hosts.reduce((sum, h) => sum + pssMB(h.pid), 0);
    const state = await Promise.all(hosts.map((h) => h.request({ op: 'state' })));
    const heaps = (await Promise.all(tabs.map(jsHeapMB))).filter((x): x is number => x !== null);
    const allPss = descendantsPssMB();
    Object.assign(result, {
      complete,
      deliveryPercent: round1((100 * delivered) / (ids.length * total)),
      counterExact: `${everyone.filter((p) => p.counter === options.rumors).length}/${total}`,
      publishToAllMs: summarize(toAll),
      hopsAll: summarize([...receipts.values()].flatMap((l) => l.map((r) => r.hops))),
      hopsToLastPeer: summarize(lastHops),
      copiesPerPeerReached: round1((after - before) / Math.max(1, delivered - ids.length)),
      nodePeerRssMB: round1(state.reduce((sum, s) => sum + s.rssBytes, 0) / (1024 * 1024) / nodeCount),
      nodePeerPssMB: round1(hostPss / nodeCount),
      tabJsHeapMB: summarize(heaps),
      tabPssMB: allPss === null ? null : round1((allPss - hostPss) / tabCount),
      server: serverRefusals(run),
      loadAfter: readFileSync('/proc/loadavg', 'utf8').trim(),
    });
  } catch (error: unknown) {
    result['broke'] ??= String(error).split('\n').slice(0, 4).join(' | ');
  } finally {
    result['server'] ??= serverRefusals(run);
    for (const host of hosts) await host.stop();
    await run.close();
  }
  return result;
}

/** What the signaling server refused or cut (the first thing to break when limits bind). */
function serverRefusals(run: MeshRun): Record<string, unknown> | null {
  const stats = run.serverStats();
  return stats === null ? null : { joins: stats.joins, rejections: stats.rejections, badPayloads: stats.badPayloads, disconnectsForAbuse: stats.disconnectsForAbuse };
}

async function main(): Promise<number> {
  const outer = reexecInNamespace('scale', true);
  if (outer !== null) return outer;
  const options = parseOptions(process.argv.slice(2));
  if (typeof options === 'string') {
    process.stderr.write(`scale: ${options}\n`);
    return 2;
  }
  for (const nodes of options.nodes) {
    const result = await measure(options.tabs, nodes, options);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (result['broke'] !== undefined) {
      log(`stopped at ${nodes} Node peers: ${String(result['broke'])}`);
      break;
    }
  }
  return 0;
}

process.exitCode = await main();

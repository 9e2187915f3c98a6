import type { JoinPath, Mesh, MeshStats } from '../lib/types.ts';
import type { PageSettings } from './settings.ts';
import { el, formatBytes, formatCount, setAttr, setText } from './dom.ts';
import { MeshGraph } from './graph.ts';
import { viewKey } from './graph-model.ts';
import { peerColor, shortId } from './peer.ts';
import { FAST_EVENTS, SlowTicker, browserTickerHost } from './refresh.ts';
import { browserHost, RenderScheduler } from './render-scheduler.ts';
import { rumorsView } from './rumors-view.ts';
import { settingsCard } from './settings-form.ts';
import { stateView } from './state-view.ts';
import { card, peerChip } from './widgets.ts';
import { inviteCard } from './invite-card.ts';

/**
 * The slow tick: stats, aggregates, the gossiped graph and the passive view change with nearly
 * every message, so they are re-read this often, and only while the tab is visible (an idle tab
 * then paints about once a second). Links, rumors, counter and register follow their events
 * (refresh.ts).
 */
const SLOW_REFRESH_MS = 1000;

function setFavicon(id: string): void {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="${peerColor(id)}"/></svg>`;
  let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (link === null) {
    link = el('link', { rel: 'icon' });
    document.head.append(link);
  }
  link.href = `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

type CountKey = { [K in keyof MeshStats]: MeshStats[K] extends number ? K : never }[keyof MeshStats];

const STAT_ROWS: readonly { key: CountKey; label: string; bytes?: true }[] = [
  { key: 'sent', label: 'Messages sent' },
  { key: 'received', label: 'Messages received' },
  { key: 'duplicates', label: 'Duplicate rumors' },
  { key: 'dropped', label: 'Dropped (invalid)' },
  { key: 'bytesSent', label: 'Bytes sent', bytes: true },
  { key: 'bytesReceived', label: 'Bytes received', bytes: true },
  { key: 'payloadsSent', label: 'Payload copies sent' },
  { key: 'linksViaMesh', label: 'Links via mesh' },
  { key: 'linksViaServer', label: 'Links via server' },
  { key: 'linksViaLocal', label: 'Links via a tab of this browser' },
  { key: 'linksViaInvite', label: 'Links via an invite' },
];

const JOIN_PATHS: Record<JoinPath, string> = {
  server: 'the signaling server',
  mesh: 'the mesh',
  local: 'a tab of this browser',
  invite: 'an invite',
};

/** How this tab's first link was signalled, for the status pill. */
function joinedVia(path: JoinPath | null): string {
  return path === null ? '' : ` · joined via ${JOIN_PATHS[path]}`;
}

/**
 * Renders the page for one running peer (the public Mesh, joined with `settings`) and keeps it up
 * to date. The mesh's events (refresh.ts) are coalesced by a RenderScheduler (at most four renders a
 * second, none while the tab is hidden), and each part touches the DOM only where its text
 * changed. Returns a function that stops it.
 */
export function renderPage(root: HTMLElement, mesh: Mesh, settings: PageSettings): () => void {
  const self: string = mesh.id;
  document.title = `${shortId(self)} · ${settings.room} · Gossip mesh`;
  setFavicon(self);

  // ---- header
  const serverPill = el('span', { class: 'pill', role: 'status' });
  const meshPill = el('span', { class: 'pill', role: 'status' });
  const selfBadge = el(
    'div',
    { class: 'self-badge' },
    el('span', { class: 'peer-dot big', 'aria-hidden': 'true' }),
    el(
      'div',
      {},
      el('div', { class: 'self-label' }, 'This tab’s peer id'),
      el('div', { class: 'self-id', title: self }, self),
    ),
  );
  selfBadge.style.setProperty('--peer', peerColor(self));
  const header = el(
    'header',
    { class: 'top' },
    el('h1', {}, 'Gossip mesh'),
    selfBadge,
    el('div', { class: 'pills' }, el('span', { class: 'pill room' }, `room ${settings.room}`), serverPill, meshPill),
  );

  // ---- graph
  const canvas = el('canvas', { role: 'img', 'aria-label': 'Mesh graph' });
  const legend = el(
    'ul',
    { class: 'legend', 'aria-label': 'Legend' },
    el('li', {}, el('span', { class: 'lg-self', 'aria-hidden': 'true' }), 'this tab'),
    el('li', {}, el('span', { class: 'lg-neighbor', 'aria-hidden': 'true' }), 'neighbour'),
    el('li', {}, el('span', { class: 'lg-own', 'aria-hidden': 'true' }), 'own link'),
    el('li', {}, el('span', { class: 'lg-link', 'aria-hidden': 'true' }), 'link'),
    el('li', {}, el('span', { class: 'lg-half', 'aria-hidden': 'true' }), 'one-sided'),
    el('li', {}, el('span', { class: 'lg-flash', 'aria-hidden': 'true' }), 'rumor arrived'),
  );
  legend.style.setProperty('--self', peerColor(self));
  const graphCard = card('Mesh as this tab knows it', 'graph', legend, el('div', { class: 'canvas-wrap' }, canvas));
  const graphView = new MeshGraph(canvas);

  // ---- peers
  const neighborCount = el('span', { class: 'count' });
  const knownCount = el('span', { class: 'count' });
  const neighborList = el('div', { class: 'chips', 'aria-live': 'polite' });
  const knownList = el('div', { class: 'chips known' });
  const peersCard = card(
    'Peers',
    'peers',
    el('h3', {}, 'Neighbours (active view) ', neighborCount),
    neighborList,
    el('h3', {}, 'Known peers (passive view) ', knownCount),
    knownList,
  );

  // ---- stats
  const statValues = new Map<keyof MeshStats, HTMLElement>();
  const statsList = el(
    'dl',
    { class: 'stats' },
    ...STAT_ROWS.flatMap((row) => {
      const dd = el('dd', {}, '0');
      statValues.set(row.key, dd);
      return [el('dt', {}, row.label), dd];
    }),
  );
  const statsCard = card('Live stats', 'stats-card', statsList);

  const settingsPanel = settingsCard(settings);

  const state = stateView(mesh);
  const rumors = rumorsView(mesh);

  root.replaceChildren(
    el(
      'div',
      { class: 'app' },
      header,
      el(
        'main',
        { class: 'layout' },
        el('div', { class: 'col-left' }, graphCard, el('div', { class: 'row' }, peersCard, statsCard)),
        el('div', { class: 'col-right' }, settingsPanel, state.element, rumors.element, inviteCard(mesh)),
      ),
    ),
  );

  // ---- updating
  let lastNeighbors = '\u0001';
  let lastKnown = '\u0001';
  let lastPassiveNeighbors = '\u0001';
  let lastView = '\u0001';
  let firstUpdate = true;
  let slowDue = true;

  const update = (): void => {
    // Status
    const server = mesh.serverConnected;
    setText(serverPill, server ? 'signaling server reachable' : 'signaling server unreachable');
    setAttr(serverPill, 'class', `pill ${server ? 'ok' : 'bad'}`);
    const neighbors: string[] = mesh.neighbors();
    const ready = neighbors.length > 0;
    // No link and no server: nothing can reach this tab until one of them comes back.
    const isolated = !ready && !server;
    setText(
      meshPill,
      ready
        ? `in the mesh · ${neighbors.length} link${neighbors.length === 1 ? '' : 's'}${joinedVia(mesh.stats().joinedVia)}`
        : isolated
          ? 'isolated: no neighbours and no server · joins through another tab of this room, or an invite'
          : 'no mesh links yet',
    );
    setAttr(meshPill, 'class', `pill ${ready ? 'ok' : isolated ? 'bad' : 'warn'}`);

    // Peers
    const sortedNeighbors = [...neighbors].sort();
    const neighborKey = sortedNeighbors.join(',');
    if (neighborKey !== lastNeighbors) {
      lastNeighbors = neighborKey;
      setText(neighborCount, `(${sortedNeighbors.length})`);
      neighborList.replaceChildren(
        ...(sortedNeighbors.length > 0
          ? sortedNeighbors.map((id) => peerChip(id, self, 'neighbor'))
          : [el('span', { class: 'empty' }, 'none yet')]),
      );
    }

    if (slowDue || neighborKey !== lastPassiveNeighbors) {
      // The passive view changes with shuffles; a neighbour that came or went leaves or joins it.
      lastPassiveNeighbors = neighborKey;
      const neighborSet = new Set(neighbors);
      const passive = mesh
        .knownPeers()
        .filter((id) => !neighborSet.has(id) && id !== self)
        .sort();
      const knownKey = passive.join(',');
      if (knownKey !== lastKnown) {
        lastKnown = knownKey;
        setText(knownCount, `(${passive.length})`);
        knownList.replaceChildren(
          ...(passive.length > 0 ? passive.map((id) => peerChip(id, self)) : [el('span', { class: 'empty' }, 'none yet')]),
        );
      }
    }

    if (slowDue) {
      slowDue = false;
      const topology = mesh.topology();
      const view = viewKey(neighbors, topology);
      if (view !== lastView) {
        lastView = view;
        graphView.update({ self, neighbors, graph: topologyMap(topology) });
      }
      const stats = mesh.stats();
      for (const row of STAT_ROWS) {
        const node = statValues.get(row.key);
        if (node !== undefined) setText(node, row.bytes ? formatBytes(stats[row.key]) : formatCount(stats[row.key]));
      }
      state.updateAggregates();
    }

    state.update();
    // New rumors: into the feed, and a flash on the graph (not for those already there at first).
    rumors.update((origin) => {
      if (!firstUpdate) graphView.flash(origin);
    });
    firstUpdate = false;
  };

  const scheduler = new RenderScheduler(update, browserHost);
  const ticker = new SlowTicker(
    () => {
      slowDue = true;
      scheduler.notify();
    },
    browserTickerHost,
    SLOW_REFRESH_MS,
  );
  const onVisibility = (): void => {
    ticker.visibilityChanged();
    scheduler.visibilityChanged();
  };
  document.addEventListener('visibilitychange', onVisibility);
  update();
  const notify = (): void => scheduler.notify();
  const unsubscribes = FAST_EVENTS.map((event) => mesh.on(event, notify));

  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
    ticker.stop();
    scheduler.stop();
    document.removeEventListener('visibilitychange', onVisibility);
    graphView.dispose();
  };
}

/** The graph view takes neighbour sets by peer. */
function topologyMap(topology: Record<string, string[]>): Map<string, Set<string>> {
  return new Map(Object.entries(topology).map(([peer, links]) => [peer, new Set(links)]));
}

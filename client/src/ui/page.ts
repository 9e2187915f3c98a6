import { MAX_PAYLOAD_BYTES, MAX_REGISTER_BYTES } from '../core/wire.ts';
import type { DeliveredRumor, MeshClient, MeshStats } from '../mesh/contract.ts';
import { el, formatBytes, formatCount, formatTime, setAttr, setText, utf8Bytes } from './dom.ts';
import { aggregatesView } from './aggregates-view.ts';
import { MeshGraph } from './graph.ts';
import { peerColor, shortId } from './peer.ts';
import { settingsCard } from './settings-form.ts';
import { card, peerChip } from './widgets.ts';
import { inviteCard } from './invite-card.ts';

/** Most rumors kept in the feed's DOM; older ones scroll off. */
const FEED_LIMIT = 200;

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

/**
 * Renders the page for one running peer and keeps it up to date. Updates are coalesced to one
 * per animation frame however often the client notifies. Returns a function that stops it.
 */
export function renderPage(root: HTMLElement, client: MeshClient): () => void {
  const self: string = client.id;
  const settings = client.settings;
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

  // ---- counter, register and aggregates
  const aggregates = aggregatesView(client);
  const counterValue = el('output', { class: 'counter-value', 'aria-live': 'polite', 'aria-label': 'Counter value' });
  const minus = el('button', { type: 'button', 'aria-label': 'Subtract 1 from the shared counter' }, '−1');
  const plus = el('button', { type: 'button', 'aria-label': 'Add 1 to the shared counter' }, '+1');
  minus.addEventListener('click', () => client.add(-1));
  plus.addEventListener('click', () => client.add(1));

  const registerValue = el('output', { class: 'register-value', 'aria-label': 'Register value' });
  const registerWinner = el('div', { class: 'register-winner' });
  const registerInput = el('input', {
    id: 'register-input',
    name: 'register',
    autocomplete: 'off',
    placeholder: 'new value',
  });
  const registerError = el('div', { class: 'form-error', role: 'alert' });
  const registerForm = el(
    'form',
    { class: 'inline-form' },
    el('label', { for: 'register-input', class: 'visually-hidden' }, 'New register value'),
    registerInput,
    el('button', { type: 'submit' }, 'Set'),
  );
  registerForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = registerInput.value;
    if (utf8Bytes(value) > MAX_REGISTER_BYTES) {
      setText(registerError, `Too long: at most ${MAX_REGISTER_BYTES} bytes.`);
      return;
    }
    try {
      client.setRegister(value);
      setText(registerError, '');
      registerInput.value = '';
    } catch (err: unknown) {
      setText(registerError, err instanceof Error ? err.message : String(err));
    }
  });
  const stateCard = card(
    'Shared state',
    'state',
    el(
      'div',
      { class: 'counter-row' },
      el('span', { class: 'field-label' }, 'Counter'),
      counterValue,
      el('div', { class: 'buttons' }, minus, plus),
    ),
    el(
      'div',
      { class: 'register-block' },
      el('div', { class: 'register-line' }, el('span', { class: 'field-label' }, 'Register'), registerValue),
      registerWinner,
      registerForm,
      registerError,
    ),
    aggregates.element,
  );

  // ---- rumors
  const rumorInput = el('input', {
    id: 'rumor-input',
    name: 'rumor',
    autocomplete: 'off',
    placeholder: 'Say something to the mesh',
  });
  const rumorError = el('div', { class: 'form-error', role: 'alert' });
  const rumorForm = el(
    'form',
    { class: 'inline-form' },
    el('label', { for: 'rumor-input', class: 'visually-hidden' }, 'Rumor text'),
    rumorInput,
    el('button', { type: 'submit' }, 'Send'),
  );
  rumorForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = rumorInput.value;
    if (text.trim() === '') return;
    if (utf8Bytes(text) > MAX_PAYLOAD_BYTES) {
      setText(rumorError, `Too long: at most ${MAX_PAYLOAD_BYTES} bytes.`);
      return;
    }
    try {
      client.publish(text);
      setText(rumorError, '');
      rumorInput.value = '';
    } catch (err: unknown) {
      setText(rumorError, err instanceof Error ? err.message : String(err));
    }
  });
  const feedCount = el('span', { class: 'count' });
  const feed = el('ol', { class: 'feed', 'aria-label': 'Rumors, newest first' });
  const feedEmpty = el('p', { class: 'empty' }, 'No rumors yet.');
  const rumorsCard = card('Rumors', 'rumors', rumorForm, rumorError, el('div', { class: 'feed-head' }, feedCount), feedEmpty, feed);

  root.replaceChildren(
    el(
      'div',
      { class: 'app' },
      header,
      el(
        'main',
        { class: 'layout' },
        el('div', { class: 'col-left' }, graphCard, el('div', { class: 'row' }, peersCard, statsCard)),
        el('div', { class: 'col-right' }, settingsPanel, stateCard, rumorsCard, inviteCard(client)),
      ),
    ),
  );

  // ---- updating
  let lastNeighbors = '\u0001';
  let lastKnown = '\u0001';
  let lastRegister = '\u0001';
  const shownRumors = new Set<string>();
  let firstUpdate = true;

  const renderRumor = (r: DeliveredRumor): HTMLElement => {
    const latencyMs = Math.max(0, Math.round(r.receivedAt - r.sentAt));
    const own = r.origin === self;
    return el(
      'li',
      { class: own ? 'own' : '' },
      el(
        'div',
        { class: 'rumor-meta' },
        peerChip(r.origin, self),
        el('span', { class: 'meta' }, own ? 'sent by you' : `${r.hops} ${r.hops === 1 ? 'hop' : 'hops'} · ${latencyMs} ms`),
        el('time', { class: 'meta time', datetime: new Date(r.receivedAt).toISOString() }, formatTime(r.receivedAt)),
      ),
      el('div', { class: 'rumor-text' }, r.text),
    );
  };

  const update = (): void => {
    // Status
    const server = client.serverConnected();
    setText(serverPill, server ? 'signaling server reachable' : 'signaling server unreachable');
    setAttr(serverPill, 'class', `pill ${server ? 'ok' : 'bad'}`);
    const neighbors: string[] = client.neighbors();
    const ready = client.ready();
    // No link and no server: nothing can reach this tab until one of them comes back.
    const isolated = !ready && !server;
    setText(
      meshPill,
      ready
        ? `in the mesh · ${neighbors.length} link${neighbors.length === 1 ? '' : 's'}`
        : isolated
          ? 'isolated: no neighbours and no server'
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
    const neighborSet = new Set(neighbors);
    const passive = client
      .known()
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

    // Graph
    graphView.update({ self, neighbors, graph: client.graph() });

    // Stats
    const stats = client.stats();
    for (const row of STAT_ROWS) {
      const node = statValues.get(row.key);
      if (node !== undefined) setText(node, row.bytes ? formatBytes(stats[row.key]) : formatCount(stats[row.key]));
    }

    // Counter, register and aggregates
    setText(counterValue, formatCount(client.counter()));
    aggregates.update();
    const reg = client.register();
    const regKey = reg === null ? '' : JSON.stringify([reg.value, reg.origin, reg.timestamp]);
    if (regKey !== lastRegister) {
      lastRegister = regKey;
      if (reg === null) {
        setText(registerValue, 'not set yet');
        registerValue.classList.add('unset');
        registerWinner.replaceChildren();
      } else {
        setText(registerValue, reg.value === '' ? '(empty string)' : reg.value);
        registerValue.classList.toggle('unset', reg.value === '');
        registerWinner.replaceChildren(
          'winning write: ',
          peerChip(reg.origin, self),
          ' at ',
          el('time', { datetime: new Date(reg.timestamp).toISOString() }, formatTime(reg.timestamp)),
        );
      }
    }

    // Rumors: prepend the new ones, newest first.
    const rumors = client.rumors();
    const fresh = rumors.filter((r) => !shownRumors.has(r.id)).sort((a, b) => a.receivedAt - b.receivedAt);
    for (const r of fresh) {
      shownRumors.add(r.id);
      feed.prepend(renderRumor(r));
      if (!firstUpdate) graphView.flash(r.origin);
    }
    while (feed.childElementCount > FEED_LIMIT) feed.lastElementChild?.remove();
    feedEmpty.hidden = rumors.length > 0;
    setText(
      feedCount,
      rumors.length === 0
        ? ''
        : rumors.length > FEED_LIMIT
          ? `${rumors.length} received, newest ${FEED_LIMIT} shown`
          : `${rumors.length} received`,
    );
    firstUpdate = false;
  };

  let frame = 0;
  const schedule = (): void => {
    if (frame === 0) {
      frame = requestAnimationFrame(() => {
        frame = 0;
        update();
      });
    }
  };
  update();
  const unsubscribe = client.subscribe(schedule);
  // Stats and aggregates move without events (pings, push-sum shares): refresh them once a second.
  const refresh = setInterval(schedule, 1000);

  return () => {
    unsubscribe();
    clearInterval(refresh);
    if (frame !== 0) cancelAnimationFrame(frame);
    graphView.dispose();
  };
}

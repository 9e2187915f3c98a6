import { MAX_PAYLOAD_BYTES } from '../core/wire.ts';
import type { DeliveredRumor, Mesh } from '../lib/types.ts';
import { boundInput } from './bounded-input.ts';
import { el, formatTime, setText } from './dom.ts';
import { rumorProblem } from './text-limit.ts';
import { card, peerChip } from './widgets.ts';

/** Most rumors kept in the feed's DOM; older ones scroll off. */
export const FEED_LIMIT = 200;

/** The rumor card: the box to send one, and the feed of those received, newest first. */
export function rumorsView(mesh: Mesh): { element: HTMLElement; update(onFresh: (origin: string) => void): void } {
  const self: string = mesh.id;
  const rumorInput = el('input', {
    id: 'rumor-input',
    name: 'rumor',
    autocomplete: 'off',
    placeholder: 'Say something to the mesh',
  });
  const rumorError = el('div', { class: 'form-error', role: 'alert', id: 'rumor-error' });
  rumorInput.setAttribute('aria-describedby', 'rumor-error');
  boundInput(rumorInput, MAX_PAYLOAD_BYTES, rumorError);
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
    const problem = rumorProblem(text);
    if (problem !== null) {
      setText(rumorError, problem);
      return;
    }
    try {
      mesh.publish(text);
      setText(rumorError, '');
      rumorInput.value = '';
    } catch (err: unknown) {
      setText(rumorError, err instanceof Error ? err.message : String(err));
    }
  });
  const feedCount = el('span', { class: 'count' });
  const feed = el('ol', { class: 'feed', 'aria-label': 'Rumors, newest first' });
  const feedEmpty = el('p', { class: 'empty' }, 'No rumors yet.');
  const element = card('Rumors', 'rumors', rumorForm, rumorError, el('div', { class: 'feed-head' }, feedCount), feedEmpty, feed);

  const shown = new Set<string>();
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

  /** Prepends the rumors not shown yet; calls onFresh for each (the graph flashes its origin). */
  function update(onFresh: (origin: string) => void): void {
    const rumors = mesh.rumors();
    const fresh = rumors.filter((r) => !shown.has(r.id)).sort((a, b) => a.receivedAt - b.receivedAt);
    for (const r of fresh) {
      shown.add(r.id);
      feed.prepend(renderRumor(r));
      onFresh(r.origin);
    }
    while (feed.childElementCount > FEED_LIMIT) feed.lastElementChild?.remove();
    feedEmpty.hidden = rumors.length > 0;
    setText(
      feedCount,
      rumors.length === 0 ? '' : rumors.length > FEED_LIMIT ? `${rumors.length} received, newest ${FEED_LIMIT} shown` : `${rumors.length} received`,
    );
  }
  return { element, update };
}

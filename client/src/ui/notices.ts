import { MODES } from '../core/options.ts';
import { el } from './dom.ts';
import { DEFAULT_SETTINGS, FANOUT_RANGE, PERIOD_MS_RANGE, settingsToSearch, type PageSettings } from './settings.ts';

/** Whole-page notices shown instead of the mesh: starting, bad URL options, failed start. */

function showNotice(root: HTMLElement, kind: 'status' | 'alert', ...children: Node[]): void {
  const box = el('div', { class: kind === 'alert' ? 'notice error-box' : 'notice', role: kind }, ...children);
  root.replaceChildren(el('main', { class: 'notice-page' }, box));
}

/** Shown while `joinMesh` runs. */
export function renderStarting(root: HTMLElement, settings: PageSettings): void {
  showNotice(root, 'status', el('h1', {}, 'Gossip mesh'), el('p', {}, `Joining room “${settings.room}”…`));
}

/** Bad URL options: say which and what is allowed; the mesh is not started. */
export function renderSettingsErrors(root: HTMLElement, errors: readonly string[]): void {
  const defaults = `${location.pathname}${settingsToSearch(DEFAULT_SETTINGS)}`;
  document.title = 'Bad URL options · Gossip mesh';
  showNotice(
    root,
    'alert',
    el('h1', {}, 'This page’s URL has bad options'),
    el('p', {}, 'The mesh was not started. Fix these URL parameters:'),
    el('ul', {}, ...errors.map((e) => el('li', {}, e))),
    el(
      'p',
      { class: 'hint' },
      'Parameters: ',
      el('code', {}, 'room'),
      ' (letters, digits, _ . -; up to 64), ',
      el('code', {}, 'mode'),
      ` (${MODES.join(' | ')}), `,
      el('code', {}, 'periodMs'),
      ` (${PERIOD_MS_RANGE.min}–${PERIOD_MS_RANGE.max}), `,
      el('code', {}, 'fanout'),
      ` (${FANOUT_RANGE.min}–${FANOUT_RANGE.max}), optional `,
      el('code', {}, 'server'),
      ' (signaling server URL).',
    ),
    el('p', {}, el('a', { href: defaults }, 'Open with the default settings')),
  );
}

/** `joinMesh` failed (the server refused the join, bad browser...). */
export function renderStartError(root: HTMLElement, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  document.title = 'Could not start · Gossip mesh';
  showNotice(
    root,
    'alert',
    el('h1', {}, 'Could not start the mesh'),
    el('p', {}, el('code', {}, message)),
    el('p', {}, 'Check that the signaling server is running, then ', el('a', { href: location.href }, 'reload'), '.'),
  );
}

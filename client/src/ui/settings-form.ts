import { MODES } from '../core/options.ts';
import type { MeshSettings } from '../mesh/contract.ts';
import { el } from './dom.ts';
import { FANOUT_RANGE, PERIOD_MS_RANGE, parseSettings, settingsFormProblems, settingsToSearch } from './settings.ts';
import { card } from './widgets.ts';

/** The protocol settings card: edits the URL options and reloads the tab with them (validated first). */
export function settingsCard(settings: MeshSettings): HTMLElement {
  const roomInput = el('input', {
    id: 'set-room',
    name: 'room',
    value: settings.room,
    required: true,
    maxlength: 64,
    // The same rule as ROOM_PATTERN, written for the `v` flag browsers use for `pattern`.
    pattern: '[A-Za-z0-9_.\\-]{1,64}',
    spellcheck: 'false',
    autocomplete: 'off',
  });
  const modeSelect = el(
    'select',
    { id: 'set-mode', name: 'mode' },
    ...MODES.map((m) => el('option', { value: m, selected: m === settings.mode }, m)),
  );
  const periodInput = el('input', {
    id: 'set-period',
    name: 'periodMs',
    type: 'number',
    min: PERIOD_MS_RANGE.min,
    max: PERIOD_MS_RANGE.max,
    step: 1,
    value: settings.periodMs,
    required: true,
  });
  const fanoutInput = el('input', {
    id: 'set-fanout',
    name: 'fanout',
    type: 'number',
    min: FANOUT_RANGE.min,
    max: FANOUT_RANGE.max,
    step: 1,
    value: settings.fanout,
    required: true,
  });
  const settingsError = el('div', { class: 'form-error', role: 'alert', id: 'settings-error' });
  for (const input of [roomInput, periodInput, fanoutInput]) input.setAttribute('aria-describedby', 'settings-error');
  const fields = () => ({ room: roomInput.value, mode: modeSelect.value, periodMs: periodInput.value, fanout: fanoutInput.value });
  const showProblems = (problems: readonly string[]): void => {
    settingsError.replaceChildren(...problems.map((e) => el('div', {}, e)));
  };
  const settingsForm = el(
    'form',
    { class: 'settings-form', novalidate: true },
    el('label', { for: 'set-room' }, 'Room'),
    roomInput,
    el('label', { for: 'set-mode' }, 'Mode'),
    modeSelect,
    el('label', { for: 'set-period' }, 'Period (ms)'),
    periodInput,
    el('label', { for: 'set-fanout' }, 'Fanout'),
    fanoutInput,
    el('button', { type: 'submit', class: 'wide' }, 'Apply and reload'),
    settingsError,
  );
  // Say what is wrong as soon as a box turns red, not only on Apply.
  settingsForm.addEventListener('input', () => showProblems(settingsFormProblems(fields())));
  settingsForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const problems = settingsFormProblems(fields());
    if (problems.length > 0) {
      showProblems(problems);
      return;
    }
    const params = new URLSearchParams({
      room: roomInput.value.trim(),
      mode: modeSelect.value,
      periodMs: periodInput.value.trim(),
      fanout: fanoutInput.value.trim(),
    });
    // The signaling servers, the relay policy and signing are not on the form: keep what this URL says.
    const here = new URLSearchParams(location.search);
    for (const name of ['server', 'iceTransportPolicy', 'signed'] as const) {
      const value = here.get(name);
      if (value !== null && value !== '') params.set(name, value);
    }
    const parsed = parseSettings(params.toString());
    if (!parsed.ok) {
      showProblems(parsed.errors);
      return;
    }
    settingsError.replaceChildren();
    const search = settingsToSearch(parsed.settings);
    location.assign(`${location.pathname}${search}`);
  });
  return card(
    'Protocol settings',
    'settings',
    settingsForm,
    el('p', { class: 'hint' }, 'Applying reloads this tab with the new URL; other tabs keep theirs.'),
  );
}

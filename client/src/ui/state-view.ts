import { MAX_REGISTER_BYTES } from '../core/wire.ts';
import type { Mesh } from '../lib/types.ts';
import { aggregatesView } from './aggregates-view.ts';
import { boundInput } from './bounded-input.ts';
import { el, formatCount, formatTime, setText } from './dom.ts';
import { card, peerChip } from './widgets.ts';

/**
 * The shared-state card: the counter, the register and the network-wide aggregates (those move
 * with every push-sum share, so the page reads them on its slow tick: updateAggregates).
 */
export function stateView(mesh: Mesh): { element: HTMLElement; update(): void; updateAggregates(): void } {
  const self: string = mesh.id;
  const aggregates = aggregatesView(mesh);
  const counterValue = el('output', { class: 'counter-value', 'aria-live': 'polite', 'aria-label': 'Counter value' });
  const minus = el('button', { type: 'button', 'aria-label': 'Subtract 1 from the shared counter' }, '−1');
  const plus = el('button', { type: 'button', 'aria-label': 'Add 1 to the shared counter' }, '+1');
  minus.addEventListener('click', () => mesh.counter.add(-1));
  plus.addEventListener('click', () => mesh.counter.add(1));

  const registerValue = el('output', { class: 'register-value', 'aria-label': 'Register value' });
  const registerWinner = el('div', { class: 'register-winner' });
  const registerInput = el('input', {
    id: 'register-input',
    name: 'register',
    autocomplete: 'off',
    placeholder: 'new value',
    'aria-describedby': 'register-error',
  });
  const registerError = el('div', { class: 'form-error', role: 'alert', id: 'register-error' });
  boundInput(registerInput, MAX_REGISTER_BYTES, registerError);
  const registerForm = el(
    'form',
    { class: 'inline-form' },
    el('label', { for: 'register-input', class: 'visually-hidden' }, 'New register value'),
    registerInput,
    el('button', { type: 'submit' }, 'Set'),
  );
  registerForm.addEventListener('submit', (event) => {
    event.preventDefault();
    try {
      mesh.register.set(registerInput.value);
      setText(registerError, '');
      registerInput.value = '';
    } catch (err: unknown) {
      setText(registerError, err instanceof Error ? err.message : String(err));
    }
  });
  const element = card(
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

  let lastRegister = '\u0001';
  function update(): void {
    setText(counterValue, formatCount(mesh.counter.value));
    const reg = mesh.register.value;
    const regKey = reg === null ? '' : JSON.stringify([reg.value, reg.origin, reg.timestamp]);
    if (regKey === lastRegister) return;
    lastRegister = regKey;
    if (reg === null) {
      setText(registerValue, 'not set yet');
      registerValue.classList.add('unset');
      registerWinner.replaceChildren();
      return;
    }
    setText(registerValue, reg.value === '' ? '(empty string)' : reg.value);
    registerValue.classList.toggle('unset', reg.value === '');
    registerWinner.replaceChildren(
      'winning write: ',
      peerChip(reg.origin, self),
      ' at ',
      el('time', { datetime: new Date(reg.timestamp).toISOString() }, formatTime(reg.timestamp)),
    );
  }
  return { element, update, updateAggregates: aggregates.update };
}

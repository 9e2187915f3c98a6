import type { Mesh } from '../lib/types.ts';
import { el, setText } from './dom.ts';

/** The slider's range: the value this tab contributes to the network-wide average, min and max. */
export const AGGREGATE_VALUE_RANGE = { min: 0, max: 100 } as const;

/**
 * How old an estimate is, in words: the page sees a new estimate when its epoch number changes
 * (the mesh gives no completion time), so the age counts from the render that first showed it.
 */
export function estimateAge(ageMs: number): string {
  if (!(ageMs >= 0)) return 'updated just now';
  const s = Math.floor(ageMs / 1000);
  if (s < 2) return 'updated just now';
  if (s < 120) return `updated ${s} s ago`;
  return `updated ${Math.floor(s / 60)} min ago`;
}

/**
 * Network-wide aggregates (push-sum gossip, no coordinator): the estimated number of live peers,
 * and the average / min / max of the slider values of every tab. Estimates are per epoch, so a
 * slider change shows up after the next epoch completes. `now` is the page's clock (ms).
 */
export function aggregatesView(mesh: Mesh, now: () => number = () => performance.now()): { element: HTMLElement; update(): void } {
  const slider = el('input', {
    id: 'aggregate-value',
    type: 'range',
    min: String(AGGREGATE_VALUE_RANGE.min),
    max: String(AGGREGATE_VALUE_RANGE.max),
    step: '1',
    value: String(mesh.aggregates.value),
  });
  const sliderValue = el('output', { for: 'aggregate-value', class: 'aggregate-own' }, String(mesh.aggregates.value));
  slider.addEventListener('input', () => {
    const value = Number(slider.value);
    mesh.aggregates.setValue(value);
    setText(sliderValue, String(value));
  });
  const size = el('output', { class: 'aggregate-size', 'aria-label': 'Estimated number of peers' });
  const average = el('output', { class: 'aggregate-average', 'aria-label': 'Average value' });
  const range = el('output', { class: 'aggregate-range', 'aria-label': 'Minimum and maximum value' });
  const age = el('span', { class: 'hint aggregate-age' });

  const element = el(
    'div',
    { class: 'aggregates-block' },
    el('h3', { id: 'aggregates-heading' }, 'Network-wide estimates'),
    el('p', { class: 'hint' }, 'Every tab’s share, mixed by gossip: no tab counts the others.'),
    el(
      'div',
      { class: 'counter-row' },
      el('label', { class: 'field-label', for: 'aggregate-value' }, 'My value'),
      slider,
      sliderValue,
    ),
    el('div', { class: 'register-line' }, el('span', { class: 'field-label' }, 'Peers'), size),
    el('div', { class: 'register-line' }, el('span', { class: 'field-label' }, 'Average'), average),
    el('div', { class: 'register-line' }, el('span', { class: 'field-label' }, 'Min–max'), range),
    age,
  );
  element.setAttribute('role', 'group');
  element.setAttribute('aria-labelledby', 'aggregates-heading');

  let shownEpoch: number | null = null;
  let shownSince = 0;

  function update(): void {
    const estimate = mesh.aggregates.estimate;
    if (estimate === null) {
      setText(size, '…');
      setText(average, '…');
      setText(range, '…');
      setText(age, 'first estimate in a few seconds');
      return;
    }
    setText(size, `≈ ${estimate.size.toFixed(1)}`);
    setText(average, estimate.average.toFixed(2));
    setText(range, `${round(estimate.min)} – ${round(estimate.max)}`);
    if (estimate.epoch !== shownEpoch) {
      shownEpoch = estimate.epoch;
      shownSince = now();
    }
    setText(age, estimateAge(now() - shownSince));
  }
  update();
  return { element, update };
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

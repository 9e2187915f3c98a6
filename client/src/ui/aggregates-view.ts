import type { MeshClient } from '../mesh/contract.ts';
import { el, setText } from './dom.ts';

/** The slider's range: the value this tab contributes to the network-wide average, min and max. */
export const AGGREGATE_VALUE_RANGE = { min: 0, max: 100 } as const;

/**
 * Network-wide aggregates (push-sum gossip, no coordinator): the estimated number of live peers,
 * and the average / min / max of the slider values of every tab. Estimates are per epoch, so a
 * slider change shows up after the next epoch completes.
 */
export function aggregatesView(client: MeshClient): { element: HTMLElement; update(): void } {
  const slider = el('input', {
    id: 'aggregate-value',
    type: 'range',
    min: String(AGGREGATE_VALUE_RANGE.min),
    max: String(AGGREGATE_VALUE_RANGE.max),
    step: '1',
    value: String(client.aggregateValue()),
  });
  const sliderValue = el('output', { for: 'aggregate-value', class: 'aggregate-own' }, String(client.aggregateValue()));
  slider.addEventListener('input', () => {
    const value = Number(slider.value);
    client.setAggregateValue(value);
    setText(sliderValue, String(value));
  });
  const size = el('output', { class: 'aggregate-size', 'aria-label': 'Estimated number of peers' });
  const average = el('output', { class: 'aggregate-average', 'aria-label': 'Average value' });
  const range = el('output', { class: 'aggregate-range', 'aria-label': 'Minimum and maximum value' });
  const epoch = el('span', { class: 'hint' });

  const element = el(
    'div',
    { class: 'aggregates-block' },
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
    epoch,
  );

  function update(): void {
    const estimate = client.aggregates();
    if (estimate === null) {
      setText(size, '…');
      setText(average, '…');
      setText(range, '…');
      setText(epoch, 'first epoch running');
      return;
    }
    setText(size, `≈ ${estimate.size.toFixed(1)}`);
    setText(average, estimate.average.toFixed(2));
    setText(range, `${round(estimate.min)} – ${round(estimate.max)}`);
    setText(epoch, `push-sum gossip, epoch ${estimate.epoch}`);
  }
  update();
  return { element, update };
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

import { el } from '../ui/dom.ts';
import { formatThroughput } from './chart-data.ts';
import { clampField, GOSSIP_MODES, isGossipMode, RANGES, type GossipMode, type NumericField, type PlaygroundConfig } from './config.ts';
import { SCENARIOS, type Scenario } from './scenarios.ts';

export interface ControlHandlers {
  /** A setting changed: rebuild the network and the runs. */
  config(next: PlaygroundConfig): void;
  playPause(): void;
  step(): void;
  reset(): void;
  runToEnd(): void;
  /** Virtual milliseconds per wall-clock millisecond. */
  speed(factor: number): void;
}

interface SliderSpec {
  field: NumericField;
  label: string;
  /** Slider bounds (the number box accepts the field's whole range). */
  min: number;
  max: number;
  log: boolean;
  describe: (value: number) => string;
  title: string;
}

const SLIDERS: readonly SliderSpec[] = [
  { field: 'nodes', label: 'Nodes (N)', min: 2, max: 10_000, log: true, describe: (v) => `${v}`, title: 'Virtual nodes; node 0 publishes. Up to 500 are drawn one by one, more as a grid of cells.' },
  { field: 'degree', label: 'Degree', min: 2, max: 32, log: false, describe: (v) => `${v} links`, title: 'Links per node in the gossip overlay (a random connected graph).' },
  { field: 'periodMs', label: 'Period', min: 10, max: 5000, log: true, describe: (v) => `${v} ms`, title: 'Gossip round: each node contacts one random neighbour this often.' },
  { field: 'fanout', label: 'Fanout (eager)', min: 1, max: 16, log: false, describe: (v) => `${v}`, title: 'Eager mode: neighbours a node forwards a new rumor to at once.' },
  { field: 'latencyMs', label: 'Link latency', min: 1, max: 2000, log: true, describe: (v) => `${v} ms`, title: 'Mean one-way latency; each link draws its own in [0.5, 1.5] times this.' },
  {
    field: 'throughputBytesPerMs',
    label: 'Uplink throughput',
    min: 0.1,
    max: 100_000,
    log: true,
    describe: formatThroughput,
    title: "Each node's uplink. Naive broadcast pushes N-1 copies through the origin's: this is what limits it.",
  },
  { field: 'loss', label: 'Loss', min: 0, max: 0.9, log: false, describe: (v) => `${Math.round(v * 100)}%`, title: 'Probability that a message is lost on the way.' },
  { field: 'payloadBytes', label: 'Rumor size', min: 1, max: 2048, log: true, describe: (v) => `${v} B`, title: 'Payload of the rumor (the message carrying it is about 120 bytes more).' },
];

const SLIDER_STEPS = 1000;

function toSlider(spec: SliderSpec, value: number): number {
  const clamped = Math.min(spec.max, Math.max(spec.min, value));
  const f = spec.log ? Math.log(clamped / spec.min) / Math.log(spec.max / spec.min) : (clamped - spec.min) / (spec.max - spec.min);
  return Math.round(f * SLIDER_STEPS);
}

function fromSlider(spec: SliderSpec, position: number): number {
  const f = position / SLIDER_STEPS;
  const raw = spec.log ? spec.min * Math.pow(spec.max / spec.min, f) : spec.min + f * (spec.max - spec.min);
  return clampField(spec.field, RANGES[spec.field].integer ? Math.round(raw) : Number(raw.toPrecision(2)));
}

/** The settings panel: mode, sliders with exact number boxes, crash, seed, playback, scenarios. */
export class Controls {
  readonly element: HTMLElement;
  private config: PlaygroundConfig;
  private readonly sync: Array<(config: PlaygroundConfig) => void> = [];
  private readonly playButton: HTMLButtonElement;

  constructor(initial: PlaygroundConfig, private readonly handlers: ControlHandlers) {
    this.config = { ...initial };
    this.playButton = el('button', { type: 'button', class: 'primary', 'data-testid': 'play' }, 'Play');
    this.playButton.addEventListener('click', () => handlers.playPause());
    const button = (label: string, testId: string, action: () => void, title: string) => {
      const b = el('button', { type: 'button', 'data-testid': testId, title }, label);
      b.addEventListener('click', action);
      return b;
    };
    this.element = el(
      'form',
      { class: 'controls', 'aria-label': 'Playground settings' },
      el(
        'div',
        { class: 'buttons' },
        this.playButton,
        button('Step', 'step', () => handlers.step(), 'Advance one gossip period'),
        button('Reset', 'reset', () => handlers.reset(), 'Back to time 0, same settings'),
        button('Run to end', 'run-to-end', () => handlers.runToEnd(), 'Compute both runs to the end at once'),
      ),
      this.speedRow(),
      this.modeRow(),
      ...SLIDERS.map((spec) => this.sliderRow(spec)),
      this.crashRow(),
      this.seedRow(),
      el('fieldset', { class: 'scenarios' }, el('legend', {}, 'Try'), ...SCENARIOS.map((s) => this.scenarioButton(s))),
    );
    this.element.addEventListener('submit', (event) => event.preventDefault());
    this.setConfig(this.config);
  }

  /** Shows `config` in every control (after a scenario, a hook call or a URL). */
  setConfig(config: PlaygroundConfig): void {
    this.config = { ...config };
    for (const update of this.sync) update(this.config);
  }

  setPlaying(playing: boolean, done: boolean): void {
    const label = playing ? 'Pause' : done ? 'Replay' : 'Play';
    if (this.playButton.textContent !== label) this.playButton.textContent = label;
  }

  private commit(change: Partial<PlaygroundConfig>): void {
    this.config = { ...this.config, ...change };
    this.handlers.config(this.config);
  }

  private modeRow(): HTMLElement {
    const select = el('select', { id: 'pg-mode', 'data-testid': 'mode' }, ...GOSSIP_MODES.map((m) => el('option', { value: m }, m)));
    select.addEventListener('change', () => {
      if (isGossipMode(select.value)) this.commit({ mode: select.value as GossipMode });
    });
    this.sync.push((c) => (select.value = c.mode));
    return el('div', { class: 'row' }, el('label', { for: 'pg-mode' }, 'Gossip mode'), select, el('output', {}, 'vs naive broadcast'));
  }

  private sliderRow(spec: SliderSpec): HTMLElement {
    const id = `pg-${spec.field}`;
    const range = RANGES[spec.field];
    const slider = el('input', { type: 'range', min: 0, max: SLIDER_STEPS, step: 1, 'aria-label': `${spec.label} slider`, title: spec.title });
    const box = el('input', { type: 'number', id, min: range.min, max: range.max, step: range.integer ? 1 : 'any', 'data-testid': spec.field, title: spec.title });
    const output = el('output', { for: id });
    const show = (value: number) => {
      slider.value = String(toSlider(spec, value));
      box.value = String(value);
      output.textContent = spec.describe(value);
    };
    slider.addEventListener('input', () => {
      const value = fromSlider(spec, Number(slider.value));
      box.value = String(value);
      output.textContent = spec.describe(value);
    });
    slider.addEventListener('change', () => this.commit({ [spec.field]: fromSlider(spec, Number(slider.value)) }));
    box.addEventListener('change', () => {
      const value = clampField(spec.field, Number(box.value));
      show(value);
      this.commit({ [spec.field]: value });
    });
    this.sync.push((c) => show(c[spec.field]));
    return el('div', { class: 'row', title: spec.title }, el('label', { for: id }, spec.label), slider, box, output);
  }

  private crashRow(): HTMLElement {
    const box = el('input', { type: 'checkbox', id: 'pg-crash', 'data-testid': 'crashOrigin' });
    const slider = el('input', { type: 'range', min: 0, max: 100, step: 1, 'aria-label': 'Crash point', 'data-testid': 'crashAtFraction' });
    const output = el('output', {});
    const show = (c: PlaygroundConfig) => {
      box.checked = c.crashOrigin;
      slider.value = String(Math.round(c.crashAtFraction * 100));
      slider.disabled = !c.crashOrigin;
      output.textContent = `after ${Math.round(c.crashAtFraction * 100)}% of its naive sends`;
    };
    box.addEventListener('change', () => this.commit({ crashOrigin: box.checked }));
    slider.addEventListener('input', () => (output.textContent = `after ${slider.value}% of its naive sends`));
    slider.addEventListener('change', () => this.commit({ crashAtFraction: Number(slider.value) / 100 }));
    this.sync.push(show);
    const title = 'The origin crashes this far into naive broadcast’s sending time; both runs lose it at that moment.';
    return el('div', { class: 'row', title }, el('label', { for: 'pg-crash' }, box, ' Crash the origin'), slider, el('span', {}), output);
  }

  private seedRow(): HTMLElement {
    const box = el('input', { type: 'number', id: 'pg-seed', min: 0, max: RANGES.seed.max, step: 1, 'data-testid': 'seed' });
    box.addEventListener('change', () => this.commit({ seed: clampField('seed', Number(box.value)) }));
    const fresh = el('button', { type: 'button', title: 'A new random seed', 'data-testid': 'new-seed' }, 'New');
    fresh.addEventListener('click', () => this.commit({ seed: crypto.getRandomValues(new Uint32Array(1))[0] ?? 1 }));
    this.sync.push((c) => (box.value = String(c.seed)));
    const title = 'Same seed, same network and same runs: change it for another topology and other random choices.';
    return el('div', { class: 'row', title }, el('label', { for: 'pg-seed' }, 'Seed'), box, fresh, el('output', {}, 'same seed, same run'));
  }

  private speedRow(): HTMLElement {
    // Log scale: 0.01x .. 100x of real time; default 0.5x.
    const slider = el('input', { type: 'range', id: 'pg-speed', min: -200, max: 200, step: 1, value: -30, 'data-testid': 'speed' });
    const output = el('output', { for: 'pg-speed' });
    const apply = () => {
      const factor = Math.pow(10, Number(slider.value) / 100);
      output.textContent = `${Number(factor.toPrecision(2))}x real time`;
      this.handlers.speed(factor);
    };
    slider.addEventListener('input', apply);
    queueMicrotask(apply);
    return el('div', { class: 'row' }, el('label', { for: 'pg-speed' }, 'Speed'), slider, el('span', {}), output);
  }

  private scenarioButton(s: Scenario): HTMLElement {
    const b = el('button', { type: 'button', title: s.explanation, 'data-testid': `scenario-${s.id}` }, s.label);
    b.addEventListener('click', () => {
      this.setConfig(s.config);
      this.handlers.config(this.config);
    });
    return b;
  }
}

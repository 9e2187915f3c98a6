import { el, setText } from '../ui/dom.ts';
import type { ChartSnapshot, PlaygroundHook, PlaygroundState } from './api.ts';
import { Chart, COLORS } from './chart.ts';
import { formatMs, stepSeries } from './chart-data.ts';
import { configToQuery, DRAW_LIMIT, validateConfig, type PlaygroundConfig } from './config.ts';
import { Controls } from './controls.ts';
import { radialLayout, type Point } from './layout.ts';
import { Playground } from './model.ts';
import { NetworkView } from './network-view.ts';
import { ORIGIN } from './run.ts';
import { StatsPanel } from './stats-panel.ts';
import { theoryRoundsFor } from './theory-curve.ts';

/** Wall-clock budget of simulation work per animation frame, ms. */
const FRAME_BUDGET_MS = 14;

/**
 * The playground page: the controls, the two panes (naive broadcast and the chosen gossip mode on
 * the same network), the chart, and the animation loop that advances the model on a virtual clock
 * at the chosen speed. All simulation is in the pure model; this file only draws and wires.
 */
export class PlaygroundPage {
  private config: PlaygroundConfig;
  private model: Playground;
  private playing = false;
  /** Compute to the end as fast as the frame budget allows (the "Run to end" button). */
  private fastForward = false;
  private speed = 0.5;
  private lastFrameAt: number | null = null;
  private frameRequest = 0;
  private behind = false;
  private layoutKey = '';
  private layout: Point[] | null = null;
  private readonly controls: Controls;
  private readonly naiveView: NetworkView;
  private readonly gossipView: NetworkView;
  private readonly naiveStats = new StatsPanel();
  private readonly gossipStats = new StatsPanel();
  private readonly chart: Chart;
  private readonly clock = el('span', { class: 'clock', 'data-testid': 'clock' });
  private readonly verdict = el('p', { class: 'verdict', 'data-testid': 'verdict' });
  private readonly gossipTitle = el('h2', {});
  private readonly networkNote = el('p', { class: 'note' });
  private readonly theoryNote = el('p', { class: 'note' });

  constructor(root: HTMLElement, initial: PlaygroundConfig, problems: readonly string[]) {
    this.config = validateConfig({ ...initial });
    this.controls = new Controls(this.config, {
      config: (next) => this.apply(next),
      playPause: () => this.playPause(),
      step: () => this.step(),
      reset: () => this.reset(),
      runToEnd: () => this.runToEnd(),
      speed: (factor) => (this.speed = factor),
    });
    const naiveCanvas = el('canvas', { class: 'network', 'aria-label': 'Naive broadcast: the network', 'data-testid': 'naive-canvas' });
    const gossipCanvas = el('canvas', { class: 'network', 'aria-label': 'Gossip: the network', 'data-testid': 'gossip-canvas' });
    const chartCanvas = el('canvas', { class: 'chart', 'aria-label': 'Informed fraction over time', 'data-testid': 'chart' });
    this.naiveView = new NetworkView(naiveCanvas, COLORS.naive);
    this.gossipView = new NetworkView(gossipCanvas, COLORS.gossip);
    this.chart = new Chart(chartCanvas);
    root.replaceChildren(
      el(
        'header',
        {},
        el('h1', {}, 'Gossip playground'),
        el(
          'p',
          {},
          'One rumor starts at the ringed node. On the left the origin sends it to every node itself; on the right the nodes gossip it over a random overlay of a few links each, using the same gossip core as the ',
          el('a', { href: './' }, 'mesh page'),
          '. Same seed, same network, same latencies and uplinks. Everything runs in this page.',
        ),
        problems.length > 0 ? el('p', { class: 'problems', role: 'alert' }, `Ignored URL settings: ${problems.join('; ')}`) : null,
      ),
      el(
        'main',
        {},
        el('aside', {}, this.controls.element),
        el(
          'div',
          { class: 'stage' },
          el('div', { class: 'status' }, this.clock, this.verdict),
          el(
            'div',
            { class: 'panes' },
            el('section', { class: 'pane naive' }, el('h2', {}, 'Naive broadcast'), naiveCanvas, this.naiveStats.element),
            el('section', { class: 'pane gossip' }, this.gossipTitle, gossipCanvas, this.gossipStats.element),
          ),
          el('section', { class: 'chart-card' }, el('h2', {}, 'Informed nodes over time'), chartCanvas, this.theoryNote, this.networkNote),
        ),
      ),
    );
    this.model = this.build(this.config);
    window.addEventListener('resize', () => this.render());
    this.render();
  }

  /** The test hook (see api.ts). */
  hook(): PlaygroundHook {
    return {
      config: () => ({ ...this.config }),
      configure: (settings) => {
        const next = validateConfig({ ...this.config, ...settings });
        this.controls.setConfig(next);
        this.apply(next);
        return { ...next };
      },
      runToCompletion: () => {
        this.pause();
        const summary = this.model.runToCompletion();
        this.render();
        return summary;
      },
      summary: () => this.model.summary(),
      chart: () => this.chart.snapshot() ?? this.renderChart(),
      play: () => {
        if (!this.playing) this.playPause();
      },
      pause: () => this.pause(),
      step: () => this.step(),
      reset: () => this.reset(),
      state: (): PlaygroundState => ({
        nowMs: this.model.now,
        playing: this.playing,
        done: this.model.done,
        drawnNodes: this.layout === null ? 0 : this.layout.length,
      }),
    };
  }

  private apply(next: PlaygroundConfig): void {
    this.config = validateConfig({ ...next });
    history.replaceState(null, '', `${location.pathname}${configToQuery(this.config)}`);
    this.pause();
    this.model = this.build(this.config);
    this.render();
  }

  private build(config: PlaygroundConfig): Playground {
    const draw = config.nodes <= DRAW_LIMIT;
    const model = new Playground(config, { trackFlights: draw });
    const key = `${config.nodes}/${config.degree}/${config.seed}`;
    if (!draw) this.layout = null;
    else if (key !== this.layoutKey || this.layout === null) this.layout = radialLayout(model.overlay, ORIGIN, config.seed);
    this.layoutKey = draw ? key : '';
    this.naiveView.setNetwork({ overlay: model.overlay, points: this.layout, star: true });
    this.gossipView.setNetwork({ overlay: model.overlay, points: this.layout, star: false });
    this.lastFrameAt = null;
    this.fastForward = false;
    return model;
  }

  private playPause(): void {
    if (this.playing) {
      this.pause();
      return;
    }
    if (this.model.done) this.model = this.build(this.config);
    this.playing = true;
    this.lastFrameAt = null;
    this.schedule();
  }

  private pause(): void {
    this.playing = false;
    this.fastForward = false;
    this.controls.setPlaying(false, this.model.done);
  }

  private step(): void {
    this.pause();
    this.model.advanceTo(this.model.now + this.config.periodMs);
    this.render();
  }

  private reset(): void {
    this.pause();
    this.model = this.build(this.config);
    this.render();
  }

  private runToEnd(): void {
    this.fastForward = true;
    this.playing = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.frameRequest === 0) this.frameRequest = requestAnimationFrame((t) => this.frame(t));
  }

  private frame(timestamp: number): void {
    this.frameRequest = 0;
    if (this.playing) {
      const elapsed = this.lastFrameAt === null ? 0 : Math.min(100, timestamp - this.lastFrameAt);
      this.lastFrameAt = timestamp;
      const model = this.model;
      const target = this.fastForward ? model.horizonMs : model.now + elapsed * this.speed;
      const slice = Math.max(1, this.config.periodMs / 4);
      const deadline = performance.now() + FRAME_BUDGET_MS;
      while (model.now < target && !model.done && performance.now() < deadline) model.advanceTo(Math.min(target, model.now + slice));
      this.behind = !this.fastForward && model.now < target && !model.done;
      if (model.done) this.pause();
    }
    this.render();
    if (this.playing) this.schedule();
  }

  private render(): void {
    const model = this.model;
    this.controls.setPlaying(this.playing, model.done);
    this.naiveView.draw(model.naive);
    this.gossipView.draw(model.gossip);
    this.naiveStats.update(model.naive);
    this.gossipStats.update(model.gossip);
    setText(this.gossipTitle, `Gossip: ${this.config.mode}`);
    setText(this.clock, `t = ${formatMs(model.now)}${this.behind ? ' (the simulation is behind real time)' : ''}`);
    setText(this.verdict, verdict(model));
    this.renderChart();
    const degrees = model.overlay.adjacency.reduce((s, a) => s + a.length, 0) / model.overlay.nodes;
    setText(
      this.networkNote,
      `${model.config.nodes} nodes, ${model.overlay.edgeCount} overlay links (mean degree ${degrees.toFixed(1)}); one naive copy is ${model.rumorMessageBytes} bytes, ` +
        `so the origin needs ${formatMs((model.config.nodes - 1) * (model.rumorMessageBytes / model.config.throughputBytesPerMs))} to send all ${model.config.nodes - 1}` +
        (this.layout === null ? `; more than ${DRAW_LIMIT} nodes: each cell of the grid is one node.` : '.'),
    );
    const rounds = theoryRoundsFor(this.config.mode, this.config.nodes);
    setText(
      this.theoryNote,
      'Dashed: the mean-field model on a complete graph (no overlay, no queueing)' +
        (rounds === null ? '.' : `; ${this.config.mode} needs about ${rounds.toFixed(1)} rounds (${formatMs(rounds * this.config.periodMs)}) to reach all ${this.config.nodes}.`),
    );
  }

  private renderChart(): ChartSnapshot {
    const model = this.model;
    // A finished run's line carries on, flat, to the shared clock.
    const endOf = (run: Playground['naive']) => (run.done ? Math.max(run.now, model.now) : run.now);
    return this.chart.draw({
      naive: stepSeries(model.naive.informedTimesMs, model.naive.size, endOf(model.naive)),
      gossip: stepSeries(model.gossip.informedTimesMs, model.gossip.size, endOf(model.gossip)),
      theoryGossip: model.theory.gossip,
      theoryNaive: model.theory.naive,
      gossipLabel: `gossip (${this.config.mode})`,
      crashAtMs: model.crashAtMs,
      nowMs: model.now,
    });
  }
}

function verdict(model: Playground): string {
  const naive = model.naive.completeAtMs;
  const gossip = model.gossip.completeAtMs;
  if (naive !== null && gossip !== null) {
    if (naive === gossip) return 'Both reached every live node at the same time.';
    const [first, firstAt, otherAt] = naive < gossip ? ['Naive broadcast', naive, gossip] : ['Gossip', gossip, naive];
    return `${first} reached every live node first: ${formatMs(firstAt)} against ${formatMs(otherAt)}.`;
  }
  if (naive !== null) return `Naive broadcast reached everyone at ${formatMs(naive)}; gossip is still going.`;
  if (gossip !== null) {
    return model.naive.done
      ? `Only gossip reached every live node (${formatMs(gossip)}); naive broadcast stopped at ${model.naive.informedLive} of ${model.naive.live}.`
      : `Gossip reached everyone at ${formatMs(gossip)}; naive broadcast is still sending.`;
  }
  if (model.done) return 'Neither reached every live node.';
  return model.now === 0 ? 'Press Play (or Step) to start.' : 'Spreading…';
}

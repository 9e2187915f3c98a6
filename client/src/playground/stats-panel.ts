import { el, formatBytes, formatCount, setText } from '../ui/dom.ts';
import { formatMs } from './chart-data.ts';
import { ORIGIN, type PlaygroundRun } from './run.ts';

/** The numbers under one pane: informed, when everyone had it, messages, bytes, losses. */
export class StatsPanel {
  readonly element: HTMLElement;
  private readonly informed = el('dd', { 'data-testid': 'informed' });
  private readonly complete = el('dd', { 'data-testid': 'complete' });
  private readonly messages = el('dd');
  private readonly bytes = el('dd');
  private readonly lost = el('dd');

  constructor() {
    this.element = el(
      'dl',
      { class: 'stats' },
      el('dt', {}, 'informed'),
      this.informed,
      el('dt', {}, 'everyone by'),
      this.complete,
      el('dt', {}, 'messages'),
      this.messages,
      el('dt', {}, 'bytes sent'),
      this.bytes,
      el('dt', {}, 'lost'),
      this.lost,
    );
  }

  update(run: PlaygroundRun): void {
    const percent = ((100 * run.informed) / run.size).toFixed(run.informed === run.size ? 0 : 1);
    setText(this.informed, `${formatCount(run.informed)} / ${formatCount(run.size)} (${percent}%)`);
    let complete: string;
    if (run.completeAtMs !== null) complete = formatMs(run.completeAtMs);
    else if (run.done) complete = `never (${formatCount(run.live - run.informedLive)} live nodes missed it)`;
    else complete = 'not yet';
    setText(this.complete, complete);
    // Naive broadcast hands all N-1 copies to the origin's uplink at once; most wait there.
    const queued = run.kind === 'naive' ? Math.round(run.backlogMs(ORIGIN) / (run.rumorMessageBytes / run.config.throughputBytesPerMs)) : 0;
    setText(
      this.messages,
      queued > 0
        ? `${formatCount(run.stats.messages)} (${formatCount(queued)} still queued at the origin)`
        : `${formatCount(run.stats.messages)} (${formatCount(run.stats.payloadMessages)} with the rumor)`,
    );
    setText(this.bytes, formatBytes(run.stats.bytes));
    setText(this.lost, run.stats.droppedByCrash > 0 ? `${formatCount(run.stats.lost)}; ${formatCount(run.stats.droppedByCrash)} died with the origin` : formatCount(run.stats.lost));
  }
}

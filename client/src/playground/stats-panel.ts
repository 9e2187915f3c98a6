import { el, formatBytes, formatCount, setText } from '../ui/dom.ts';
import { formatMs } from './chart-data.ts';
import { ORIGIN, type PlaygroundRun } from './run.ts';

/**
 * What has left the uplinks by the run's clock. The run counts a message when it is handed to an
 * uplink; naive broadcast hands all N-1 copies to the origin's at t = 0, so "sent" would read the
 * whole broadcast before a byte moved. Bytes still queued (each uplink's backlog times its
 * throughput) are taken off, and the naive origin's queued copies are counted apart.
 */
export function sentSoFar(run: PlaygroundRun): { messages: number; bytes: number; queuedAtOrigin: number } {
  const throughput = run.config.throughputBytesPerMs;
  let queuedBytes = 0;
  for (let i = 0; i < run.size; i++) queuedBytes += run.backlogMs(i) * throughput;
  const copyMs = run.rumorMessageBytes / throughput;
  // The copy on the wire right now is partly out: it counts as queued until its last byte left.
  const queuedAtOrigin = run.kind === 'naive' ? Math.max(0, Math.ceil(run.backlogMs(ORIGIN) / copyMs - 1e-9)) : 0;
  return {
    messages: run.stats.messages - queuedAtOrigin,
    bytes: Math.max(0, Math.round(run.stats.bytes - queuedBytes)),
    queuedAtOrigin,
  };
}

/** The numbers under one pane: informed, when everyone had it, messages, bytes, losses. */
export class StatsPanel {
  readonly element: HTMLElement;
  private readonly informed = el('dd', { 'data-testid': 'informed' });
  private readonly complete = el('dd', { 'data-testid': 'complete' });
  private readonly messages = el('dd');
  private readonly bytes = el('dd', { 'data-testid': 'bytes-sent' });
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
    const sent = sentSoFar(run);
    setText(
      this.messages,
      sent.queuedAtOrigin > 0
        ? `${formatCount(sent.messages)} (${formatCount(sent.queuedAtOrigin)} more queued at the origin)`
        : `${formatCount(sent.messages)} (${formatCount(run.stats.payloadMessages)} with the rumor)`,
    );
    setText(this.bytes, formatBytes(sent.bytes));
    setText(this.lost, run.stats.droppedByCrash > 0 ? `${formatCount(run.stats.lost)}; ${formatCount(run.stats.droppedByCrash)} died with the origin` : formatCount(run.stats.lost));
  }
}

/** A Chromium trace (JSON traceEvents) summed up by thread and by event: whose CPU it was. */

export interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/** Thread time (µs) of a complete event, or its wall duration where the trace has no thread clock. */
const cpuUs = (e: TraceEvent): number => e.tdur ?? e.dur ?? 0;

/** CPU ms of top-level tasks per thread name, and of every event on renderer main threads per event name. */
export function summarizeTrace(events: readonly TraceEvent[]): { byThread: Map<string, number>; rendererMain: Map<string, number> } {
  const threadName = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threadName.set(`${e.pid}:${e.tid}`, e.args?.name ?? '?');
  const byThread = new Map<string, number>();
  const rendererMain = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number): void => void map.set(key, (map.get(key) ?? 0) + us / 1000);
  for (const e of events) {
    if (e.ph !== 'X') continue;
    const thread = threadName.get(`${e.pid}:${e.tid}`) ?? '?';
    if (e.name === 'ThreadControllerImpl::RunTask') add(byThread, thread, cpuUs(e));
    if (thread === 'CrRendererMain') add(rendererMain, e.name, cpuUs(e));
  }
  return { byThread, rendererMain };
}

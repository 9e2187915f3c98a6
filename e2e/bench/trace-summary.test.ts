import { describe, expect, it } from 'vitest';
import { summarizeTrace, type TraceEvent } from './trace-summary.ts';

const meta = (pid: number, tid: number, name: string): TraceEvent => ({ name: 'thread_name', ph: 'M', pid, tid, args: { name } });

describe('summarizeTrace', () => {
  it('sums task thread time per thread name across processes, and renderer main-thread events per name', () => {
    const events: TraceEvent[] = [
      meta(1, 10, 'CrRendererMain'),
      meta(2, 20, 'CrRendererMain'),
      meta(3, 30, 'VizCompositorThread'),
      { name: 'ThreadControllerImpl::RunTask', ph: 'X', pid: 1, tid: 10, dur: 5000, tdur: 4000 },
      { name: 'ThreadControllerImpl::RunTask', ph: 'X', pid: 2, tid: 20, dur: 3000 },
      { name: 'FunctionCall', ph: 'X', pid: 2, tid: 20, dur: 2500, tdur: 2000 },
      { name: 'ThreadControllerImpl::RunTask', ph: 'X', pid: 3, tid: 30, dur: 1000, tdur: 500 },
      { name: 'FunctionCall', ph: 'X', pid: 3, tid: 30, dur: 900 },
      { name: 'FunctionCall', ph: 'B', pid: 1, tid: 10 },
    ];
    const { byThread, rendererMain } = summarizeTrace(events);
    // Thread time where the trace has it, wall time where it does not.
    expect(byThread.get('CrRendererMain')).toBe(7);
    expect(byThread.get('VizCompositorThread')).toBe(0.5);
    // Only renderer main threads, only complete events.
    expect(rendererMain.get('FunctionCall')).toBe(2);
    expect(rendererMain.get('ThreadControllerImpl::RunTask')).toBe(7);
  });

  it('puts threads without a name under "?"', () => {
    const { byThread } = summarizeTrace([{ name: 'ThreadControllerImpl::RunTask', ph: 'X', pid: 9, tid: 9, dur: 1000 }]);
    expect([...byThread]).toEqual([['?', 1]]);
  });
});

import type { TaskDetail, TaskLogLine, TaskSummary } from '@taskdeck/contract';
import { describe, expect, it } from 'vitest';
import { detailFailed, detailFetched, detailLoading, detailLogs, detailSummary } from './task-detail-state';

const line = (at: number, message = `line ${at}`): TaskLogLine => ({ at, level: 'info', message });

const summary = (over: Partial<TaskSummary> = {}): TaskSummary => ({
  id: 't1',
  server: 'cloud-ops',
  tool: 'deploy_service',
  mode: 'task',
  status: 'working',
  createdAt: 0,
  updatedAt: 10,
  ...over,
});

const record = (over: Partial<TaskDetail> = {}): TaskDetail => ({
  ...summary(),
  arguments: { serviceName: 'billing' },
  timeline: [{ status: 'working', at: 0 }],
  logs: [line(1), line(2)],
  ...over,
});

describe('task detail state', () => {
  it('keeps log lines that arrive while the record is on its way, without doubling those it has', () => {
    let state = detailLoading('t1');
    state = detailLogs(state, 't1', [line(2), line(3)]);
    state = detailFetched(state, 't1', record());
    expect(state.status === 'ready' && state.detail.logs.map((l) => l.at)).toEqual([1, 2, 3]);
  });

  it("appends the lines of later batches, and only the open task's", () => {
    let state = detailFetched(detailLoading('t1'), 't1', record());
    state = detailLogs(state, 't1', [line(3)]);
    state = detailLogs(state, 'other', [line(4)]);
    expect(state.status === 'ready' && state.detail.logs.map((l) => l.at)).toEqual([1, 2, 3]);
  });

  it('keeps two different lines logged in the same millisecond', () => {
    let state = detailFetched(detailLoading('t1'), 't1', record({ logs: [line(5, 'a')] }));
    state = detailLogs(state, 't1', [line(5, 'a'), line(5, 'b')]);
    expect(state.status === 'ready' && state.detail.logs.map((l) => l.message)).toEqual(['a', 'b']);
  });

  it('bounds the log like the hub does', () => {
    let state = detailFetched(detailLoading('t1'), 't1', record({ logs: [] }));
    state = detailLogs(
      state,
      't1',
      Array.from({ length: 600 }, (_, i) => line(i + 1)),
    );
    expect(state.status === 'ready' && state.detail.logs.length).toBe(500);
    expect(state.status === 'ready' && state.detail.logs[0]?.at).toBe(101);
  });

  it("takes a newer summary's progress and message in place, and fetches again only for a new status", () => {
    const state = detailFetched(detailLoading('t1'), 't1', record());
    const progress = detailSummary(
      state,
      summary({ updatedAt: 20, progress: 3, total: 9, statusMessage: 'step 3' }),
    );
    expect(progress.refetch).toBe(false);
    expect(progress.state.status === 'ready' && progress.state.detail).toMatchObject({
      progress: 3,
      statusMessage: 'step 3',
      arguments: { serviceName: 'billing' },
      logs: [line(1), line(2)],
    });
    const ended = detailSummary(progress.state, summary({ updatedAt: 30, status: 'completed' }));
    expect(ended.refetch).toBe(true);
    // The next summaries with that status need no second fetch.
    expect(detailSummary(ended.state, summary({ updatedAt: 31, status: 'completed' })).refetch).toBe(false);
  });

  it("ignores an older summary and another task's", () => {
    const state = detailFetched(detailLoading('t1'), 't1', record({ updatedAt: 50, statusMessage: 'new' }));
    expect(detailSummary(state, summary({ updatedAt: 40, statusMessage: 'old' })).state).toBe(state);
    expect(detailSummary(state, summary({ id: 't2', updatedAt: 60 })).state).toBe(state);
  });

  it('says missing or failed while loading, but a failed refresh keeps the record shown', () => {
    expect(detailFetched(detailLoading('t1'), 't1', null)).toEqual({ status: 'missing', taskId: 't1' });
    expect(detailFailed(detailLoading('t1'), 't1', 'offline')).toEqual({
      status: 'error',
      taskId: 't1',
      message: 'offline',
    });
    const ready = detailFetched(detailLoading('t1'), 't1', record());
    expect(detailFailed(ready, 't1', 'offline')).toBe(ready);
  });

  it('drops the answer for a task that is no longer open', () => {
    const state = detailLoading('t2');
    expect(detailFetched(state, 't1', record())).toBe(state);
  });
});

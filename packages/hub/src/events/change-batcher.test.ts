import type { TaskSummary } from '@taskdeck/contract';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChangeBatcher } from './change-batcher.js';

const summary = (id: string, progress: number, status: TaskSummary['status'] = 'working'): TaskSummary => ({
  id,
  server: 's',
  tool: 't',
  mode: 'task',
  status,
  progress,
  createdAt: 0,
  updatedAt: progress,
});

describe('ChangeBatcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('turns thousands of updates into one batch per interval with the latest state of each task', () => {
    const batches: Parameters<ConstructorParameters<typeof ChangeBatcher>[0]>[0][] = [];
    const batcher = new ChangeBatcher(
      (b) => batches.push(b),
      33,
      () => Date.now(),
    );
    for (let second = 0; second < 2; second++) {
      for (let i = 0; i < 5000; i++) {
        batcher.task(summary(`t${i % 10}`, second * 5000 + i));
        if (i % 500 === 0) vi.advanceTimersByTime(10);
      }
      vi.advanceTimersByTime(1000);
    }
    expect(batches.length).toBeLessThanOrEqual(2 * 31);
    const last = batches.at(-1);
    expect(last?.tasks).toHaveLength(10);
    expect(last?.tasks.find((t) => t.id === 't9')?.progress).toBe(9999);
  });

  it('never drops a final state and keeps every log line', () => {
    const batches: { tasks: TaskSummary[]; logs: { taskId: string; lines: unknown[] }[] }[] = [];
    const batcher = new ChangeBatcher(
      (b) => batches.push(b),
      33,
      () => Date.now(),
    );
    batcher.task(summary('a', 1));
    batcher.log('a', { at: 1, level: 'info', message: 'one' });
    batcher.log('a', { at: 2, level: 'info', message: 'two' });
    batcher.task(summary('a', 2, 'completed'));
    vi.advanceTimersByTime(40);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.tasks).toEqual([summary('a', 2, 'completed')]);
    expect(batches[0]?.logs).toEqual([
      {
        taskId: 'a',
        lines: [expect.objectContaining({ message: 'one' }), expect.objectContaining({ message: 'two' })],
      },
    ]);
  });

  it('sends a new notice alone, once', () => {
    const batches: Parameters<ConstructorParameters<typeof ChangeBatcher>[0]>[0][] = [];
    const batcher = new ChangeBatcher(
      (b) => batches.push(b),
      33,
      () => Date.now(),
    );
    const notice = { id: 'n', at: 1, level: 'error' as const, message: 'history not written' };
    batcher.notice(notice);
    vi.advanceTimersByTime(40);
    batcher.task(summary('a', 1));
    vi.advanceTimersByTime(40);
    expect(batches).toEqual([
      { type: 'batch', tasks: [], servers: [], logs: [], notices: [notice] },
      { type: 'batch', tasks: [summary('a', 1)], servers: [], logs: [] },
    ]);
  });

  it('sends a removed server’s name instead of its last state, and a server added back again', () => {
    const batches: Parameters<ConstructorParameters<typeof ChangeBatcher>[0]>[0][] = [];
    const batcher = new ChangeBatcher(
      (b) => batches.push(b),
      33,
      () => Date.now(),
    );
    const info = (status: 'ready' | 'stopped') => ({
      name: 'r',
      bundled: false,
      status,
      restarts: 0,
      tools: [],
      stderrTail: [],
    });
    batcher.server(info('ready'));
    batcher.serverRemoved('r');
    vi.advanceTimersByTime(40);
    batcher.serverRemoved('r');
    batcher.server(info('stopped'));
    vi.advanceTimersByTime(40);
    expect(batches).toEqual([
      { type: 'batch', tasks: [], servers: [], logs: [], removedServers: ['r'] },
      { type: 'batch', tasks: [], servers: [info('stopped')], logs: [] },
    ]);
  });

  it('sends nothing when nothing changed', () => {
    const emit = vi.fn();
    const batcher = new ChangeBatcher(emit, 33, () => Date.now());
    batcher.flush();
    vi.advanceTimersByTime(100);
    expect(emit).not.toHaveBeenCalled();
  });
});

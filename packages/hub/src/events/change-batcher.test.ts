import type { TaskSummary } from '@taskdeck/contract';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChangeBatcher } from './change-batcher.js';

type Batch = Parameters<ConstructorParameters<typeof ChangeBatcher>[0]>[0];

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

/** Lets queued microtasks (the leading-edge batch) run. */
const microtasks = () => new Promise<void>((resolve) => queueMicrotask(resolve));

function batcher(intervalMs = 33) {
  const batches: Batch[] = [];
  const at: number[] = [];
  const b = new ChangeBatcher(
    (batch) => {
      batches.push(batch);
      at.push(Date.now());
    },
    intervalMs,
    () => Date.now(),
  );
  return { b, batches, at };
}

describe('ChangeBatcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends the first change after a quiet spell at once, with the rest of the same step', async () => {
    const { b, batches } = batcher();
    b.task(summary('a', 1));
    b.log('a', { at: 1, level: 'info', message: 'one' });
    expect(batches).toHaveLength(0); // not inside the caller's step...
    await microtasks(); // ...but right after it, without any timer
    expect(batches).toEqual([
      {
        type: 'batch',
        tasks: [summary('a', 1)],
        servers: [],
        logs: [{ taskId: 'a', lines: [expect.objectContaining({ message: 'one' })] }],
      },
    ]);
    // Quiet again for longer than the interval: the next change goes at once too.
    vi.advanceTimersByTime(100);
    b.task(summary('a', 2));
    await microtasks();
    expect(batches).toHaveLength(2);
  });

  it('holds a change that follows a batch within the interval for the rest of the interval', async () => {
    const { b, batches, at } = batcher();
    const start = Date.now();
    b.task(summary('a', 1));
    await microtasks();
    vi.advanceTimersByTime(10);
    b.task(summary('a', 2));
    b.task(summary('a', 3));
    await microtasks();
    expect(batches).toHaveLength(1);
    vi.advanceTimersByTime(22);
    expect(batches).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(batches).toHaveLength(2);
    expect((at[1] ?? 0) - start).toBe(33);
    expect(batches[1]?.tasks).toEqual([summary('a', 3)]);
  });

  it('keeps to one batch per interval under a flood, and the last batch has every final state', async () => {
    const { b, batches, at } = batcher();
    for (let ms = 0; ms < 2000; ms++) {
      for (let i = 0; i < 5; i++) b.task(summary(`t${i}`, ms * 5 + i));
      await vi.advanceTimersByTimeAsync(1);
    }
    for (let i = 0; i < 5; i++) b.task(summary(`t${i}`, 99_999, 'completed'));
    await vi.advanceTimersByTimeAsync(100);
    // Never two batches closer than the interval: at most ~30 a second.
    for (let i = 1; i < at.length; i++) expect((at[i] ?? 0) - (at[i - 1] ?? 0)).toBeGreaterThanOrEqual(33);
    expect(batches.length).toBeLessThanOrEqual(Math.ceil(2100 / 33) + 1);
    expect(batches.length).toBeGreaterThan(50);
    const last = batches.at(-1);
    expect(last?.tasks.map((t) => t.status)).toEqual(Array(5).fill('completed'));
  });

  it('never drops a final state and keeps every log line', async () => {
    const { b, batches } = batcher();
    b.task(summary('a', 1));
    b.log('a', { at: 1, level: 'info', message: 'one' });
    b.log('a', { at: 2, level: 'info', message: 'two' });
    b.task(summary('a', 2, 'completed'));
    await microtasks();
    expect(batches).toHaveLength(1);
    expect(batches[0]?.tasks).toEqual([summary('a', 2, 'completed')]);
    expect(batches[0]?.logs).toEqual([
      {
        taskId: 'a',
        lines: [expect.objectContaining({ message: 'one' }), expect.objectContaining({ message: 'two' })],
      },
    ]);
  });

  it('sends a new notice alone, once', async () => {
    const { b, batches } = batcher();
    const notice = { id: 'n', at: 1, level: 'error' as const, message: 'history not written' };
    b.notice(notice);
    await vi.advanceTimersByTimeAsync(40);
    b.task(summary('a', 1));
    await vi.advanceTimersByTimeAsync(40);
    expect(batches).toEqual([
      { type: 'batch', tasks: [], servers: [], logs: [], notices: [notice] },
      { type: 'batch', tasks: [summary('a', 1)], servers: [], logs: [] },
    ]);
  });

  it('sends what is pending on flush, and not again', async () => {
    const { b, batches } = batcher();
    b.task(summary('a', 1));
    b.flush();
    await vi.advanceTimersByTimeAsync(100);
    expect(batches).toHaveLength(1);
  });

  it('sends nothing when nothing changed', async () => {
    const emit = vi.fn();
    const b = new ChangeBatcher(emit, 33, () => Date.now());
    b.flush();
    await vi.advanceTimersByTimeAsync(100);
    expect(emit).not.toHaveBeenCalled();
  });
});

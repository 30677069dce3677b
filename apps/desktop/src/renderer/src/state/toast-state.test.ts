import type { TaskStatus, TaskSummary } from '@taskdeck/contract';
import { describe, expect, it } from 'vitest';
import { addEndings, BATCH_WINDOW_MS, MAX_TOASTS, seeTask, type Toast, toastLifetime } from './toast-state';

const ended = (id: string, status: TaskStatus, extra: Partial<TaskSummary> = {}): TaskSummary => ({
  id,
  server: 'analytics',
  tool: 'analyze_csv',
  title: `Profile ${id}.csv`,
  mode: 'task',
  status,
  createdAt: 0,
  updatedAt: 1,
  ...extra,
});

function counter() {
  let id = 0;
  return () => ++id;
}

describe('toast state', () => {
  it('tells about one ending with its title and message', () => {
    const toasts = addEndings([], [ended('a', 'completed', { statusMessage: '3 rows' })], {
      now: 0,
      looking: null,
      nextId: counter(),
    });
    expect(toasts).toMatchObject([
      { id: 1, kind: 'success', title: 'Profile a.csv completed', body: '3 rows' },
    ]);
  });

  it('batches endings that come close together: "12 finished, 1 failed"', () => {
    const nextId = counter();
    const storm = Array.from({ length: 12 }, (_, i) => ended(`t${i}`, 'completed'));
    let toasts = addEndings([], storm.slice(0, 5), { now: 0, looking: null, nextId });
    toasts = addEndings(toasts, storm.slice(5), { now: 1000, looking: null, nextId });
    toasts = addEndings(toasts, [ended('bad', 'failed', { error: 'boom' })], {
      now: 1500,
      looking: null,
      nextId,
    });
    expect(toasts).toHaveLength(1);
    expect(toasts[0]).toMatchObject({
      kind: 'error',
      title: '12 finished, 1 failed',
      body: 'Failed: Profile bad.csv',
    });
    // After the window, a new toast starts.
    toasts = addEndings(toasts, [ended('late', 'cancelled')], {
      now: BATCH_WINDOW_MS + 1,
      looking: null,
      nextId,
    });
    expect(toasts.map((t) => t.title)).toEqual(['12 finished, 1 failed', 'Profile late.csv was cancelled']);
  });

  it('names every failed task by its name, whatever the status said (interrupted, or unknown to this version)', () => {
    const toasts = addEndings(
      [],
      [ended('a', 'completed'), ended('gone', 'interrupted'), ended('newer', 'unknown')],
      { now: 0, looking: null, nextId: counter() },
    );
    expect(toasts[0]).toMatchObject({ kind: 'error', body: 'Failed: Profile gone.csv; Profile newer.csv' });
  });

  it('skips the task the user is looking at', () => {
    const toasts = addEndings([], [ended('a', 'completed')], { now: 0, looking: 'a', nextId: counter() });
    expect(toasts).toEqual([]);
  });

  it('keeps errors until dismissed or seen; the others go by themselves', () => {
    const nextId = counter();
    let toasts = addEndings([], [ended('bad', 'failed'), ended('ok', 'completed')], {
      now: 0,
      looking: null,
      nextId,
    });
    expect(toastLifetime(toasts[0] as Toast)).toBeUndefined();
    // Seeing the failed task leaves a toast about the rest, which then goes by itself.
    toasts = seeTask(toasts, 'bad');
    expect(toasts).toMatchObject([{ kind: 'success', title: 'Profile ok.csv completed' }]);
    expect(toastLifetime(toasts[0] as Toast)).toBeGreaterThan(0);
    expect(seeTask(toasts, 'ok')).toEqual([]);
    expect(seeTask(toasts, 'other')).toBe(toasts);
    expect(toastLifetime({ id: 1, kind: 'info', title: 'Uploading', progress: 0.5 })).toBeUndefined();
  });

  it('keeps the newest few', () => {
    const nextId = counter();
    let toasts: readonly Toast[] = [];
    for (let i = 0; i < MAX_TOASTS + 2; i++)
      toasts = addEndings(toasts, [ended(`t${i}`, 'failed')], { now: i * 10_000, looking: null, nextId });
    expect(toasts.map((t) => t.id)).toEqual([3, 4, 5, 6]);
  });
});

import type { TaskSummary } from '@taskdeck/contract';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChangeBatcher, DEFAULT_BATCH_LIMITS } from './change-batcher.js';

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

function batcher(limits = DEFAULT_BATCH_LIMITS) {
  const batches: Batch[] = [];
  const at: number[] = [];
  const b = new ChangeBatcher(
    (batch) => {
      batches.push(batch);
      at.push(Date.now());
    },
    limits,
    () => Date.now(),
  );
  return { b, batches, at };
}

/** The most batches in any window [t, t + 1 s). */
function busiestSecond(at: number[]): number {
  let most = 0;
  for (let i = 0, j = 0; i < at.length; i++) {
    while ((at[i] ?? 0) - (at[j] ?? 0) >= 1000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
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

  it("sends a quiet task's whole life as it happens, each step at once", async () => {
    const { b, batches, at } = batcher();
    const start = Date.now();
    for (const [progress, status] of [
      [0, 'working'],
      [1, 'working'],
      [2, 'working'],
      [3, 'completed'],
    ] as const) {
      b.task(summary('a', progress, status));
      await microtasks();
      vi.advanceTimersByTime(1);
    }
    expect(batches.map((x) => x.tasks[0]?.progress)).toEqual([0, 1, 2, 3]);
    expect(at).toEqual([start, start + 1, start + 2, start + 3]);
  });

  it('holds changes once the burst is spent, until the next token, and coalesces them', async () => {
    const { b, batches, at } = batcher({ perSecond: 30, burst: 4 });
    const start = Date.now();
    for (let i = 0; i < 4; i++) {
      b.task(summary('a', i));
      await microtasks();
    }
    expect(batches).toHaveLength(4);
    b.task(summary('a', 4));
    b.task(summary('a', 5));
    await microtasks();
    expect(batches).toHaveLength(4); // under load now: wait for a token (1000 / 26 ms)
    vi.advanceTimersByTime(38);
    expect(batches).toHaveLength(4);
    vi.advanceTimersByTime(1);
    expect(batches).toHaveLength(5);
    expect(at[4]).toBe(start + 39);
    expect(batches[4]?.tasks).toEqual([summary('a', 5)]);
    // A quiet spell refills the bucket: the leading edge is back.
    vi.advanceTimersByTime(1000);
    b.task(summary('a', 6));
    await microtasks();
    expect(batches).toHaveLength(6);
  });

  it('never sends more than 30 batches in any second under a flood, and the last one has every final state', async () => {
    const { b, batches, at } = batcher();
    for (let ms = 0; ms < 3000; ms++) {
      for (let i = 0; i < 5; i++) b.task(summary(`t${i}`, ms * 5 + i));
      // Quiet spells in the flood refill the bucket: bursts and steady batches mix.
      await vi.advanceTimersByTimeAsync(ms % 1000 === 999 ? 300 : 1);
    }
    for (let i = 0; i < 5; i++) b.task(summary(`t${i}`, 99_999, 'completed'));
    await vi.advanceTimersByTimeAsync(100);
    expect(busiestSecond(at)).toBeLessThanOrEqual(30);
    expect(busiestSecond(at)).toBeGreaterThanOrEqual(26);
    const last = batches.at(-1);
    expect(last?.tasks.map((t) => t.status)).toEqual(Array(5).fill('completed'));
  });

  it('refuses limits that cannot hold', () => {
    expect(() => new ChangeBatcher(() => {}, { perSecond: 30, burst: 0 })).toThrow(/burst/);
    expect(() => new ChangeBatcher(() => {}, { perSecond: 4, burst: 4 })).toThrow(/burst/);
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

  it('sends a removed server’s name instead of its last state, and a server added back again', async () => {
    const { b, batches } = batcher();
    const info = (status: 'ready' | 'stopped') => ({
      name: 'r',
      bundled: false,
      status,
      restarts: 0,
      tools: [],
      stderrTail: [],
    });
    b.server(info('ready'));
    b.serverRemoved('r');
    await vi.advanceTimersByTimeAsync(40);
    b.serverRemoved('r');
    b.server(info('stopped'));
    await vi.advanceTimersByTimeAsync(40);
    expect(batches).toEqual([
      { type: 'batch', tasks: [], servers: [], logs: [], removedServers: ['r'] },
      { type: 'batch', tasks: [], servers: [info('stopped')], logs: [] },
    ]);
  });

  it('sends nothing when nothing changed', async () => {
    const emit = vi.fn();
    const b = new ChangeBatcher(emit, DEFAULT_BATCH_LIMITS, () => Date.now());
    b.flush();
    await vi.advanceTimersByTimeAsync(100);
    expect(emit).not.toHaveBeenCalled();
  });
});

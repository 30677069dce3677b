import type { TaskStore } from '@modelcontextprotocol/sdk/experimental/tasks';
import { McpError, type Request } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { canTransition, type TaskChange, TaskdeckTaskStore } from './task-store.js';

const taskRequest: Request = { method: 'tools/call', params: { name: 't', task: {} } };
const plainRequest: Request = { method: 'tools/call', params: { name: 't' } };

describe('task state machine', () => {
  it('allows working ⇄ input_required and any live state to end', () => {
    expect(canTransition('working', 'input_required')).toBe(true);
    expect(canTransition('input_required', 'working')).toBe(true);
    for (const end of ['completed', 'failed', 'cancelled'] as const) {
      expect(canTransition('working', end)).toBe(true);
      expect(canTransition('input_required', end)).toBe(true);
    }
  });

  it('never leaves a terminal state', () => {
    for (const from of ['completed', 'failed', 'cancelled'] as const) {
      for (const to of ['working', 'input_required', 'completed', 'failed', 'cancelled'] as const) {
        expect(canTransition(from, to)).toBe(false);
      }
    }
  });
});

describe('TaskdeckTaskStore', () => {
  let store: TaskdeckTaskStore;
  let changes: TaskChange[];

  beforeEach(() => {
    vi.useFakeTimers();
    store = new TaskdeckTaskStore({ pageSize: 3, maxFinished: 5, defaultTtlMs: 10_000 });
    changes = [];
    store.onChange((c) => changes.push(c));
  });
  afterEach(() => {
    store.dispose();
    vi.useRealTimers();
  });

  const create = (ttl?: number | null, request = taskRequest) => store.createTask({ ttl }, 1, request);

  it('creates working tasks with the default TTL and poll interval', async () => {
    const task = await create();
    expect(task).toMatchObject({ status: 'working', ttl: 10_000, pollInterval: 500 });
    expect(await store.getTask(task.taskId)).toEqual(task);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ previousStatus: undefined, origin: 'task' });
  });

  it('keeps the record of a plain call only briefly', async () => {
    const plain = await create(3_600_000, plainRequest);
    expect(plain.ttl).toBe(60_000);
  });

  it('clamps a requested TTL to the maximum', async () => {
    const task = await create(10 ** 12);
    expect(task.ttl).toBe(24 * 60 * 60 * 1000);
  });

  it('never expires a running task, however long it runs', async () => {
    const task = await create(1000);
    vi.advanceTimersByTime(60 * 60 * 1000);
    expect(await store.getTask(task.taskId)).not.toBeNull();
  });

  it('counts the TTL from the terminal state', async () => {
    const task = await create(1000);
    vi.advanceTimersByTime(5000);
    store.finish(task.taskId, 'completed', { content: [] });
    vi.advanceTimersByTime(999);
    expect(await store.getTask(task.taskId)).not.toBeNull();
    vi.advanceTimersByTime(1);
    expect(await store.getTask(task.taskId)).toBeNull();
  });

  it('sets, keeps and clears statusMessage', async () => {
    const { taskId } = await create();
    store.setStatus(taskId, 'input_required', 'Confirm?');
    expect((await store.getTask(taskId))?.statusMessage).toBe('Confirm?');
    store.setStatus(taskId, 'working', undefined);
    expect((await store.getTask(taskId))?.statusMessage).toBe('Confirm?');
    store.setStatus(taskId, 'working', null);
    expect(await store.getTask(taskId)).not.toHaveProperty('statusMessage');
  });

  it('reports every status change with the previous status', async () => {
    const { taskId } = await create();
    store.setStatus(taskId, 'input_required', 'Confirm?');
    store.setStatus(taskId, 'working', null);
    store.finish(taskId, 'failed', { content: [], isError: true }, 'boom');
    expect(changes.map((c) => [c.previousStatus, c.task.status])).toEqual([
      [undefined, 'working'],
      ['working', 'input_required'],
      ['input_required', 'working'],
      ['working', 'failed'],
    ]);
    expect(changes.at(-1)?.task.statusMessage).toBe('boom');
  });

  it('refuses to change a terminal task, with -32602', async () => {
    const { taskId } = await create();
    await store.updateTaskStatus(taskId, 'cancelled', 'Client cancelled');
    await expect(store.updateTaskStatus(taskId, 'working')).rejects.toMatchObject({ code: -32602 });
    await expect(store.updateTaskStatus(taskId, 'cancelled')).rejects.toBeInstanceOf(McpError);
    await expect(store.storeTaskResult(taskId, 'completed', { content: [] })).rejects.toThrow(
      /already cancelled/,
    );
    expect((await store.getTask(taskId))?.status).toBe('cancelled');
  });

  it('answers unknown tasks with -32602', async () => {
    await expect(store.getTaskResult('nope')).rejects.toMatchObject({ code: -32602 });
    await expect(store.updateTaskStatus('nope', 'working')).rejects.toMatchObject({ code: -32602 });
    expect(await store.getTask('nope')).toBeNull();
  });

  it('returns the stored result, and a described error for a cancelled task without one', async () => {
    const a = await create();
    const b = await create();
    await expect(store.getTaskResult(a.taskId)).rejects.toThrow(/still working/);
    store.finish(a.taskId, 'completed', { content: [{ type: 'text', text: 'ok' }] });
    expect(await store.getTaskResult(a.taskId)).toEqual({ content: [{ type: 'text', text: 'ok' }] });
    store.setStatus(b.taskId, 'cancelled', 'Client cancelled task execution.');
    expect(await store.getTaskResult(b.taskId)).toEqual({
      content: [{ type: 'text', text: 'Client cancelled task execution.' }],
      isError: true,
    });
  });

  it('keeps at most maxFinished terminal tasks, dropping the oldest finished first', async () => {
    const deleted: string[] = [];
    const bounded = new TaskdeckTaskStore({ maxFinished: 2, onDelete: (id) => deleted.push(id) });
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push((await bounded.createTask({ ttl: null }, i, taskRequest)).taskId);
    const running = (await bounded.createTask({}, 9, taskRequest)).taskId;
    for (const id of [ids[2], ids[0], ids[1], ids[3]] as string[])
      bounded.finish(id, 'completed', { content: [] });
    expect(deleted).toEqual([ids[2], ids[0]]);
    expect(await bounded.getTask(ids[1] as string)).not.toBeNull();
    expect(await bounded.getTask(running)).not.toBeNull();
    expect(bounded.size).toBe(3);
    bounded.dispose();
  });

  it('pages tasks/list by cursor in creation order, hiding plain-call records', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push((await create()).taskId);
      await create(undefined, plainRequest);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.listTasks(cursor);
      expect(page.tasks.length).toBeLessThanOrEqual(3);
      seen.push(...page.tasks.map((t) => t.taskId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(ids);
    expect(pages).toBe(3);
  });

  it('keeps paging correct when tasks expire between pages', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await create(10)).taskId);
    const first = await store.listTasks();
    for (const id of ids.slice(0, 4)) store.finish(id, 'completed', { content: [] });
    vi.advanceTimersByTime(10);
    const second = await store.listTasks(first.nextCursor);
    expect(second.tasks.map((t) => t.taskId)).toEqual(ids.slice(4));
    expect(second.nextCursor).toBeUndefined();
  });

  it('rejects a malformed cursor', async () => {
    await expect(store.listTasks('abc')).rejects.toMatchObject({ code: -32602 });
  });

  it('serves a task to every session: a client that reconnects reads it by id', async () => {
    // As the SDK calls it: with the session id of each request.
    const sdkView: TaskStore = store;
    const mine = await sdkView.createTask({}, 1, taskRequest, 'session-a');
    expect(await sdkView.getTask(mine.taskId, 'session-b')).toMatchObject({ taskId: mine.taskId });
    store.finish(mine.taskId, 'completed', { content: [] });
    expect(await sdkView.getTaskResult(mine.taskId, 'session-b')).toEqual({ content: [] });
    const listed = await sdkView.listTasks(undefined, 'session-b');
    expect(listed.tasks.map((t) => t.taskId)).toEqual([mine.taskId]);
  });
});

import type { QueuedMessage } from '@modelcontextprotocol/sdk/experimental/tasks';
import { describe, expect, it } from 'vitest';
import { TaskdeckMessageQueue } from './message-queue.js';

const message = (id: number): QueuedMessage => ({
  type: 'request',
  message: { jsonrpc: '2.0', id, method: 'elicitation/create', params: {} },
  timestamp: id,
});

describe('TaskdeckMessageQueue', () => {
  it('delivers a task’s messages in order', async () => {
    const queue = new TaskdeckMessageQueue();
    await queue.enqueue('t', message(1));
    await queue.enqueue('t', message(2));
    expect((await queue.dequeue('t'))?.timestamp).toBe(1);
    expect((await queue.dequeueAll('t')).map((m) => m.timestamp)).toEqual([2]);
    expect(await queue.dequeue('t')).toBeUndefined();
  });

  it('creates nothing when an empty queue is read (polling tasks/result cannot grow memory)', async () => {
    const queue = new TaskdeckMessageQueue();
    for (let i = 0; i < 100; i++) await queue.dequeue(`task-${i}`);
    expect(queue.pendingTasks).toBe(0);
    await queue.enqueue('t', message(1));
    await queue.dequeue('t');
    expect(queue.pendingTasks).toBe(0);
  });

  it('refuses messages beyond the limit, and forgets a cleared task', async () => {
    const queue = new TaskdeckMessageQueue();
    await queue.enqueue('t', message(1), undefined, 1);
    await expect(queue.enqueue('t', message(2), undefined, 1)).rejects.toThrow(
      '1 undelivered messages (limit 1)',
    );
    queue.clear('t');
    expect(queue.pendingTasks).toBe(0);
  });
});

describe('TaskdeckMessageQueue across sessions', () => {
  it('says which session took a message, puts one back in front, and removes what is not wanted', async () => {
    const taken: [string, number | undefined, string | undefined][] = [];
    const queue = new TaskdeckMessageQueue((taskId, m, sessionId) =>
      taken.push([taskId, m.timestamp, sessionId]),
    );
    await queue.enqueue('t', message(1));
    await queue.enqueue('t', message(2));
    await queue.enqueue('t', message(3));
    const first = await queue.dequeue('t', 'session-a');
    expect(taken).toEqual([['t', 1, 'session-a']]);
    queue.requeue('t', first as QueuedMessage);
    queue.remove('t', (m) => m.timestamp === 2);
    expect((await queue.dequeue('t', 'session-b'))?.timestamp).toBe(1);
    expect((await queue.dequeue('t', 'session-b'))?.timestamp).toBe(3);
    expect(queue.pendingTasks).toBe(0);
    queue.requeue('u', message(4));
    queue.remove('u', () => true);
    expect(queue.pendingTasks).toBe(0);
  });
});

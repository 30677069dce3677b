import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Task } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { taskCalls } from './task-calls.js';

/** A client that only records its status handler, so a test delivers notifications itself. */
function recordingClient() {
  let handler: ((n: { params: { taskId: string; status: string } }) => void) | undefined;
  const client = {
    setNotificationHandler: (_schema: unknown, h: typeof handler) => {
      handler = h;
    },
  } as unknown as Client;
  const notify = (taskId: string, status: Task['status']) => handler?.({ params: { taskId, status } });
  return { client, notify };
}

const task = (taskId: string, status: Task['status'] = 'working') =>
  ({ taskId, status, createdAt: '', lastUpdatedAt: '', ttl: null }) as Task;

describe('taskCalls', () => {
  it('keeps an end that arrives before the caller waits for it', async () => {
    const { client, notify } = recordingClient();
    const tasks = taskCalls(client);
    notify('a', 'completed');
    expect(await tasks.ended(task('a'))).toMatchObject({ status: 'completed', at: expect.any(Number) });
  });

  it('resolves a wait when the end comes, and ignores statuses that are not ends', async () => {
    const { client, notify } = recordingClient();
    const tasks = taskCalls(client);
    let end: unknown;
    const waiting = tasks.ended(task('b')).then((e) => {
      end = e;
    });
    notify('b', 'working');
    notify('b', 'input_required');
    notify('other', 'failed');
    await Promise.resolve();
    expect(end).toBeUndefined();
    notify('b', 'cancelled');
    await waiting;
    expect(end).toMatchObject({ status: 'cancelled' });
  });

  it('answers at once for a task created already ended', async () => {
    const { client } = recordingClient();
    expect(await taskCalls(client).ended(task('c', 'failed'))).toMatchObject({ status: 'failed' });
  });
});

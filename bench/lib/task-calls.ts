// Tools called as tasks from a bare SDK client, as Taskdeck calls them: tools/call with
// `task`, the task's terminal status notification, then tasks/result. One status handler
// per client; a notification that arrives before its caller waits for it is kept, so a
// task that ends at once cannot be missed.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { isTerminal } from '@modelcontextprotocol/sdk/experimental/tasks';
import {
  type CallToolResult,
  CallToolResultSchema,
  CreateTaskResultSchema,
  type Task,
  TaskStatusNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { wallNow } from './stamp-server.js';

/** How a task ended: its status and when the notification came (wall clock, ms). */
export interface TaskEnd {
  status: Task['status'];
  at: number;
}

export function taskCalls(client: Client) {
  const early = new Map<string, TaskEnd>();
  const waiting = new Map<string, (end: TaskEnd) => void>();
  client.setNotificationHandler(TaskStatusNotificationSchema, (n) => {
    if (!isTerminal(n.params.status)) return;
    const end = { status: n.params.status, at: wallNow() };
    const waiter = waiting.get(n.params.taskId);
    waiting.delete(n.params.taskId);
    if (waiter) waiter(end);
    else early.set(n.params.taskId, end);
  });
  return {
    /** tools/call with `task`: the task as created. */
    async start(name: string, args: Record<string, unknown>, meta?: Record<string, unknown>): Promise<Task> {
      const { task } = await client.request(
        { method: 'tools/call', params: { name, arguments: args, task: {}, ...(meta && { _meta: meta }) } },
        CreateTaskResultSchema,
      );
      return task;
    },
    /** Resolves when the task ends (at once if it was created ended). */
    ended(task: Task): Promise<TaskEnd> {
      if (isTerminal(task.status)) return Promise.resolve({ status: task.status, at: wallNow() });
      const end = early.get(task.taskId);
      early.delete(task.taskId);
      if (end) return Promise.resolve(end);
      return new Promise((resolve) => waiting.set(task.taskId, resolve));
    },
    /** tasks/result. */
    result(taskId: string, timeoutMs?: number): Promise<CallToolResult> {
      return client.experimental.tasks.getTaskResult(
        taskId,
        CallToolResultSchema,
        timeoutMs === undefined ? undefined : { timeout: timeoutMs },
      );
    },
  };
}

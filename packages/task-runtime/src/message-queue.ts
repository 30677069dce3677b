import type { QueuedMessage, TaskMessageQueue } from '@modelcontextprotocol/sdk/experimental/tasks';

/**
 * Side-channel queue for `tasks/result` (elicitation requests of a task wait here).
 * Unlike the SDK's in-memory queue, reading an empty queue creates nothing, so
 * polling `tasks/result` cannot grow memory; the runtime drops a task's queue when
 * the store forgets the task.
 */
export class TaskdeckMessageQueue implements TaskMessageQueue {
  private readonly queues = new Map<string, QueuedMessage[]>();

  async enqueue(
    taskId: string,
    message: QueuedMessage,
    _sessionId?: string,
    maxSize?: number,
  ): Promise<void> {
    let queue = this.queues.get(taskId);
    if (!queue) {
      queue = [];
      this.queues.set(taskId, queue);
    }
    if (maxSize !== undefined && queue.length >= maxSize) {
      throw new Error(`Task ${taskId} has ${queue.length} undelivered messages (limit ${maxSize})`);
    }
    queue.push(message);
  }

  async dequeue(taskId: string): Promise<QueuedMessage | undefined> {
    const queue = this.queues.get(taskId);
    const message = queue?.shift();
    if (queue && queue.length === 0) this.queues.delete(taskId);
    return message;
  }

  async dequeueAll(taskId: string): Promise<QueuedMessage[]> {
    const queue = this.queues.get(taskId) ?? [];
    this.queues.delete(taskId);
    return queue;
  }

  clear(taskId: string): void {
    this.queues.delete(taskId);
  }

  get pendingTasks(): number {
    return this.queues.size;
  }
}

import type { QueuedMessage, TaskMessageQueue } from '@modelcontextprotocol/sdk/experimental/tasks';

/** Told which session a message left the queue to (through its `tasks/result`). */
export type DeliveryListener = (
  taskId: string,
  message: QueuedMessage,
  sessionId: string | undefined,
) => void;

/**
 * Side-channel queue for `tasks/result` (elicitation requests of a task wait here).
 * Unlike the SDK's in-memory queue, reading an empty queue creates nothing, so
 * polling `tasks/result` cannot grow memory; the runtime drops a task's queue when
 * the store forgets the task. A task's queue is one, whatever the session: a client
 * that reconnects gets what was queued while it was away.
 */
export class TaskdeckMessageQueue implements TaskMessageQueue {
  private readonly queues = new Map<string, QueuedMessage[]>();

  constructor(private readonly onDelivered: DeliveryListener = () => {}) {}

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

  async dequeue(taskId: string, sessionId?: string): Promise<QueuedMessage | undefined> {
    const queue = this.queues.get(taskId);
    const message = queue?.shift();
    if (queue && queue.length === 0) this.queues.delete(taskId);
    if (message) this.onDelivered(taskId, message, sessionId);
    return message;
  }

  async dequeueAll(taskId: string): Promise<QueuedMessage[]> {
    const queue = this.queues.get(taskId) ?? [];
    this.queues.delete(taskId);
    return queue;
  }

  /** Puts a message back in front: it was delivered to a session that went away unanswered. */
  requeue(taskId: string, message: QueuedMessage): void {
    const queue = this.queues.get(taskId);
    if (queue) queue.unshift(message);
    else this.queues.set(taskId, [message]);
  }

  /** Removes the messages `matches` picks (an input request nobody needs any more). */
  remove(taskId: string, matches: (message: QueuedMessage) => boolean): void {
    const queue = this.queues.get(taskId)?.filter((message) => !matches(message));
    if (queue?.length) this.queues.set(taskId, queue);
    else this.queues.delete(taskId);
  }

  clear(taskId: string): void {
    this.queues.delete(taskId);
  }

  get pendingTasks(): number {
    return this.queues.size;
  }
}

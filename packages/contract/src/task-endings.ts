import { type HubEvent, type TaskSummary, TERMINAL_TASK_STATUSES } from './api';
import { plainStatusMessage, taskLabel } from './task-words';

/**
 * Finds the tasks that ended in an event, for toasts and OS notifications: a task counts once,
 * when it is first seen terminal after having been seen running. A snapshot only records
 * statuses (tasks that ended while nobody watched are history, not news).
 */
export class TaskEndings {
  private readonly running = new Set<string>();

  take(event: HubEvent): TaskSummary[] {
    if (event.type === 'snapshot') this.running.clear();
    const ended: TaskSummary[] = [];
    for (const task of event.tasks) {
      const terminal = TERMINAL_TASK_STATUSES.has(task.status);
      if (!terminal) this.running.add(task.id);
      else if (this.running.delete(task.id) && event.type === 'batch') ended.push(task);
    }
    return ended;
  }
}

/** One line for a toast or notification: what ended and how. */
export function describeEnding(task: TaskSummary): { title: string; body: string } {
  const verb: Record<string, string> = {
    completed: 'completed',
    failed: 'failed',
    cancelled: 'was cancelled',
    interrupted: 'was interrupted',
  };
  return {
    title: `${taskLabel(task)} ${verb[task.status] ?? task.status}`,
    body: task.error ?? plainStatusMessage(task) ?? `on ${task.server}`,
  };
}

import { type TaskSummary, TERMINAL_TASK_STATUSES } from '@taskdeck/contract';

/** Fraction done in [0, 1], or undefined when the task reports no total (indeterminate). */
export function fractionDone(task: TaskSummary): number | undefined {
  if (task.status === 'completed') return 1;
  if (task.total === undefined || task.total <= 0 || task.progress === undefined) return undefined;
  return Math.min(1, Math.max(0, task.progress / task.total));
}

/** Time since the task started, frozen when it ended. */
export function elapsedMs(task: TaskSummary, now: number): number {
  return (
    (task.finishedAt ?? (TERMINAL_TASK_STATUSES.has(task.status) ? task.updatedAt : now)) - task.createdAt
  );
}

/**
 * Remaining time, from the average rate so far (progress over the time until the last
 * update), or undefined when progress gives no basis: no total, nothing done yet, under a
 * second of history, or the task is not running.
 */
export function etaMs(task: TaskSummary, now: number): number | undefined {
  if (task.status !== 'working') return undefined;
  const fraction = fractionDone(task);
  if (fraction === undefined || fraction <= 0 || fraction >= 1) return undefined;
  const observed = task.updatedAt - task.createdAt;
  if (observed < 1000) return undefined;
  const remainingAtUpdate = (observed * (1 - fraction)) / fraction;
  return Math.max(0, remainingAtUpdate - (now - task.updatedAt));
}

/**
 * Which question (a task waiting for input) to show, one at a time. A question the user put off
 * ("Not now": closing the dialog, Esc, clicking outside) stays waiting on its task's row and is
 * not shown again by itself; one the user answered is not shown again while the hub catches up.
 * A new question of the same task (another message) is news again.
 */
import type { TaskSummary } from '@taskdeck/contract';

export interface QuestionQueue {
  /** Task id → the message of the question put off. */
  deferred: ReadonlyMap<string, string>;
  /** Task id → the task's updatedAt when its question was answered. */
  answered: ReadonlyMap<string, number>;
}

export const emptyQueue: QuestionQueue = { deferred: new Map(), answered: new Map() };

/** Whether the task waits for an answer the user has not given (put off or not). */
export function isWaiting(task: TaskSummary, queue: QuestionQueue): boolean {
  if (task.status !== 'input_required' || !task.input) return false;
  return (queue.answered.get(task.id) ?? -1) < task.updatedAt;
}

/** The oldest waiting question that was not put off: the one to open by itself. */
export function nextQuestion(
  tasks: ReadonlyMap<string, TaskSummary>,
  queue: QuestionQueue,
): TaskSummary | undefined {
  let oldest: TaskSummary | undefined;
  for (const task of tasks.values()) {
    if (!isWaiting(task, queue)) continue;
    if (queue.deferred.get(task.id) === task.input?.message) continue;
    if (!oldest || task.updatedAt < oldest.updatedAt) oldest = task;
  }
  return oldest;
}

export function deferQuestion(queue: QuestionQueue, task: TaskSummary): QuestionQueue {
  if (!task.input) return queue;
  return { ...queue, deferred: new Map(queue.deferred).set(task.id, task.input.message) };
}

export function answerQuestion(queue: QuestionQueue, task: TaskSummary): QuestionQueue {
  const deferred = new Map(queue.deferred);
  deferred.delete(task.id);
  return { deferred, answered: new Map(queue.answered).set(task.id, task.updatedAt) };
}

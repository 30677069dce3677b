import type { TaskSummary } from '@taskdeck/contract';
import { describe, expect, it } from 'vitest';
import { answerQuestion, deferQuestion, emptyQueue, isWaiting, nextQuestion } from './question-queue';

const asking = (id: string, updatedAt: number, message = `question of ${id}`): TaskSummary => ({
  id,
  server: 'cloud-ops',
  tool: 'deploy_service',
  mode: 'task',
  status: 'input_required',
  createdAt: 0,
  updatedAt,
  input: { message, requestedSchema: { type: 'object', properties: {} } },
});

const map = (...tasks: TaskSummary[]) => new Map(tasks.map((task) => [task.id, task]));

describe('question queue', () => {
  it('shows the oldest waiting question first, one at a time', () => {
    const tasks = map(asking('b', 20), asking('a', 10), { ...asking('c', 5), status: 'working' });
    expect(nextQuestion(tasks, emptyQueue)?.id).toBe('a');
  });

  it('keeps a question put off waiting on its row without showing it again by itself', () => {
    const a = asking('a', 10);
    const queue = deferQuestion(emptyQueue, a);
    expect(nextQuestion(map(a), queue)).toBeUndefined();
    expect(isWaiting(a, queue)).toBe(true);
    // The next question in line comes up instead.
    expect(nextQuestion(map(a, asking('b', 20)), queue)?.id).toBe('b');
    // The same task asking something else is news again.
    expect(nextQuestion(map(asking('a', 30, 'another question')), queue)?.id).toBe('a');
  });

  it('does not ask again what was answered until the task asks anew', () => {
    const a = asking('a', 10);
    const queue = answerQuestion(deferQuestion(emptyQueue, a), a);
    expect(nextQuestion(map(a), queue)).toBeUndefined();
    expect(isWaiting(a, queue)).toBe(false);
    expect(queue.deferred.has('a')).toBe(false);
    expect(nextQuestion(map(asking('a', 11)), queue)?.id).toBe('a');
  });
});

import { describe, expect, it } from 'vitest';
import type { HubEvent, TaskSummary } from './api';
import { describeEnding, TaskEndings } from './task-endings';

const task = (id: string, status: TaskSummary['status'], extra: Partial<TaskSummary> = {}): TaskSummary => ({
  id,
  server: 'cloud-ops',
  tool: 'deploy_service',
  mode: 'task',
  status,
  createdAt: 1,
  updatedAt: 2,
  ...extra,
});
const batch = (tasks: TaskSummary[]): HubEvent => ({ type: 'batch', servers: [], tasks, logs: [] });

describe('TaskEndings', () => {
  it('reports a task once, when it goes from running to terminal', () => {
    const endings = new TaskEndings();
    expect(endings.take(batch([task('a', 'working')]))).toEqual([]);
    expect(endings.take(batch([task('a', 'completed')])).map((t) => t.id)).toEqual(['a']);
    expect(endings.take(batch([task('a', 'completed')]))).toEqual([]);
  });

  it('does not report history from a snapshot or tasks never seen running', () => {
    const endings = new TaskEndings();
    expect(
      endings.take({ type: 'snapshot', servers: [], tasks: [task('old', 'failed')], roots: [] }),
    ).toEqual([]);
    expect(endings.take(batch([task('old', 'failed'), task('x', 'cancelled')]))).toEqual([]);
  });

  it('counts a task running in a snapshot that ends in a later batch', () => {
    const endings = new TaskEndings();
    endings.take({ type: 'snapshot', servers: [], tasks: [task('a', 'input_required')], roots: [] });
    expect(endings.take(batch([task('a', 'failed', { error: 'boom' })])).map((t) => t.id)).toEqual(['a']);
  });

  it('describes an ending with its error or status message', () => {
    expect(
      describeEnding(task('a', 'failed', { error: 'boom', title: 'Deploy billing 3.1.0 → prod' })),
    ).toEqual({
      title: 'Deploy billing 3.1.0 → prod failed',
      body: 'boom',
    });
    // History from before titles: the tool's name in words.
    expect(describeEnding(task('a', 'cancelled'))).toEqual({
      title: 'Deploy service was cancelled',
      body: 'on cloud-ops',
    });
    // The SDK's own phrase for a cancel, in the user's words.
    expect(
      describeEnding(task('a', 'cancelled', { statusMessage: 'Client cancelled task execution.' })).body,
    ).toBe('Cancelled at your request.');
  });
});

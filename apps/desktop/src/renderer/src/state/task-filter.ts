import { type TaskSummary, TERMINAL_TASK_STATUSES } from '@taskdeck/contract';

export type StatusFilter = 'all' | 'active' | 'input_required' | 'completed' | 'failed' | 'cancelled';

export const STATUS_FILTERS: readonly { value: StatusFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'active', label: 'Running' },
  { value: 'input_required', label: 'Needs your answer' },
  { value: 'completed', label: 'Completed' },
  { value: 'failed', label: 'Failed' },
  { value: 'cancelled', label: 'Cancelled' },
];

export interface TaskFilter {
  status: StatusFilter;
  /** Server name, or null for every server. */
  server: string | null;
  text: string;
}

export const noFilter: TaskFilter = { status: 'all', server: null, text: '' };

function statusMatches(task: TaskSummary, status: StatusFilter): boolean {
  switch (status) {
    case 'all':
      return true;
    case 'active':
      return !TERMINAL_TASK_STATUSES.has(task.status);
    case 'failed':
      return task.status === 'failed' || task.status === 'interrupted';
    default:
      return task.status === status;
  }
}

/**
 * Ids of the tasks that pass the filter, in the given order. Text matches the title (with the
 * task's telling arguments: file names, folders, services, queries), tool, server, id, messages.
 */
export function filterTasks(
  order: readonly string[],
  tasks: ReadonlyMap<string, TaskSummary>,
  filter: TaskFilter,
): readonly string[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  if (filter.status === 'all' && filter.server === null && words.length === 0) return order;
  return order.filter((id) => {
    const task = tasks.get(id);
    if (!task || !statusMatches(task, filter.status)) return false;
    if (filter.server !== null && task.server !== filter.server) return false;
    if (words.length === 0) return true;
    const haystack =
      `${task.title ?? ''} ${task.tool} ${task.server} ${task.id} ${task.status} ${task.unrecognizedStatus ?? ''} ${task.statusMessage ?? ''} ${task.error ?? ''}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

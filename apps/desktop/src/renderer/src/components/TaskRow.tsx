import { type TaskSummary, TERMINAL_TASK_STATUSES } from '@taskdeck/contract';
import { memo } from 'react';
import { formatDuration } from '../lib/format';
import { elapsedMs, etaMs } from '../lib/progress';
import { cancelTask } from '../state/actions';
import { ProgressBar } from './ProgressBar';
import { Button, StatusBadge } from './ui';

export const TASK_ROW_HEIGHT = 76;

interface TaskRowProps {
  task: TaskSummary;
  selected: boolean;
  now: number;
  onSelect(id: string): void;
}

/** One task in the list: what runs where, its bar, message, elapsed time and ETA, and cancel. */
export const TaskRow = memo(function TaskRow({ task, selected, now, onSelect }: TaskRowProps) {
  const running = !TERMINAL_TASK_STATUSES.has(task.status);
  const eta = etaMs(task, now);
  const message =
    task.error ??
    (task.connectionLost && `Waiting for the server: ${task.connectionLost.reason}`) ??
    task.statusMessage ??
    (running ? 'Started' : '');
  return (
    <div
      data-testid="task-row"
      data-task-id={task.id}
      data-status={task.status}
      className={`flex h-full items-center gap-3 border-b border-neutral-200 px-4 dark:border-neutral-800 ${
        selected ? 'bg-sky-50 dark:bg-sky-950/40' : 'hover:bg-neutral-50 dark:hover:bg-neutral-900'
      }`}
    >
      <button
        type="button"
        tabIndex={-1}
        aria-current={selected ? 'true' : undefined}
        onClick={() => onSelect(task.id)}
        className="flex min-w-0 flex-1 flex-col gap-1.5 text-left focus:outline-none"
      >
        <span className="flex items-center gap-2">
          <StatusBadge status={task.status} unrecognizedStatus={task.unrecognizedStatus} />
          <span className="truncate font-medium">{task.tool}</span>
          <span className="truncate text-xs text-neutral-500 dark:text-neutral-400">{task.server}</span>
          <span className="ml-auto shrink-0 text-xs tabular-nums text-neutral-500 dark:text-neutral-400">
            {formatDuration(elapsedMs(task, now))}
            {eta !== undefined && <span data-testid="task-eta"> · ETA {formatDuration(eta)}</span>}
          </span>
        </span>
        <ProgressBar task={task} label={`${task.tool} progress`} />
        <span
          className={`truncate text-xs ${task.error ? 'text-red-700 dark:text-red-300' : 'text-neutral-600 dark:text-neutral-400'}`}
          data-testid="task-message"
        >
          {message || '\u00a0'}
        </span>
      </button>
      {running && (
        <Button
          small
          variant="danger"
          onClick={() => void cancelTask(task.id, task.tool)}
          aria-label={`Cancel ${task.tool}`}
        >
          Cancel
        </Button>
      )}
    </div>
  );
});

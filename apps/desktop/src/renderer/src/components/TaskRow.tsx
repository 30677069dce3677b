import { type TaskSummary, TERMINAL_TASK_STATUSES } from '@taskdeck/contract';
import { plainStatusMessage, taskLabel } from '@taskdeck/contract/task-words';
import { memo } from 'react';
import { formatDuration, formatStarted } from '../lib/format';
import { elapsedMs, etaMs } from '../lib/progress';
import { cancelTask } from '../state/actions';
import { ProgressBar } from './ProgressBar';
import { Button, StatusBadge } from './ui';

/** Two lines (title, then progress and message): 20+ tasks fit on a 900 px screen. */
export const TASK_ROW_HEIGHT = 40;

interface TaskRowProps {
  task: TaskSummary;
  selected: boolean;
  now: number;
  /** The task waits for the user's answer (not answered yet). */
  waiting: boolean;
  onSelect(id: string): void;
  onAnswer(id: string): void;
}

/** The row's second line: what the task says, its error, or that it waits for the user. */
function rowMessage(task: TaskSummary, waiting: boolean): string {
  if (waiting) return `Needs your answer: ${task.input?.message ?? ''}`;
  return (
    task.error ??
    (task.connectionLost && `Waiting for the server: ${task.connectionLost.reason}`) ??
    plainStatusMessage(task) ??
    (TERMINAL_TASK_STATUSES.has(task.status) ? '' : 'Starting…')
  );
}

/** One task in the list: what it is, when it started, its progress and message, and its actions. */
export const TaskRow = memo(function TaskRow({
  task,
  selected,
  now,
  waiting,
  onSelect,
  onAnswer,
}: TaskRowProps) {
  const running = !TERMINAL_TASK_STATUSES.has(task.status);
  const eta = etaMs(task, now);
  const label = taskLabel(task);
  return (
    <div
      data-testid="task-row"
      data-task-id={task.id}
      data-status={task.status}
      className={`flex h-full items-center gap-2 border-b border-neutral-200 px-3 dark:border-neutral-800 ${
        selected ? 'bg-sky-50 dark:bg-sky-950/40' : 'hover:bg-neutral-50 dark:hover:bg-neutral-800/40'
      }`}
    >
      <button
        type="button"
        tabIndex={-1}
        aria-current={selected ? 'true' : undefined}
        onClick={() => onSelect(task.id)}
        title={`${label}\n${task.server} · ${task.tool}`}
        className="flex h-full min-w-0 flex-1 flex-col justify-center gap-0.5 text-left focus:outline-none"
      >
        <span className="flex items-center gap-2 text-sm leading-5">
          <StatusBadge status={task.status} unrecognizedStatus={task.unrecognizedStatus} />
          <span className="truncate font-medium" data-testid="task-title">
            {label}
          </span>
          {/* The server when the list is wide enough: the title matters more. */}
          <span className="hidden shrink-0 text-xs text-neutral-600 @xl:inline dark:text-neutral-400">
            {task.server}
          </span>
          <span className="ml-auto shrink-0 text-xs tabular-nums text-neutral-600 dark:text-neutral-400">
            <time dateTime={new Date(task.createdAt).toISOString()} data-testid="task-started">
              {formatStarted(task.createdAt, now)}
            </time>
            {' · '}
            {formatDuration(elapsedMs(task, now))}
            {eta !== undefined && <span data-testid="task-eta"> · ETA {formatDuration(eta)}</span>}
          </span>
        </span>
        <span className="flex min-w-0 items-center gap-2 text-xs leading-4">
          {running && !waiting && (
            <ProgressBar task={task} label={`${label} progress`} className="w-24 shrink-0" />
          )}
          <span
            className={`truncate ${task.error ? 'text-red-700 dark:text-red-300' : waiting ? 'font-medium text-amber-800 dark:text-amber-300' : 'text-neutral-600 dark:text-neutral-400'}`}
            data-testid="task-message"
          >
            {rowMessage(task, waiting) || '\u00a0'}
          </span>
        </span>
      </button>
      {waiting && (
        <Button small variant="primary" onClick={() => onAnswer(task.id)} aria-label={`Answer: ${label}`}>
          Answer…
        </Button>
      )}
      {running && (
        <Button
          small
          onClick={(event) => {
            // The button goes when the task ends: the focus stays in the list, not on the page.
            event.currentTarget.closest<HTMLElement>('[data-list]')?.focus();
            void cancelTask(task);
          }}
          aria-label={`Cancel ${label}`}
        >
          Cancel
        </Button>
      )}
    </div>
  );
});

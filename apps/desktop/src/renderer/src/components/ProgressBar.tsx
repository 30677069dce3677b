import type { TaskSummary } from '@taskdeck/contract';
import { TERMINAL_TASK_STATUSES } from '@taskdeck/contract';
import { fractionDone } from '../lib/progress';

/**
 * The task's progress as an ARIA progressbar: valued when the task reports a total,
 * indeterminate (no aria-valuenow, animated) when it does not, and still once it ended.
 */
export function ProgressBar({
  task,
  label,
  className = 'w-full',
}: {
  task: TaskSummary;
  label: string;
  className?: string;
}) {
  const fraction = fractionDone(task);
  const ended = TERMINAL_TASK_STATUSES.has(task.status);
  const determinate = fraction !== undefined;
  const tone =
    task.status === 'failed' || task.status === 'interrupted'
      ? 'bg-red-500'
      : task.status === 'cancelled'
        ? 'bg-neutral-400'
        : task.status === 'completed'
          ? 'bg-emerald-500'
          : task.status === 'input_required'
            ? 'bg-amber-500'
            : 'bg-sky-500';
  const max = determinate && task.total !== undefined && task.status !== 'completed' ? task.total : 100;
  const now = determinate ? (task.status === 'completed' ? 100 : (task.progress ?? 0)) : undefined;
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={now}
      aria-valuetext={
        determinate
          ? `${Math.round((fraction ?? 0) * 100)} %`
          : ended
            ? task.status
            : 'running, no total known'
      }
      data-state={determinate ? 'determinate' : ended ? 'ended' : 'indeterminate'}
      className={`relative h-1.5 overflow-hidden rounded-full bg-neutral-200 dark:bg-neutral-800 ${className}`}
    >
      {determinate ? (
        // scaleX, not width: progress ticks many times a second and must not cost a layout.
        <div
          className={`h-full w-full origin-left rounded-full transition-transform duration-300 ${tone}`}
          style={{ transform: `scaleX(${fraction ?? 0})` }}
        />
      ) : ended ? (
        <div className={`h-full w-full opacity-40 ${tone}`} />
      ) : (
        <div className={`indeterminate absolute inset-y-0 left-0 w-1/3 rounded-full ${tone}`} />
      )}
    </div>
  );
}

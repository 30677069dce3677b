import type { TaskSummary } from '@taskdeck/contract';

const BAR_WIDTH = 24;

/**
 * One line describing a task's progress, e.g. `[#########-------]  38%  Instance 2/4: health check`,
 * cut to the terminal's width. A width of 0 or none (some consoles report 0) is unknown: 100.
 */
export function progressLine(task: TaskSummary, now: number, columns?: number): string {
  const width = columns && columns > 0 ? columns : 100;
  const elapsed = formatDuration(now - task.createdAt);
  let bar: string;
  if (task.total && task.total > 0 && task.progress !== undefined) {
    const ratio = Math.min(1, Math.max(0, task.progress / task.total));
    const filled = Math.round(ratio * BAR_WIDTH);
    bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}%`;
  } else {
    // No total: an indeterminate bar that moves with time.
    const pos = Math.floor(now / 150) % BAR_WIDTH;
    const track = `${'-'.repeat(pos)}===${'-'.repeat(BAR_WIDTH)}`.slice(0, BAR_WIDTH);
    bar = `[${track}]     `;
  }
  const status = task.status === 'working' ? '' : ` ${task.status}`;
  const line = `${bar} ${elapsed}${status}  ${task.statusMessage ?? ''}`;
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/** The same without animation or clock, for logs and pipes: changes only when the task does. */
export function plainProgressLine(task: TaskSummary): string {
  const amount =
    task.total && task.total > 0 && task.progress !== undefined
      ? `${Math.floor(Math.min(1, task.progress / task.total) * 100)}% (${task.progress}/${task.total})`
      : task.progress !== undefined
        ? String(task.progress)
        : '';
  return [task.status, amount, task.statusMessage].filter(Boolean).join('  ');
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

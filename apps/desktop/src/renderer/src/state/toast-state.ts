/**
 * Toasts as framework-free state. Task endings that arrive close together become one toast
 * ("12 finished, 1 failed"); a task the user is looking at gets none; a toast about a failure
 * stays until dismissed or until its task is seen (selected); the others go by themselves.
 */
import type { TaskStatus, TaskSummary } from '@taskdeck/contract';
import { describeEnding } from '@taskdeck/contract/task-endings';
import { taskLabel } from '@taskdeck/contract/task-words';

export interface Ending {
  id: string;
  status: TaskStatus;
  /** The task's name, for a toast that lists several endings. */
  label: string;
  title: string;
  body: string;
}

export interface Toast {
  id: number;
  kind: 'success' | 'error' | 'info';
  title: string;
  body?: string;
  /** The ended tasks it tells about: one, or a batch. */
  endings?: readonly Ending[];
  /** Until when (ms) more endings join this toast. */
  openUntil?: number;
  /** 0..1 for an upload in flight. */
  progress?: number;
}

/** Endings this close together share one toast: a storm of them, however long, makes one. */
export const BATCH_WINDOW_MS = 2000;
export const MAX_TOASTS = 4;
const LIFETIME_MS = 6000;

type Outcome = 'finished' | 'failed' | 'cancelled';

function outcome(status: TaskStatus): Outcome {
  return status === 'completed' ? 'finished' : status === 'cancelled' ? 'cancelled' : 'failed';
}

/** What a toast about these endings says. */
export function describeEndings(endings: readonly Ending[]): Pick<Toast, 'kind' | 'title' | 'body'> {
  const counts: Record<Outcome, Ending[]> = { finished: [], failed: [], cancelled: [] };
  for (const ending of endings) counts[outcome(ending.status)].push(ending);
  const kind = counts.failed.length > 0 ? 'error' : counts.cancelled.length > 0 ? 'info' : 'success';
  const [only] = endings;
  if (endings.length === 1 && only) return { kind, title: only.title, body: only.body };
  const title = (['finished', 'failed', 'cancelled'] as const)
    .filter((key) => counts[key].length > 0)
    .map((key) => `${counts[key].length} ${key}`)
    .join(', ');
  const failed = counts.failed.map((ending) => ending.id);
  const names = counts.failed.slice(0, 2).map((ending) => ending.label);
  const body =
    failed.length === 0
      ? undefined
      : `Failed: ${names.join('; ')}${failed.length > names.length ? ` and ${failed.length - names.length} more` : ''}`;
  return { kind, title, ...(body && { body }) };
}

function toEnding(task: TaskSummary): Ending {
  const { title, body } = describeEnding(task);
  return { id: task.id, status: task.status, label: taskLabel(task), title, body };
}

/**
 * Adds the tasks that just ended: to the toast still collecting endings, or as a new one.
 * `looking`: the task whose detail is open (its ending shows there, so no toast).
 */
export function addEndings(
  toasts: readonly Toast[],
  ended: readonly TaskSummary[],
  context: { now: number; looking: string | null; nextId: () => number },
): readonly Toast[] {
  const news = ended.filter((task) => task.id !== context.looking).map(toEnding);
  if (news.length === 0) return toasts;
  const open = toasts.findLast((toast) => toast.endings && (toast.openUntil ?? 0) > context.now);
  if (open) {
    const endings = [...(open.endings ?? []), ...news];
    return toasts.map((toast) =>
      toast === open ? { ...toast, ...describeEndings(endings), endings } : toast,
    );
  }
  const toast: Toast = {
    id: context.nextId(),
    ...describeEndings(news),
    endings: news,
    openUntil: context.now + BATCH_WINDOW_MS,
  };
  return [...toasts, toast].slice(-MAX_TOASTS);
}

/** The user looked at a task: toasts stop telling about it (one only about it goes). */
export function seeTask(toasts: readonly Toast[], taskId: string): readonly Toast[] {
  if (!toasts.some((toast) => toast.endings?.some((ending) => ending.id === taskId))) return toasts;
  return toasts.flatMap((toast) => {
    if (!toast.endings?.some((ending) => ending.id === taskId)) return [toast];
    const endings = toast.endings.filter((ending) => ending.id !== taskId);
    return endings.length === 0 ? [] : [{ ...toast, ...describeEndings(endings), endings }];
  });
}

/** How long a toast stays by itself; undefined: until dismissed (errors, uploads in flight). */
export function toastLifetime(toast: Toast): number | undefined {
  return toast.kind === 'error' || toast.progress !== undefined ? undefined : LIFETIME_MS;
}

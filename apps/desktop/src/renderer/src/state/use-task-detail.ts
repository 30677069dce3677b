import type { TaskDetail, TaskSummary } from '@taskdeck/contract';
import { useEffect, useRef, useState } from 'react';
import { taskdeck } from '../api/taskdeck';
import { errorMessage } from '../lib/format';

/** Fetches at most this often while a task changes (progress may tick 30 times a second). */
const REFRESH_MS = 400;

export type DetailState =
  | { status: 'loading' }
  | { status: 'missing' }
  | { status: 'error'; message: string }
  | { status: 'ready'; detail: TaskDetail };

/**
 * The full record of a task (arguments, timeline, logs, result), fetched on selection and
 * again, throttled, whenever its summary changes. Stale answers are dropped.
 */
export function useTaskDetail(taskId: string, summary: TaskSummary | undefined): DetailState {
  const [state, setState] = useState<DetailState>({ status: 'loading' });
  const lastFetch = useRef(0);
  const shownId = useRef<string | undefined>(undefined);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the summary is the trigger: the reducer replaces it on every change (even with the same updatedAt), and each change refetches.
  useEffect(() => {
    if (shownId.current !== taskId) {
      shownId.current = taskId;
      setState({ status: 'loading' });
      lastFetch.current = 0;
    }
    let current = true;
    const wait = Math.max(0, lastFetch.current + REFRESH_MS - Date.now());
    const timer = setTimeout(() => {
      lastFetch.current = Date.now();
      taskdeck()
        .getTask(taskId)
        .then(
          (detail) => current && setState(detail ? { status: 'ready', detail } : { status: 'missing' }),
          (error: unknown) => current && setState({ status: 'error', message: errorMessage(error) }),
        );
    }, wait);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [taskId, summary]);

  return state;
}

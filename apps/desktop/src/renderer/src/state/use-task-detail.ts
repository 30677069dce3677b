import type { TaskSummary } from '@taskdeck/contract';
import { useCallback, useEffect, useRef, useState } from 'react';
import { taskdeck } from '../api/taskdeck';
import { errorMessage } from '../lib/format';
import { listenToTaskStream } from './store';
import {
  type DetailState,
  detailFailed,
  detailFetched,
  detailLoading,
  detailLogs,
  detailSummary,
} from './task-detail-state';

export type { DetailState } from './task-detail-state';

/**
 * The open task's full record: fetched on selection, then kept current by the hub's events
 * (task-detail-state.ts); fetched again only for a new status and after a reconnect. An
 * answer to an older fetch never replaces a newer one.
 */
export function useTaskDetail(taskId: string, summary: TaskSummary | undefined): DetailState {
  const [state, setState] = useState<DetailState>(() => detailLoading(taskId));
  const fetches = useRef(0);
  const latest = useRef(state);
  latest.current = state;

  const fetchDetail = useCallback((id: string) => {
    const mine = ++fetches.current;
    taskdeck()
      .getTask(id)
      .then(
        (detail) => mine === fetches.current && setState((s) => detailFetched(s, id, detail)),
        (error: unknown) =>
          mine === fetches.current && setState((s) => detailFailed(s, id, errorMessage(error))),
      );
  }, []);

  useEffect(() => {
    setState(detailLoading(taskId));
    fetchDetail(taskId);
    return listenToTaskStream({
      onLogs: (id, lines) => setState((s) => detailLogs(s, id, lines)),
      // Lines may have been missed while the connection was down.
      onSnapshot: () => fetchDetail(taskId),
    });
  }, [taskId, fetchDetail]);

  useEffect(() => {
    if (!summary) return;
    // Whether to fetch depends only on the status the shown record has: the latest render's is enough.
    if (detailSummary(latest.current, summary).refetch) fetchDetail(summary.id);
    setState((s) => detailSummary(s, summary).state);
  }, [summary, fetchDetail]);

  return state;
}

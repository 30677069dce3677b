/**
 * The open task's full record (arguments, timeline, logs, result) as a framework-free state
 * machine. It is fetched once on selection; after that the hub's events keep it current:
 * summaries bring status, message and progress, batches bring log lines. Only what events do
 * not carry makes it fetch again: a new status (its timeline entry, and the result at the end).
 */
import type { TaskDetail, TaskLogLine, TaskSummary } from '@taskdeck/contract';

/** The same bound as the hub's record: the oldest lines go first. */
const MAX_LOG_LINES = 500;

export type DetailState =
  | { status: 'loading'; taskId: string; pendingLogs: readonly TaskLogLine[] }
  | { status: 'missing'; taskId: string }
  | { status: 'error'; taskId: string; message: string }
  | { status: 'ready'; taskId: string; detail: TaskDetail };

export function detailLoading(taskId: string): DetailState {
  return { status: 'loading', taskId, pendingLogs: [] };
}

/** The fetched record; log lines that arrived while it was on its way are added if it lacks them. */
export function detailFetched(state: DetailState, taskId: string, detail: TaskDetail | null): DetailState {
  if (state.taskId !== taskId) return state;
  if (!detail) return { status: 'missing', taskId };
  const waiting =
    state.status === 'loading'
      ? state.pendingLogs
      : state.status === 'ready'
        ? newerLines(detail, state.detail.logs)
        : [];
  return { status: 'ready', taskId, detail: withLogs(detail, waiting) };
}

export function detailFailed(state: DetailState, taskId: string, message: string): DetailState {
  if (state.taskId !== taskId) return state;
  // A record already shown stays: a failed refresh does not hide what was there.
  return state.status === 'ready' ? state : { status: 'error', taskId, message };
}

export function detailLogs(state: DetailState, taskId: string, lines: readonly TaskLogLine[]): DetailState {
  if (state.taskId !== taskId || lines.length === 0) return state;
  if (state.status === 'loading') return { ...state, pendingLogs: [...state.pendingLogs, ...lines] };
  if (state.status !== 'ready') return state;
  return { ...state, detail: withLogs(state.detail, lines) };
}

/**
 * A newer summary of the open task: its fields replace the record's. `refetch` says the
 * record must be fetched again for what a summary does not carry (timeline, result).
 */
export function detailSummary(
  state: DetailState,
  summary: TaskSummary,
): { state: DetailState; refetch: boolean } {
  if (state.status !== 'ready' || state.taskId !== summary.id) return { state, refetch: false };
  if (summary.updatedAt < state.detail.updatedAt) return { state, refetch: false };
  const refetch = summary.status !== state.detail.status;
  const { arguments: args, timeline, logs, result } = state.detail;
  return {
    state: { ...state, detail: { ...summary, arguments: args, timeline, logs, ...(result && { result }) } },
    refetch,
  };
}

/** Appends lines the record does not end with already (a line can come both in the record and in a batch). */
function withLogs(detail: TaskDetail, lines: readonly TaskLogLine[]): TaskDetail {
  const fresh = newerLines(detail, lines);
  if (fresh.length === 0) return detail;
  const logs = [...detail.logs, ...fresh];
  return { ...detail, logs: logs.length > MAX_LOG_LINES ? logs.slice(-MAX_LOG_LINES) : logs };
}

/** The lines after the record's last one (by time, then by being a different line at the same time). */
function newerLines(detail: TaskDetail, lines: readonly TaskLogLine[]): TaskLogLine[] {
  const last = detail.logs.at(-1);
  if (!last) return [...lines];
  const sameTime = new Set(
    detail.logs.filter((l) => l.at === last.at).map((l) => `${l.level}\n${l.message}`),
  );
  return lines.filter(
    (l) => l.at > last.at || (l.at === last.at && !sameTime.has(`${l.level}\n${l.message}`)),
  );
}

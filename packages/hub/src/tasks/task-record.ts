import {
  type TaskDetail,
  type TaskStatus,
  type TaskSummary,
  TERMINAL_TASK_STATUSES,
} from '@taskdeck/contract';

/** The hub's record of one tool call, plus the server-side clock it last applied. */
export interface TaskRecord extends TaskDetail {
  /** The server's time of the newest state applied (ms): older answers are ignored. */
  serverUpdatedAt?: number;
}

export function isFinished(status: TaskStatus): boolean {
  return TERMINAL_TASK_STATUSES.has(status);
}

export function newRecord(
  id: string,
  server: string,
  tool: string,
  args: Record<string, unknown>,
  mode: 'task' | 'plain',
  now: number,
): TaskRecord {
  return {
    id,
    server,
    tool,
    mode,
    arguments: args,
    status: 'working',
    createdAt: now,
    updatedAt: now,
    timeline: [{ status: 'working', at: now }],
    logs: [],
  };
}

export function summarize(record: TaskRecord): TaskSummary {
  const { arguments: _a, timeline: _t, logs: _l, result: _r, serverUpdatedAt: _s, ...summary } = record;
  return summary;
}

export function detail(record: TaskRecord): TaskDetail {
  const { serverUpdatedAt: _s, ...rest } = record;
  return structuredClone(rest);
}

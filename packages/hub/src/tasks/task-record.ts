import {
  type TaskDetail,
  type TaskStatus,
  type TaskSummary,
  TERMINAL_TASK_STATUSES,
} from '@taskdeck/contract';

/** The hub's record of one tool call, plus what only the hub and its journal use. */
export interface TaskRecord extends TaskDetail {
  /** The server's time of the newest state applied (ms): older answers are ignored. */
  serverUpdatedAt?: number;
  /**
   * The journal line as read, for a record this version would not write back the same
   * (written by a newer Taskdeck): the journal writes this text while the record is unchanged
   * (same `updatedAt`), and its fields of its own with the record's once it changed.
   */
  journalText?: string;
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
  const { arguments: _a, timeline: _t, logs: _l, result: _r, ...summary } = detailFields(record);
  return summary;
}

export function detail(record: TaskRecord): TaskDetail {
  return structuredClone(detailFields(record));
}

function detailFields(record: TaskRecord): TaskDetail {
  const { serverUpdatedAt: _s, journalText: _j, ...rest } = record;
  return rest;
}

import type { CallToolResult, Task } from '@modelcontextprotocol/sdk/types.js';
import {
  type InputRequest,
  type TaskDetail,
  type TaskLogLine,
  type TaskStatus,
  type TaskSummary,
  TERMINAL_TASK_STATUSES,
} from '../../contract/api.js';
import { resultText } from '../../servers/shared/result-text.js';

/** How many log lines a task keeps (the oldest go first). */
export const MAX_LOG_LINES = 500;

/** The hub's record of one tool call, plus what only the hub and its journal use. */
export interface TaskRecord extends TaskDetail {
  /** `lastUpdatedAt` of the newest server Task state applied (ms): older answers are ignored. */
  serverUpdatedAt?: number;
  /**
   * The journal line as read, for a record this version would not write back the same
   * (written by a newer Taskdeck): the journal writes this text instead. Once loaded, only
   * finished records have it, and the hub never changes a finished record.
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

/**
 * Applies a server's Task state (from a status notification, a tasks/get poll or a
 * tasks/cancel answer). Returns false when it changes nothing: the record is already
 * finished, or the state is older than what was applied (a late poll answer).
 */
export function applyServerTask(record: TaskRecord, task: Task, now: number): boolean {
  if (isFinished(record.status)) return false;
  const serverTime = Date.parse(task.lastUpdatedAt);
  if (
    record.serverUpdatedAt !== undefined &&
    Number.isFinite(serverTime) &&
    serverTime < record.serverUpdatedAt
  ) {
    return false;
  }
  if (Number.isFinite(serverTime)) record.serverUpdatedAt = serverTime;
  record.mcpTaskId ??= task.taskId;
  const message = task.statusMessage;
  if (task.status === 'completed' || task.status === 'failed' || task.status === 'cancelled') {
    const error = task.status === 'failed' ? (message ?? 'The task failed.') : undefined;
    return finish(record, task.status, now, { message, error });
  }
  const changed = task.status !== record.status || message !== record.statusMessage;
  if (!changed) return false;
  if (task.status !== record.status) setStatus(record, task.status, message, now);
  else setMessage(record, message, now);
  if (task.status !== 'input_required') delete record.input;
  return true;
}

export function applyProgress(
  record: TaskRecord,
  update: { progress: number; total?: number; message?: string },
  now: number,
): boolean {
  if (isFinished(record.status)) return false;
  if (record.progress !== undefined && update.progress < record.progress) return false;
  record.progress = update.progress;
  if (update.total !== undefined) record.total = update.total;
  if (update.message !== undefined) record.statusMessage = update.message;
  record.updatedAt = now;
  return true;
}

export function setInputRequest(record: TaskRecord, input: InputRequest | undefined, now: number): void {
  if (isFinished(record.status)) return;
  if (input) {
    record.input = input;
    if (record.status !== 'input_required') setStatus(record, 'input_required', input.message, now);
  } else {
    delete record.input;
  }
  record.updatedAt = now;
}

/** Ends the record (idempotent: a finished record never changes). */
export function finish(
  record: TaskRecord,
  status: 'completed' | 'failed' | 'cancelled' | 'interrupted',
  now: number,
  details: { result?: CallToolResult; error?: string; message?: string } = {},
): boolean {
  if (isFinished(record.status)) {
    // The result may arrive after the terminal status notification.
    if (details.result && !record.result) {
      record.result = toStoredResult(details.result);
      record.updatedAt = now;
      return true;
    }
    return false;
  }
  if (details.result) record.result = toStoredResult(details.result);
  if (details.error) record.error = details.error;
  delete record.input;
  setStatus(record, status, details.message ?? details.error ?? record.statusMessage, now);
  record.finishedAt = now;
  return true;
}

export function appendLog(record: TaskRecord, line: TaskLogLine): void {
  record.logs.push(line);
  if (record.logs.length > MAX_LOG_LINES) record.logs.splice(0, record.logs.length - MAX_LOG_LINES);
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

/** The text of an error result, for `error` and the status message. */
export function resultErrorText(result: CallToolResult): string {
  return resultText(result) || 'The tool reported an error.';
}

function setStatus(record: TaskRecord, status: TaskStatus, message: string | undefined, now: number): void {
  record.status = status;
  setMessage(record, message, now);
  record.timeline.push({ status, at: now, ...(message && { message }) });
}

function setMessage(record: TaskRecord, message: string | undefined, now: number): void {
  if (message === undefined) delete record.statusMessage;
  else record.statusMessage = message;
  record.updatedAt = now;
}

function toStoredResult(result: CallToolResult): TaskRecord['result'] {
  const { _meta: _m, ...rest } = result;
  return rest as TaskRecord['result'];
}

import type { TaskDetail, TaskStatus, TaskSummary, ToolResult } from '@taskdeck/contract';
import type { ChangeKind, EndStatus, TaskEvent } from './task-events.js';
import { detail, isFinished, newRecord, summarize, type TaskRecord } from './task-record.js';

/** How many log lines a task keeps (the oldest go first). */
export const MAX_LOG_LINES = 500;

export interface NewCall {
  id: string;
  server: string;
  tool: string;
  arguments: Record<string, unknown>;
  mode: 'task' | 'plain';
}

export interface TaskBookOptions {
  now?: () => number;
  /** The oldest finished records leave memory beyond this many (the journal keeps its own bound). */
  maxRecords?: number;
}

/**
 * Every tool call the user started, as state: pure, no protocol and no I/O. Protocol
 * adapters report normalized events (task-events.ts); the book applies them with the
 * rules of MCP task states: `working ⇄ input_required`, then one terminal state that never
 * changes (a result may still arrive after it), progress only grows, and a state older
 * (by the server's clock) than the one applied is ignored. Only the book edits records.
 */
export class TaskBook {
  private readonly records = new Map<string, TaskRecord>();
  private readonly now: () => number;

  constructor(private readonly options: TaskBookOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Records from the journal: finished ones, and tasks still running on a remote server (the
   * journal ended every other one that was running).
   */
  restore(records: readonly TaskRecord[]): void {
    for (const record of records) this.records.set(record.id, record);
  }

  create(call: NewCall): TaskSummary {
    const record = newRecord(call.id, call.server, call.tool, call.arguments, call.mode, this.now());
    this.records.set(record.id, record);
    this.evict();
    return summarize(record);
  }

  /** Applies one event; returns what changed, or undefined when nothing did (or the id is unknown). */
  apply(id: string, event: TaskEvent): ChangeKind | undefined {
    const record = this.records.get(id);
    if (!record) return undefined;
    const now = this.now();
    switch (event.type) {
      case 'accepted':
        if (record.mcpTaskId === event.remoteTaskId) return undefined;
        record.mcpTaskId = event.remoteTaskId;
        record.updatedAt = now;
        return 'status';
      case 'status':
        return applyStatus(record, event, now) ? 'status' : undefined;
      case 'progress':
        return applyProgress(record, event, now) ? 'progress' : undefined;
      case 'input':
        return applyInput(record, event.request, now) ? 'input' : undefined;
      case 'detached':
        if (isFinished(record.status)) return undefined;
        record.connectionLost = { reason: event.reason, since: now };
        record.updatedAt = now;
        return 'status';
      case 'attached':
        if (!record.connectionLost) return undefined;
        delete record.connectionLost;
        record.updatedAt = now;
        return 'status';
      case 'log':
        record.logs.push(event.line);
        if (record.logs.length > MAX_LOG_LINES) record.logs.splice(0, record.logs.length - MAX_LOG_LINES);
        return 'log';
      case 'ended': {
        if (isOlder(record, event.remoteTime)) return undefined;
        const wasFinished = isFinished(record.status);
        if (!finish(record, event.status, now, event)) return undefined;
        return wasFinished ? 'result' : 'status';
      }
    }
  }

  get(id: string): Readonly<TaskRecord> | undefined {
    return this.records.get(id);
  }

  detail(id: string): TaskDetail | undefined {
    const record = this.records.get(id);
    return record ? detail(record) : undefined;
  }

  summary(id: string): TaskSummary | undefined {
    const record = this.records.get(id);
    return record ? summarize(record) : undefined;
  }

  summaries(): TaskSummary[] {
    return [...this.records.values()].map(summarize);
  }

  /** Every record, oldest first (what the journal compacts to). */
  all(): readonly TaskRecord[] {
    return [...this.records.values()];
  }

  /** Ids of the records not yet finished, optionally of one server. */
  running(server?: string): string[] {
    const ids: string[] = [];
    for (const record of this.records.values())
      if (!isFinished(record.status) && (server === undefined || record.server === server))
        ids.push(record.id);
    return ids;
  }

  /** Keeps memory bounded: the oldest finished records go first; running ones always stay. */
  private evict(): void {
    const max = this.options.maxRecords ?? 2000;
    for (const [id, record] of this.records) {
      if (this.records.size <= max) break;
      if (isFinished(record.status)) this.records.delete(id);
    }
  }
}

/** Ends a record; idempotent (a finished record keeps its end, but takes a late result). */
export function finish(
  record: TaskRecord,
  status: EndStatus,
  now: number,
  details: { result?: ToolResult; error?: string; message?: string } = {},
): boolean {
  if (isFinished(record.status)) {
    if (details.result && !record.result) {
      record.result = storedResult(details.result);
      record.updatedAt = now;
      return true;
    }
    return false;
  }
  if (details.result) record.result = storedResult(details.result);
  if (details.error) record.error = details.error;
  delete record.input;
  delete record.connectionLost;
  setStatus(record, status, details.message ?? details.error ?? record.statusMessage, now);
  record.finishedAt = now;
  return true;
}

function applyStatus(
  record: TaskRecord,
  event: Extract<TaskEvent, { type: 'status' }>,
  now: number,
): boolean {
  if (isFinished(record.status) || isOlder(record, event.remoteTime)) return false;
  if (event.remoteTime !== undefined) record.serverUpdatedAt = event.remoteTime;
  if (event.status === record.status && event.message === record.statusMessage) return false;
  if (event.status !== record.status) setStatus(record, event.status, event.message, now);
  else setMessage(record, event.message, now);
  // Back to work: whatever was asked has been answered (or withdrawn).
  if (event.status === 'working') delete record.input;
  return true;
}

function applyProgress(
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

function applyInput(record: TaskRecord, request: TaskRecord['input'], now: number): boolean {
  if (isFinished(record.status)) return false;
  if (request) {
    record.input = request;
    if (record.status !== 'input_required') setStatus(record, 'input_required', request.message, now);
  } else {
    if (!record.input) return false;
    delete record.input;
  }
  record.updatedAt = now;
  return true;
}

/** A state stamped older (by the server's clock) than the newest one applied. */
function isOlder(record: TaskRecord, remoteTime: number | undefined): boolean {
  return (
    remoteTime !== undefined && record.serverUpdatedAt !== undefined && remoteTime < record.serverUpdatedAt
  );
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

/** Protocol metadata (`_meta`) is not part of what the user keeps. */
function storedResult(result: ToolResult): ToolResult {
  const { _meta: _m, ...rest } = result as ToolResult & { _meta?: unknown };
  return rest;
}

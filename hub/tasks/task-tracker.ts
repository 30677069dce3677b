import { randomUUID } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  type CallToolResult,
  CallToolResultSchema,
  CreateTaskResultSchema,
  ElicitRequestSchema,
  type ElicitResult,
  LoggingMessageNotificationSchema,
  ProgressNotificationSchema,
  type Task,
  TaskStatusNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { InputResponse, TaskLogLine } from '../../contract/api.js';
import { summaryLine } from '../../servers/shared/result-text.js';
import {
  appendLog,
  applyProgress,
  applyServerTask,
  finish,
  isFinished,
  newRecord,
  resultErrorText,
  setInputRequest,
  type TaskRecord,
} from './task-record.js';

const RELATED_TASK = 'io.modelcontextprotocol/related-task';
/** What the hub asks servers to keep a finished task for. */
const TASK_TTL_MS = 60 * 60 * 1000;
const PLAIN_CALL_TIMEOUT_MS = 10 * 60 * 1000;
const CREATE_TIMEOUT_MS = 60_000;
/** tasks/result blocks until the task ends, which may take hours. */
const RESULT_TIMEOUT_MS = 24 * 60 * 60 * 1000;
/** Fallback polling when a task is quiet: its pollInterval, clamped to these bounds. */
const MIN_POLL_MS = 1000;
const MAX_POLL_MS = 10_000;

const CreateOrResult = z.union([CreateTaskResultSchema, CallToolResultSchema]);

export type ChangeKind = 'created' | 'status' | 'progress' | 'input' | 'result';

export interface TrackerDeps {
  /** The connected client of a ready server, or undefined. */
  client(server: string): Client | undefined;
  /** `task` or `plain` for this call (taskSupport and how long the call looks). */
  chooseMode(server: string, tool: string, args: Record<string, unknown>): Promise<'task' | 'plain'>;
  onChange(record: TaskRecord, kind: ChangeKind): void;
  onLog(record: TaskRecord, line: TaskLogLine): void;
  now?: () => number;
  /** A plain call with no answer for this long fails (default 10 min: long work should be a task). */
  plainCallTimeoutMs?: number;
}

interface LiveCall {
  server: string;
  abort?: AbortController;
  pollTimer?: NodeJS.Timeout;
  pollMs: number;
  resultPending: boolean;
  cancelRequested: boolean;
  /** The server's final completed/failed state, applied together with the result. */
  finalTask?: Task;
  answerInput?: (response: ElicitResult) => void;
}

/**
 * Tracks every tool call the user starts, as an MCP task or a plain call, in one kind
 * of record. Status and progress notifications come first; tasks/get polling is only
 * the fallback for a quiet task, and an older answer never overwrites newer state.
 * Input requests arrive through tasks/result and wait here for the user's answer.
 */
export class TaskTracker {
  readonly records = new Map<string, TaskRecord>();
  private readonly live = new Map<string, LiveCall>();
  /** `${server}\n${mcpTaskId}` → record id. */
  private readonly byMcpTask = new Map<string, string>();
  /** Status notifications that overtook their CreateTaskResult. */
  private readonly early = new Map<string, Task>();
  private readonly now: () => number;

  constructor(private readonly deps: TrackerDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Restores records from the journal (all finished). */
  restore(records: TaskRecord[]): void {
    for (const record of records) this.records.set(record.id, record);
  }

  /** Installs the handlers for one server's client (before it connects). */
  configureClient(client: Client, server: string): void {
    client.setNotificationHandler(TaskStatusNotificationSchema, (n) => this.onStatus(server, n.params));
    // Our own progress tokens (the record ids): the SDK would drop tokens it did not issue.
    client.setNotificationHandler(ProgressNotificationSchema, (n) => {
      const record = this.records.get(String(n.params.progressToken));
      if (!record || record.server !== server) return;
      if (applyProgress(record, n.params, this.now())) this.changed(record, 'progress');
      this.touch(record.id);
    });
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      const record = this.recordForServerMessage(server, n.params._meta);
      if (!record) return;
      const data = n.params.data;
      const message = typeof data === 'string' ? data : JSON.stringify(data);
      const line = { at: this.now(), level: n.params.level, message };
      appendLog(record, line);
      this.deps.onLog(record, line);
    });
    client.setRequestHandler(ElicitRequestSchema, (request, extra) =>
      this.onElicit(server, request.params, extra.signal),
    );
  }

  async start(server: string, tool: string, args: Record<string, unknown>): Promise<TaskRecord> {
    const client = this.deps.client(server);
    if (!client) throw new Error(`Server ${server} is not ready.`);
    const mode = await this.deps.chooseMode(server, tool, args);
    const record = newRecord(randomUUID(), server, tool, args, mode, this.now());
    this.records.set(record.id, record);
    this.live.set(record.id, { server, pollMs: MIN_POLL_MS, resultPending: false, cancelRequested: false });
    this.changed(record, 'created');
    if (mode === 'task') void this.runTask(client, record);
    else void this.runPlain(client, record);
    return record;
  }

  async cancel(id: string): Promise<void> {
    const record = this.records.get(id);
    if (!record) throw new Error(`No task ${id}.`);
    if (isFinished(record.status)) throw new Error(`Task ${id} already ended (${record.status}).`);
    const live = this.live.get(id);
    if (!live) return;
    if (record.mode === 'plain') {
      live.abort?.abort(new Error('Cancelled by the user.'));
      this.end(record, 'cancelled', { message: 'Cancelled by you.' });
      return;
    }
    if (!record.mcpTaskId) {
      live.cancelRequested = true; // sent once the server has answered the create
      return;
    }
    const client = this.deps.client(record.server);
    if (!client) throw new Error(`Server ${record.server} is not connected.`);
    try {
      const task = await client.experimental.tasks.cancelTask(record.mcpTaskId);
      this.applyTask(record, task);
    } catch (error) {
      // -32602: it ended meanwhile; its final status is on its way.
      if ((error as { code?: number }).code !== -32602)
        throw new Error(`Could not cancel: ${(error as Error).message}`);
    }
  }

  async respond(id: string, response: InputResponse): Promise<void> {
    const record = this.records.get(id);
    const live = this.live.get(id);
    if (!record || !live?.answerInput) throw new Error(`Task ${id} is not waiting for input.`);
    const answer = live.answerInput;
    live.answerInput = undefined;
    setInputRequest(record, undefined, this.now());
    this.changed(record, 'input');
    answer(response);
  }

  /**
   * The server's connection is gone: whatever still runs on it ends failed with the reason.
   * The supervisor calls this whenever a ready server's connection closes, so requests that
   * failed with "Connection closed" leave their records to it.
   */
  onDisconnect(server: string, reason: string): void {
    for (const [id, live] of this.live) {
      if (live.server !== server) continue;
      const record = this.records.get(id);
      if (record) this.end(record, 'failed', { error: reason });
    }
  }

  /** Ends every running record (hub shutdown). */
  interruptAll(message: string): void {
    for (const id of [...this.live.keys()]) {
      const record = this.records.get(id);
      if (record) this.end(record, 'interrupted', { message });
    }
  }

  private async runTask(client: Client, record: TaskRecord): Promise<void> {
    let created: z.output<typeof CreateOrResult>;
    try {
      created = await client.request(
        {
          method: 'tools/call',
          params: {
            name: record.tool,
            arguments: record.arguments,
            task: { ttl: TASK_TTL_MS },
            _meta: { progressToken: record.id },
          },
        },
        CreateOrResult,
        { timeout: CREATE_TIMEOUT_MS },
      );
    } catch (error) {
      if (!connectionGone(client)) this.end(record, 'failed', { error: describeCallError(error) });
      return;
    }
    const asTask = CreateTaskResultSchema.safeParse(created);
    if (!asTask.success) {
      // The server answered inline (e.g. it refused the task augmentation).
      this.endWithResult(record, created as CallToolResult);
      return;
    }
    const live = this.live.get(record.id);
    if (!live) return;
    const { task } = asTask.data;
    record.mcpTaskId = task.taskId;
    live.pollMs = clamp(task.pollInterval ?? MIN_POLL_MS, MIN_POLL_MS, MAX_POLL_MS);
    this.byMcpTask.set(key(record.server, task.taskId), record.id);
    this.applyTask(record, task);
    const early = this.early.get(key(record.server, task.taskId));
    if (early) {
      this.early.delete(key(record.server, task.taskId));
      this.applyTask(record, early);
    }
    if (live.cancelRequested && !isFinished(record.status)) void this.cancel(record.id).catch(() => {});
    this.touch(record.id);
  }

  private async runPlain(client: Client, record: TaskRecord): Promise<void> {
    const live = this.live.get(record.id);
    if (!live) return;
    live.abort = new AbortController();
    try {
      const result = await client.request(
        {
          method: 'tools/call',
          params: { name: record.tool, arguments: record.arguments, _meta: { progressToken: record.id } },
        },
        CallToolResultSchema,
        { signal: live.abort.signal, timeout: this.deps.plainCallTimeoutMs ?? PLAIN_CALL_TIMEOUT_MS },
      );
      this.endWithResult(record, result);
    } catch (error) {
      if (live.abort.signal.aborted) return; // cancel() already ended it
      if (!connectionGone(client)) this.end(record, 'failed', { error: describeCallError(error) });
    }
  }

  private onStatus(server: string, task: Task): void {
    const id = this.byMcpTask.get(key(server, task.taskId));
    const record = id ? this.records.get(id) : undefined;
    if (!record) {
      if (this.early.size < 1000) this.early.set(key(server, task.taskId), task);
      return;
    }
    this.applyTask(record, task);
    this.touch(record.id);
  }

  /**
   * Applies a server Task state and reacts: fetch the queued input request, or the
   * result. A final completed/failed state is held back until its result is in, so
   * nobody sees a finished task without its result.
   */
  private applyTask(record: TaskRecord, task: Task): void {
    const live = this.live.get(record.id);
    if (live && !isFinished(record.status) && (task.status === 'completed' || task.status === 'failed')) {
      live.finalTask = task;
      void this.fetchResult(record, live);
      return;
    }
    if (applyServerTask(record, task, this.now())) this.changed(record, 'status');
    if (!live) return;
    if (task.status === 'input_required') void this.fetchResult(record, live);
    if (isFinished(record.status)) this.release(record.id);
  }

  /**
   * tasks/result delivers a task's queued requests (input) while it waits, and the
   * result once the task ends: one call per task at a time.
   */
  private async fetchResult(record: TaskRecord, live: LiveCall): Promise<void> {
    if (live.resultPending || !record.mcpTaskId) return;
    const client = this.deps.client(record.server);
    if (!client) return;
    live.resultPending = true;
    const mcpTaskId = record.mcpTaskId;
    try {
      const result = await client.experimental.tasks.getTaskResult(mcpTaskId, CallToolResultSchema, {
        timeout: RESULT_TIMEOUT_MS,
      });
      const final = live.finalTask ?? (await client.experimental.tasks.getTask(mcpTaskId));
      if (final.status === 'cancelled')
        this.end(record, 'cancelled', { result, message: final.statusMessage });
      else if (final.status === 'failed' || result.isError) {
        this.end(record, 'failed', { result, error: final.statusMessage ?? resultErrorText(result) });
      } else this.end(record, 'completed', { result, message: final.statusMessage });
    } catch (error) {
      if (connectionGone(client)) return;
      const final = live.finalTask;
      if (final) this.end(record, final.status as 'completed' | 'failed', { message: final.statusMessage });
      else this.end(record, 'failed', { error: describeCallError(error) });
    } finally {
      live.resultPending = false;
      if (isFinished(record.status)) this.release(record.id);
    }
  }

  private async onElicit(
    server: string,
    params: { message: string; _meta?: Record<string, unknown> },
    signal: AbortSignal,
  ) {
    const record = this.recordForServerMessage(server, params._meta);
    const live = record ? this.live.get(record.id) : undefined;
    if (!record || !live) return { action: 'decline' as const };
    const requestedSchema = (params as { requestedSchema?: Record<string, unknown> }).requestedSchema ?? {};
    return new Promise<ElicitResult>((resolve) => {
      live.answerInput?.({ action: 'cancel' });
      live.answerInput = resolve;
      setInputRequest(record, { message: params.message, requestedSchema }, this.now());
      this.changed(record, 'input');
      signal.addEventListener(
        'abort',
        () => {
          if (live.answerInput !== resolve) return;
          live.answerInput = undefined;
          setInputRequest(record, undefined, this.now());
          this.changed(record, 'input');
          resolve({ action: 'cancel' });
        },
        { once: true },
      );
    });
  }

  /** The record a server message belongs to: its related task, else its only plain call. */
  private recordForServerMessage(
    server: string,
    meta: Record<string, unknown> | undefined,
  ): TaskRecord | undefined {
    const related = meta?.[RELATED_TASK] as { taskId?: string } | undefined;
    if (related?.taskId) {
      const id = this.byMcpTask.get(key(server, related.taskId));
      return id ? this.records.get(id) : undefined;
    }
    const plain = [...this.live.keys()]
      .map((id) => this.records.get(id))
      .filter((r): r is TaskRecord => r?.server === server && r.mode === 'plain');
    return plain.length === 1 ? plain[0] : undefined;
  }

  private endWithResult(record: TaskRecord, result: CallToolResult): void {
    if (result.isError) this.end(record, 'failed', { result, error: resultErrorText(result) });
    else this.end(record, 'completed', { result, message: summaryLine(result) });
  }

  private end(
    record: TaskRecord,
    status: 'completed' | 'failed' | 'cancelled' | 'interrupted',
    details: Parameters<typeof finish>[3],
  ): void {
    if (finish(record, status, this.now(), details)) this.changed(record, 'status');
    this.release(record.id);
  }

  /** Stops following a finished record: timers, pending input. */
  private release(id: string): void {
    const live = this.live.get(id);
    if (!live) return;
    clearTimeout(live.pollTimer);
    live.answerInput?.({ action: 'cancel' });
    live.answerInput = undefined;
    // Keep following until the result is in (tasks/result may still be running).
    if (!live.resultPending) this.live.delete(id);
    const record = this.records.get(id);
    if (record?.mcpTaskId && !live.resultPending) this.byMcpTask.delete(key(record.server, record.mcpTaskId));
  }

  /** Something was heard from the task: push the fallback poll back. */
  private touch(id: string): void {
    const live = this.live.get(id);
    const record = this.records.get(id);
    if (!live || !record || record.mode !== 'task' || isFinished(record.status) || !record.mcpTaskId) return;
    clearTimeout(live.pollTimer);
    live.pollTimer = setTimeout(() => void this.poll(record), live.pollMs);
  }

  private async poll(record: TaskRecord): Promise<void> {
    const client = this.deps.client(record.server);
    if (!client || !record.mcpTaskId || isFinished(record.status)) return;
    try {
      this.applyTask(record, await client.experimental.tasks.getTask(record.mcpTaskId));
    } catch (error) {
      if ((error as { code?: number }).code === -32602) {
        this.end(record, 'failed', {
          error: `The server no longer knows this task: ${(error as Error).message}`,
        });
        return;
      }
    }
    if (this.live.has(record.id)) this.touch(record.id);
  }

  private changed(record: TaskRecord, kind: ChangeKind): void {
    this.deps.onChange(record, kind);
  }
}

function key(server: string, mcpTaskId: string): string {
  return `${server}\n${mcpTaskId}`;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/**
 * A request failed because the server's connection closed ("Connection closed"): the
 * supervisor's onDisconnect then ends the record with the real reason (exit code and
 * stderr, or the broken message), which this error does not know.
 */
function connectionGone(client: Client): boolean {
  return client.transport === undefined;
}

function describeCallError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: number }).code;
  if (code === -32001) return `The server did not answer in time (${message}).`;
  return message;
}

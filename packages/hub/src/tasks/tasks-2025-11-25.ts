import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  type CallToolResult,
  CallToolResultSchema,
  CreateTaskResultSchema,
  ElicitRequestSchema,
  type ElicitResult,
  LoggingMessageNotificationSchema,
  ProgressNotificationSchema,
  RELATED_TASK_META_KEY,
  type Task,
  TaskStatusNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { InputResponse, TaskStatus } from '@taskdeck/contract';
import { resultText, summaryLine } from '@taskdeck/node-common/result-text';
import { z } from 'zod';
import type { Disconnect } from '../servers/server-supervisor.js';
import type { NewCall } from './task-book.js';
import type { EndStatus, TaskEvent } from './task-events.js';
import { isFinished } from './task-record.js';

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

/** One tool call to follow, as the task book knows it. */
export type Call = Omit<NewCall, 'title'>;

export interface AdapterDeps {
  /** The connected client of a ready server, or undefined. */
  client(server: string): Client | undefined;
  /** Reports what happened to a call; the hub applies it to the task book. */
  emit(id: string, event: TaskEvent): void;
  /** The call's status as the book has it (undefined once the book forgot it). */
  status(id: string): TaskStatus | undefined;
  /** A plain call with no answer for this long fails (default 10 min: long work should be a task). */
  plainCallTimeoutMs?: number;
  /** A call on `server` began to be followed, and was let go (ended, result in): for the idle policy. */
  callStarted?(server: string): void;
  callEnded?(server: string): void;
}

interface LiveCall {
  call: Call;
  /**
   * The task runs on a remote server whose connection is lost (or Taskdeck just started): it is
   * followed again by its id once the server is connected (`resume`).
   */
  detached?: boolean;
  /** Bumped when the call is detached: what a request on the lost connection leaves behind is ignored. */
  epoch: number;
  abort?: AbortController;
  pollTimer?: NodeJS.Timeout;
  pollMs: number;
  mcpTaskId?: string;
  resultPending: boolean;
  cancelRequested: boolean;
  /** The server's final completed/failed state, applied together with the result. */
  finalTask?: Task;
  answerInput?: (response: ElicitResult) => void;
}

/**
 * The MCP 2025-11-25 task protocol (SEP-1686) over the SDK's client, turned into task
 * events: `tools/call` with `task`, status and progress notifications first, `tasks/get`
 * polling only for a quiet task, `tasks/result` for queued input requests and the result,
 * `tasks/cancel`. Plain calls (tools without task support) go through the same events.
 * It keeps only what the protocol needs per live call; the task book keeps the state.
 */
export class Tasks20251125 {
  private readonly live = new Map<string, LiveCall>();
  /** `${server}\n${mcpTaskId}` → call id. */
  private readonly byMcpTask = new Map<string, string>();
  /** Status notifications that overtook their CreateTaskResult. */
  private readonly early = new Map<string, Task>();

  constructor(private readonly deps: AdapterDeps) {}

  /** Installs the handlers for one server's client (before it connects). */
  configureClient(client: Client, server: string): void {
    client.setNotificationHandler(TaskStatusNotificationSchema, (n) => this.onStatus(server, n.params));
    // Our own progress tokens (the call ids): the SDK would drop tokens it did not issue.
    client.setNotificationHandler(ProgressNotificationSchema, (n) => {
      const id = String(n.params.progressToken);
      if (this.live.get(id)?.call.server !== server) return;
      const { progress, total, message } = n.params;
      this.deps.emit(id, { type: 'progress', progress, total, message });
      this.touch(id);
    });
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      const id = this.callForServerMessage(server, n.params._meta);
      if (!id) return;
      const data = n.params.data;
      const message = typeof data === 'string' ? data : JSON.stringify(data);
      this.deps.emit(id, { type: 'log', line: { at: Date.now(), level: n.params.level, message } });
    });
    client.setRequestHandler(ElicitRequestSchema, (request, extra) =>
      this.onElicit(server, request.params, extra.signal),
    );
  }

  /** Starts following a call the book just created. */
  start(call: Call): void {
    const client = this.deps.client(call.server);
    this.live.set(call.id, newLive(call));
    this.deps.callStarted?.(call.server);
    if (!client) {
      this.end(call.id, 'failed', { error: `Server ${call.server} is not ready.` });
      return;
    }
    if (call.mode === 'task') void this.runTask(client, call);
    else void this.runPlain(client, call);
  }

  /** Asks the server to cancel (the book has checked that the call is running). */
  async cancel(id: string): Promise<void> {
    const live = this.live.get(id);
    if (!live) return;
    if (live.call.mode === 'plain') {
      live.abort?.abort(new Error('Cancelled by the user.'));
      this.end(id, 'cancelled', { message: 'Cancelled by you.' });
      return;
    }
    if (!live.mcpTaskId) {
      live.cancelRequested = true; // sent once the server has answered the create
      return;
    }
    const client = this.deps.client(live.call.server);
    if (!client) throw new Error(`Server ${live.call.server} is not connected.`);
    try {
      this.applyTask(id, await client.experimental.tasks.cancelTask(live.mcpTaskId));
    } catch (error) {
      // -32602: it ended meanwhile; its final status is on its way.
      if ((error as { code?: number }).code !== -32602)
        throw new Error(`Could not cancel: ${(error as Error).message}`);
    }
  }

  /** Whether the call has a question waiting for the user's answer. */
  isWaitingForInput(id: string): boolean {
    return this.live.get(id)?.answerInput !== undefined;
  }

  respond(id: string, response: InputResponse): void {
    const live = this.live.get(id);
    const answer = live?.answerInput;
    if (!live || !answer) throw new Error(`Task ${id} is not waiting for input.`);
    live.answerInput = undefined;
    this.deps.emit(id, { type: 'input', request: undefined });
    answer(response);
  }

  /**
   * The server's connection is gone: whatever still runs on it ends failed with the reason,
   * except tasks that outlive the connection (a remote server's): while it is connected again
   * they wait, and are followed again by id on `resume`; when it is not, Taskdeck stops
   * following them (`interrupted`: they may still run there). The supervisor calls this
   * whenever a ready server's connection closes, so requests that failed with "Connection
   * closed" leave their calls to it.
   */
  onDisconnect(
    server: string,
    reason: string,
    how: Disconnect = { tasksOutlive: false, retrying: false },
  ): void {
    for (const [id, live] of this.live) {
      if (live.call.server !== server) continue;
      if (!how.tasksOutlive || live.call.mode !== 'task' || !live.mcpTaskId)
        this.end(id, 'failed', { error: reason });
      else if (how.retrying) this.detach(id, live, reason);
      else
        this.end(id, 'interrupted', {
          message: `${reason} Taskdeck no longer follows this task; it may still run on the server.`,
        });
    }
  }

  /** The server is connected (again): its waiting tasks are followed again, state first. */
  resume(server: string): void {
    for (const [id, live] of this.live) {
      if (live.call.server !== server || !live.detached) continue;
      live.detached = false;
      this.deps.emit(id, { type: 'attached' });
      void this.poll(id);
    }
  }

  /**
   * Follows a task that was running on a remote server when Taskdeck stopped: it waits for
   * the server's connection, then `resume` picks it up by its id.
   */
  adopt(call: Call, mcpTaskId: string, reason: string): void {
    const live = newLive(call);
    live.mcpTaskId = mcpTaskId;
    this.live.set(call.id, live);
    this.deps.callStarted?.(call.server);
    this.byMcpTask.set(key(call.server, mcpTaskId), call.id);
    this.detach(call.id, live, reason);
  }

  /**
   * Hub shutdown: calls end `interrupted`, except tasks on servers whose tasks outlive
   * Taskdeck (`keep`): they stay running in the journal and are adopted at the next start.
   */
  interruptAll(message: string, keep: (server: string) => boolean = () => false): void {
    for (const [id, live] of [...this.live]) {
      if (live.call.mode === 'task' && live.mcpTaskId && keep(live.call.server)) {
        this.detach(
          id,
          live,
          `${message} It still runs on server ${live.call.server}; Taskdeck follows it again when it starts.`,
        );
        this.forget(id, live);
      } else this.end(id, 'interrupted', { message });
    }
  }

  private detach(id: string, live: LiveCall, reason: string): void {
    live.detached = true;
    live.epoch++;
    live.resultPending = false;
    live.finalTask = undefined;
    clearTimeout(live.pollTimer);
    if (live.answerInput) {
      // The question came over the lost connection: its answer could not reach the server.
      live.answerInput({ action: 'cancel' });
      live.answerInput = undefined;
      this.deps.emit(id, { type: 'input', request: undefined });
    }
    this.deps.emit(id, { type: 'detached', reason });
  }

  private async runTask(client: Client, call: Call): Promise<void> {
    let created: z.output<typeof CreateOrResult>;
    try {
      created = await client.request(
        {
          method: 'tools/call',
          params: {
            name: call.tool,
            arguments: call.arguments,
            task: { ttl: TASK_TTL_MS },
            _meta: { progressToken: call.id },
          },
        },
        CreateOrResult,
        { timeout: CREATE_TIMEOUT_MS },
      );
    } catch (error) {
      if (!connectionGone(client)) this.end(call.id, 'failed', { error: describeCallError(error) });
      return;
    }
    const asTask = CreateTaskResultSchema.safeParse(created);
    if (!asTask.success) {
      // The server answered inline (e.g. it refused the task augmentation).
      this.endWithResult(call.id, created as CallToolResult);
      return;
    }
    const live = this.live.get(call.id);
    if (!live) return;
    const { task } = asTask.data;
    live.mcpTaskId = task.taskId;
    live.pollMs = clamp(task.pollInterval ?? MIN_POLL_MS, MIN_POLL_MS, MAX_POLL_MS);
    this.byMcpTask.set(key(call.server, task.taskId), call.id);
    this.deps.emit(call.id, { type: 'accepted', remoteTaskId: task.taskId });
    this.applyTask(call.id, task);
    const early = this.early.get(key(call.server, task.taskId));
    if (early) {
      this.early.delete(key(call.server, task.taskId));
      this.applyTask(call.id, early);
    }
    if (live.cancelRequested && this.live.has(call.id)) void this.cancel(call.id).catch(() => {});
    this.touch(call.id);
  }

  private async runPlain(client: Client, call: Call): Promise<void> {
    const live = this.live.get(call.id);
    if (!live) return;
    live.abort = new AbortController();
    try {
      const result = await client.request(
        {
          method: 'tools/call',
          params: { name: call.tool, arguments: call.arguments, _meta: { progressToken: call.id } },
        },
        CallToolResultSchema,
        { signal: live.abort.signal, timeout: this.deps.plainCallTimeoutMs ?? PLAIN_CALL_TIMEOUT_MS },
      );
      this.endWithResult(call.id, result);
    } catch (error) {
      if (live.abort.signal.aborted) return; // cancel() already ended it
      if (!connectionGone(client)) this.end(call.id, 'failed', { error: describeCallError(error) });
    }
  }

  private onStatus(server: string, task: Task): void {
    const id = this.byMcpTask.get(key(server, task.taskId));
    if (!id) {
      // Bounded: the oldest give way (a server may announce tasks this hub never created).
      if (this.early.size >= 1000) this.early.delete(this.early.keys().next().value as string);
      this.early.set(key(server, task.taskId), task);
      return;
    }
    this.applyTask(id, task);
    this.touch(id);
  }

  /**
   * Applies a server Task state and reacts: fetch the queued input request, or the
   * result. A final completed/failed state is held back until its result is in, so
   * nobody sees a finished task without its result.
   */
  private applyTask(id: string, task: Task): void {
    const live = this.live.get(id);
    if (!live) return;
    const remoteTime = serverTime(task);
    if (task.status === 'completed' || task.status === 'failed') {
      live.finalTask = task;
      void this.fetchResult(id, live);
      return;
    }
    if (task.status === 'cancelled') {
      this.end(id, 'cancelled', { message: task.statusMessage, remoteTime });
      return;
    }
    this.deps.emit(id, { type: 'status', status: task.status, message: task.statusMessage, remoteTime });
    if (task.status === 'input_required') void this.fetchResult(id, live);
  }

  /**
   * tasks/result delivers a task's queued requests (input) while it waits, and the
   * result once the task ends: one call per task at a time.
   */
  private async fetchResult(id: string, live: LiveCall): Promise<void> {
    if (live.resultPending || !live.mcpTaskId) return;
    const client = this.deps.client(live.call.server);
    if (!client) return;
    live.resultPending = true;
    const { mcpTaskId, epoch } = live;
    try {
      const result = await client.experimental.tasks.getTaskResult(mcpTaskId, CallToolResultSchema, {
        timeout: RESULT_TIMEOUT_MS,
      });
      const final = live.finalTask ?? (await client.experimental.tasks.getTask(mcpTaskId));
      const remoteTime = serverTime(final);
      if (final.status === 'cancelled')
        this.end(id, 'cancelled', { result, message: final.statusMessage, remoteTime });
      else if (final.status === 'failed' || result.isError) {
        this.end(id, 'failed', { result, error: final.statusMessage ?? errorText(result), remoteTime });
      } else this.end(id, 'completed', { result, message: final.statusMessage, remoteTime });
    } catch (error) {
      if (connectionGone(client) || live.epoch !== epoch) return;
      const final = live.finalTask;
      if (final) this.end(id, final.status as EndStatus, { message: final.statusMessage });
      else this.end(id, 'failed', { error: describeCallError(error) });
    } finally {
      if (live.epoch === epoch) live.resultPending = false;
      if (this.isOver(id)) this.release(id);
    }
  }

  private async onElicit(
    server: string,
    params: { message: string; _meta?: Record<string, unknown> },
    signal: AbortSignal,
  ): Promise<ElicitResult> {
    const id = this.callForServerMessage(server, params._meta);
    const live = id ? this.live.get(id) : undefined;
    if (!id || !live) return { action: 'decline' };
    const requestedSchema = (params as { requestedSchema?: Record<string, unknown> }).requestedSchema ?? {};
    return new Promise<ElicitResult>((resolve) => {
      live.answerInput?.({ action: 'cancel' });
      live.answerInput = resolve;
      this.deps.emit(id, { type: 'input', request: { message: params.message, requestedSchema } });
      signal.addEventListener(
        'abort',
        () => {
          if (live.answerInput !== resolve) return;
          live.answerInput = undefined;
          this.deps.emit(id, { type: 'input', request: undefined });
          resolve({ action: 'cancel' });
        },
        { once: true },
      );
    });
  }

  /** The call a server message belongs to: its related task, else its only plain call. */
  private callForServerMessage(
    server: string,
    meta: Record<string, unknown> | undefined,
  ): string | undefined {
    const related = meta?.[RELATED_TASK_META_KEY] as { taskId?: string } | undefined;
    if (related?.taskId) return this.byMcpTask.get(key(server, related.taskId));
    const plain = [...this.live.values()].filter((l) => l.call.server === server && l.call.mode === 'plain');
    return plain.length === 1 ? plain[0]?.call.id : undefined;
  }

  private endWithResult(id: string, result: CallToolResult): void {
    if (result.isError) this.end(id, 'failed', { result, error: errorText(result) });
    else this.end(id, 'completed', { result, message: summaryLine(result) });
  }

  private end(
    id: string,
    status: EndStatus,
    details: Omit<Extract<TaskEvent, { type: 'ended' }>, 'type' | 'status'>,
  ) {
    this.deps.emit(id, { type: 'ended', status, ...details });
    this.release(id);
  }

  /** The book has the call finished (or forgot it). */
  private isOver(id: string): boolean {
    const status = this.deps.status(id);
    return status === undefined || isFinished(status);
  }

  /** Stops following a finished call: timers, pending input; kept until its result is in. */
  private release(id: string): void {
    const live = this.live.get(id);
    if (!live) return;
    clearTimeout(live.pollTimer);
    live.answerInput?.({ action: 'cancel' });
    live.answerInput = undefined;
    if (live.resultPending) return; // tasks/result may still bring the result
    this.forget(id, live);
  }

  private forget(id: string, live: LiveCall): void {
    clearTimeout(live.pollTimer);
    this.live.delete(id);
    this.deps.callEnded?.(live.call.server);
    if (live.mcpTaskId) this.byMcpTask.delete(key(live.call.server, live.mcpTaskId));
  }

  /** Something was heard from the task: push the fallback poll back. */
  private touch(id: string): void {
    const live = this.live.get(id);
    if (live?.call.mode !== 'task' || !live.mcpTaskId || live.detached || this.isOver(id)) return;
    clearTimeout(live.pollTimer);
    live.pollTimer = setTimeout(() => void this.poll(id), live.pollMs);
  }

  private async poll(id: string): Promise<void> {
    const live = this.live.get(id);
    const client = live && this.deps.client(live.call.server);
    if (!live?.mcpTaskId || !client || live.detached || this.isOver(id)) return;
    const { epoch } = live;
    try {
      const task = await client.experimental.tasks.getTask(live.mcpTaskId);
      if (live.epoch !== epoch) return;
      this.applyTask(id, task);
    } catch (error) {
      if (live.epoch !== epoch) return;
      if ((error as { code?: number }).code === -32602) {
        this.end(id, 'failed', {
          error: `The server no longer knows this task: ${(error as Error).message}`,
        });
        return;
      }
    }
    if (this.live.has(id)) this.touch(id);
  }
}

function newLive(call: Call): LiveCall {
  return { call, epoch: 0, pollMs: MIN_POLL_MS, resultPending: false, cancelRequested: false };
}

/** A Task's `lastUpdatedAt` in ms, when the server gave a readable one. */
function serverTime(task: Task): number | undefined {
  const time = Date.parse(task.lastUpdatedAt);
  return Number.isFinite(time) ? time : undefined;
}

/** The text of an error result, for `error` and the status message. */
function errorText(result: CallToolResult): string {
  return resultText(result) || 'The tool reported an error.';
}

function key(server: string, mcpTaskId: string): string {
  return `${server}\n${mcpTaskId}`;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/**
 * A request failed because the server's connection closed ("Connection closed"): the
 * supervisor's onDisconnect then ends the call with the real reason (exit code and stderr,
 * or the broken message), which this error does not know.
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

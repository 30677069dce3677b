import { randomUUID } from 'node:crypto';
import {
  type CreateTaskOptions,
  isTerminal,
  type TaskStore,
} from '@modelcontextprotocol/sdk/experimental/tasks';
import {
  ErrorCode,
  McpError,
  type Request,
  type RequestId,
  type Result,
  type Task,
} from '@modelcontextprotocol/sdk/types.js';

export type TaskStatus = Task['status'];

const PLAIN_CALL_TTL_MS = 60_000;

/** Allowed transitions of the 2025-11-25 task state machine. Terminal states have none. */
const TRANSITIONS: Record<TaskStatus, ReadonlySet<TaskStatus>> = {
  working: new Set(['input_required', 'completed', 'failed', 'cancelled']),
  input_required: new Set(['working', 'completed', 'failed', 'cancelled']),
  completed: new Set(),
  failed: new Set(),
  cancelled: new Set(),
};

export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return TRANSITIONS[from].has(to);
}

export interface TaskStoreOptions {
  /** TTL (ms) after reaching a terminal state when the client asks for none. */
  defaultTtlMs?: number;
  /** Upper bound on a client-requested TTL. */
  maxTtlMs?: number;
  /** How many terminal tasks are kept at most; the oldest finished ones go first. */
  maxFinished?: number;
  pageSize?: number;
  defaultPollIntervalMs?: number;
  now?: () => number;
  /** Called when a finished task is forgotten (TTL or bound), to free what belongs to it. */
  onDelete?: (taskId: string) => void;
}

/**
 * `task` is a task the client created with a task-augmented call; `plain` is the record
 * the runtime keeps for a plain call to a task tool: hidden from tasks/list and
 * silent, because the client never saw its id.
 */
export type TaskOrigin = 'task' | 'plain';

export interface TaskChange {
  task: Task;
  previousStatus: TaskStatus | undefined;
  origin: TaskOrigin;
}

interface Entry {
  seq: number;
  task: Task;
  origin: TaskOrigin;
  result?: Result;
  expiryTimer?: NodeJS.Timeout;
}

/**
 * Our TaskStore for the SDK. Unlike the SDK's InMemoryTaskStore it never expires a
 * running task (TTL counts from the terminal state), lets statusMessage be cleared
 * (`null`), lists in O(page) by a sequence cursor, bounds the number of finished
 * tasks kept, and reports every status change to listeners (the runtime turns those
 * into `notifications/tasks/status` and, for cancel, into an AbortSignal).
 *
 * Tasks belong to the server, not to a connection: the SDK passes each request's
 * session id, and it is ignored, so a client whose connection dropped reads its tasks
 * by id from a new session. A session is a connection, not a principal; the server's
 * one authorization context is its bearer token (MCP 2025-11-25, tasks, "Task
 * Isolation"), and task ids are random UUIDs.
 */
export class TaskdeckTaskStore implements TaskStore {
  private readonly entries = new Map<string, Entry>();
  /** Entries in creation order; deleted ones are compacted away lazily. */
  private order: Entry[] = [];
  private deletedInOrder = 0;
  /** Terminal task ids in the order they finished (Set keeps insertion order). */
  private readonly finished = new Set<string>();
  private nextSeq = 1;
  private readonly listeners = new Set<(change: TaskChange) => void>();
  private readonly opts: Required<TaskStoreOptions>;

  constructor(options: TaskStoreOptions = {}) {
    this.opts = {
      defaultTtlMs: 60 * 60 * 1000,
      maxTtlMs: 24 * 60 * 60 * 1000,
      maxFinished: 1000,
      pageSize: 50,
      defaultPollIntervalMs: 500,
      now: Date.now,
      onDelete: () => {},
      ...options,
    };
  }

  onChange(listener: (change: TaskChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.entries.size;
  }

  async createTask(params: CreateTaskOptions, _requestId: RequestId, request: Request): Promise<Task> {
    return this.create(params, request.params?.task !== undefined ? 'task' : 'plain');
  }

  /** Synchronous core of createTask, also used directly by the runtime. */
  create(params: CreateTaskOptions, origin: TaskOrigin): Task {
    const createdAt = new Date(this.opts.now()).toISOString();
    const task: Task = {
      taskId: randomUUID(),
      status: 'working',
      // A plain call's record is read once, right after it ends: it need not stay.
      ttl:
        origin === 'plain'
          ? Math.min(PLAIN_CALL_TTL_MS, this.clampTtl(params.ttl))
          : this.clampTtl(params.ttl),
      createdAt,
      lastUpdatedAt: createdAt,
      pollInterval: params.pollInterval ?? this.opts.defaultPollIntervalMs,
    };
    const entry: Entry = { seq: this.nextSeq++, task, origin };
    this.entries.set(task.taskId, entry);
    this.order.push(entry);
    this.emit(entry, undefined);
    return { ...task };
  }

  async getTask(taskId: string): Promise<Task | null> {
    const entry = this.entries.get(taskId);
    return entry ? { ...entry.task } : null;
  }

  getTaskSync(taskId: string): Task | undefined {
    const entry = this.entries.get(taskId);
    return entry ? { ...entry.task } : undefined;
  }

  origin(taskId: string): TaskOrigin | undefined {
    return this.entries.get(taskId)?.origin;
  }

  async storeTaskResult(taskId: string, status: 'completed' | 'failed', result: Result) {
    this.finish(taskId, status, result, undefined);
  }

  /**
   * Moves a task to a terminal state with its result. `statusMessage`: a string sets
   * it, `null` clears it, `undefined` keeps the current one.
   */
  finish(
    taskId: string,
    status: 'completed' | 'failed' | 'cancelled',
    result: Result | undefined,
    statusMessage?: string | null,
  ): void {
    const entry = this.require(taskId);
    this.assertTransition(entry, status);
    entry.result = result;
    this.apply(entry, status, statusMessage);
  }

  async getTaskResult(taskId: string): Promise<Result> {
    const entry = this.require(taskId);
    if (!isTerminal(entry.task.status)) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `Task ${taskId} is still ${entry.task.status}: no result yet`,
      );
    }
    if (entry.result) return entry.result;
    // A task cancelled by the client has no result of its own; describe what happened.
    return {
      content: [{ type: 'text', text: entry.task.statusMessage ?? `Task ${entry.task.status}.` }],
      isError: true,
    };
  }

  async updateTaskStatus(taskId: string, status: TaskStatus, statusMessage?: string) {
    this.setStatus(taskId, status, statusMessage);
  }

  /** `statusMessage`: a string sets it, `null` clears it, `undefined` keeps it. */
  setStatus(taskId: string, status: TaskStatus, statusMessage?: string | null): void {
    const entry = this.require(taskId);
    if (status !== entry.task.status) this.assertTransition(entry, status);
    else if (isTerminal(status)) {
      throw new McpError(ErrorCode.InvalidParams, `Task ${taskId} is already ${status}`);
    }
    this.apply(entry, status, statusMessage);
  }

  async listTasks(cursor?: string): Promise<{ tasks: Task[]; nextCursor?: string }> {
    let after = 0;
    if (cursor !== undefined) {
      after = Number(cursor);
      if (!/^\d+$/.test(cursor) || !Number.isSafeInteger(after)) {
        throw new McpError(ErrorCode.InvalidParams, `Invalid cursor: ${JSON.stringify(cursor)}`);
      }
    }
    this.compactOrder();
    // Collect one task past the page to know whether a next page exists: O(page).
    const page: Entry[] = [];
    for (
      let i = firstIndexAfter(this.order, after);
      i < this.order.length && page.length <= this.opts.pageSize;
      i++
    ) {
      const entry = this.order[i] as Entry;
      // A plain call's record is not a task the client knows of.
      if (this.entries.has(entry.task.taskId) && entry.origin === 'task') page.push(entry);
    }
    const more = page.length > this.opts.pageSize;
    if (more) page.pop();
    const tasks = page.map((e) => ({ ...e.task }));
    return more ? { tasks, nextCursor: String((page.at(-1) as Entry).seq) } : { tasks };
  }

  /** Stops all expiry timers (tests, shutdown). */
  dispose(): void {
    for (const entry of this.entries.values()) clearTimeout(entry.expiryTimer);
  }

  private require(taskId: string): Entry {
    const entry = this.entries.get(taskId);
    if (!entry) throw new McpError(ErrorCode.InvalidParams, `Task not found: ${taskId}`);
    return entry;
  }

  private assertTransition(entry: Entry, to: TaskStatus): void {
    const from = entry.task.status;
    if (!canTransition(from, to)) {
      throw new McpError(
        ErrorCode.InvalidParams,
        isTerminal(from)
          ? `Task ${entry.task.taskId} is already ${from}; a finished task cannot become ${to}`
          : `Task ${entry.task.taskId} cannot go from ${from} to ${to}`,
      );
    }
  }

  private apply(entry: Entry, status: TaskStatus, statusMessage: string | null | undefined): void {
    const previous = entry.task.status;
    entry.task.status = status;
    if (statusMessage !== undefined) setStatusMessage(entry.task, statusMessage);
    entry.task.lastUpdatedAt = new Date(this.opts.now()).toISOString();
    if (isTerminal(status)) this.onTerminal(entry);
    this.emit(entry, previous);
  }

  private onTerminal(entry: Entry): void {
    const { taskId, ttl } = entry.task;
    this.finished.add(taskId);
    if (ttl !== null && ttl !== undefined) {
      entry.expiryTimer = setTimeout(() => this.delete(taskId), ttl);
      entry.expiryTimer.unref();
    }
    while (this.finished.size > this.opts.maxFinished) {
      const oldest = this.finished.values().next().value as string;
      this.delete(oldest);
    }
  }

  private delete(taskId: string): void {
    const entry = this.entries.get(taskId);
    if (!entry) return;
    clearTimeout(entry.expiryTimer);
    this.entries.delete(taskId);
    this.finished.delete(taskId);
    this.deletedInOrder++;
    this.opts.onDelete(taskId);
  }

  private compactOrder(): void {
    if (this.deletedInOrder * 2 < this.order.length) return;
    this.order = this.order.filter((e) => this.entries.has(e.task.taskId));
    this.deletedInOrder = 0;
  }

  private clampTtl(requested: number | null | undefined): number {
    if (requested === undefined || requested === null) return this.opts.defaultTtlMs;
    return Math.min(Math.max(0, requested), this.opts.maxTtlMs);
  }

  private emit(entry: Entry, previousStatus: TaskStatus | undefined): void {
    const change: TaskChange = { task: { ...entry.task }, previousStatus, origin: entry.origin };
    for (const listener of this.listeners) listener(change);
  }
}

function setStatusMessage(task: Task, message: string | null): void {
  if (message === null) delete task.statusMessage;
  else task.statusMessage = message;
}

/** Binary search: index of the first entry whose seq is greater than `seq`. */
function firstIndexAfter(order: readonly Entry[], seq: number): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((order[mid] as Entry).seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

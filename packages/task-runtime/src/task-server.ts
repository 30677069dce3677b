import { AsyncLocalStorage } from 'node:async_hooks';
import { type CreateTaskResult, isTerminal } from '@modelcontextprotocol/sdk/experimental/tasks';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  type CallToolRequest,
  CallToolRequestSchema,
  type CallToolResult,
  type ElicitRequestFormParams,
  type ElicitResult,
  ErrorCode,
  isJSONRPCRequest,
  type JSONRPCMessage,
  ListToolsRequestSchema,
  type LoggingLevel,
  RELATED_TASK_META_KEY,
  type RequestId,
  type ServerNotification,
  type ServerRequest,
  type Task,
  type Tool,
  type ToolAnnotations,
} from '@modelcontextprotocol/sdk/types.js';
import { resultText, summaryLine } from '@taskdeck/node-common/result-text';
import { z } from 'zod';
import { TaskdeckMessageQueue } from './message-queue.js';
import { ProgressThrottle } from './progress-throttle.js';
import { boundResult } from './result-bound.js';
import { RootsGuard } from './roots.js';
import { stderrLog } from './stderr-log.js';
import { TaskInputs } from './task-inputs.js';
import { TaskdeckTaskStore, type TaskStatus } from './task-store.js';
import { Throttle } from './throttle.js';
import { describeInvalidArguments } from './tool-arguments.js';

/** How long a task waits for the user to answer an input request. */
const INPUT_TIMEOUT_MS = 24 * 60 * 60 * 1000;
const MAX_QUEUED_MESSAGES_PER_TASK = 100;
/** Requests about one task by id: the task's notifications follow the session that sends one. */
const TASK_REQUESTS: ReadonlySet<string> = new Set(['tasks/get', 'tasks/result', 'tasks/cancel']);

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;
// biome-ignore lint/suspicious/noExplicitAny: any zod object shape is accepted here
type AnyObject = z.ZodObject<any>;

/** Thrown by a tool's work to end its task `cancelled` with a message (e.g. the user declined). */
export class TaskCancelledError extends Error {
  override name = 'TaskCancelledError';
}

export interface ToolLogger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warning(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export interface ToolContext {
  /** Fires when the client cancels (`tasks/cancel`, or `notifications/cancelled` for a plain call). */
  readonly signal: AbortSignal;
  /** Set when the call runs as a task. */
  readonly taskId: string | undefined;
  /** Reports progress (throttled) and makes `message` the task's statusMessage. */
  progress(done: number, total?: number, message?: string): void;
  /** Sets (or with `null` clears) the statusMessage and tells the client. */
  status(message: string | null): void;
  /**
   * Asks the user (`elicitation/create`). In a task the task is `input_required` while
   * it waits and the request travels through `tasks/result`; it is `working` again after.
   */
  elicit(message: string, requestedSchema: ElicitRequestFormParams['requestedSchema']): Promise<ElicitResult>;
  readonly log: ToolLogger;
}

interface ToolDefinitionBase<I extends AnyObject, O extends AnyObject | undefined> {
  name: string;
  title: string;
  description: string;
  input: I;
  output?: O;
  annotations?: ToolAnnotations;
  run(args: z.output<I>, ctx: ToolContext): Promise<CallToolResult>;
}

export type ToolDefinition<
  I extends AnyObject,
  O extends AnyObject | undefined = undefined,
> = ToolDefinitionBase<I, O>;

export interface TaskToolDefinition<I extends AnyObject, O extends AnyObject | undefined = undefined>
  extends ToolDefinitionBase<I, O> {
  /** `optional`: a plain call also makes sense and runs inline; `required`: only as a task. */
  taskSupport: 'optional' | 'required';
  /** Suggested tasks/get interval; small for tools that may ask for input. */
  pollIntervalMs?: number;
}

interface Registered {
  // biome-ignore lint/suspicious/noExplicitAny: definitions of any shape are stored together
  def: ToolDefinitionBase<AnyObject, any>;
  taskSupport: 'forbidden' | 'optional' | 'required';
  pollIntervalMs?: number;
}

/** One client connection (stdio, or one Streamable HTTP session): the SDK Server that serves it. */
interface Session {
  readonly mcp: Server;
  readonly transport: Transport;
  closed: boolean;
}

/**
 * Where a call's notifications go. A plain call's travel with its request (over HTTP, in
 * that request's response stream); a task's go to the session that last asked about it
 * (created it, or sent tasks/get, tasks/result or tasks/cancel for it), so they reach a
 * client that came back on a new session after its connection dropped, whether or not
 * the old session was ever closed.
 */
interface Route {
  session: Session;
  requestId?: RequestId;
}

export interface ServerIdentity {
  name: string;
  version: string;
  title?: string;
  instructions?: string;
}

/**
 * An MCP server whose long tools run as tasks, on the SDK's low-level Server and its
 * task protocol, filling what the SDK leaves out (see DESIGN.md): cancel aborts the
 * work, every status change is notified, progress and status messages are throttled,
 * bad arguments name the field, task-support misuse gets the spec's error, results too
 * large for one message are refused, and a plain call to an `optional` task tool runs
 * inline without paying a poll interval.
 *
 * It serves any number of connections (`connect` once per stdio pipe or HTTP session),
 * each with its own SDK Server (client capabilities, log level and roots are per
 * connection) over one tool list, one task store and one input queue, so tasks outlive
 * the connection that started them.
 */
export class TaskServer {
  readonly store: TaskdeckTaskStore;
  /** The calling client's roots: tools that read user files check paths with it. */
  readonly roots: RootsGuard;
  private readonly queue: TaskdeckMessageQueue;
  private readonly inputs: TaskInputs;
  private readonly tools = new Map<string, Registered>();
  private readonly running = new Map<string, AbortController>();
  private readonly settling = new Set<Promise<void>>();
  /** Per running task: the status notifications for a new statusMessage alone, throttled. */
  private readonly messageNotices = new Map<string, Throttle<Task>>();
  private readonly sessions = new Set<Session>();
  /** Running tasks' routes (plain calls keep theirs in their own closures). */
  private readonly routes = new Map<string, Route>();
  /**
   * The call a piece of tool code runs for: the roots check is called deep inside the
   * servers' code (e.g. the knowledge base's folder checks), where no context is passed.
   */
  private readonly calls = new AsyncLocalStorage<Route>();

  constructor(readonly identity: ServerIdentity) {
    this.queue = new TaskdeckMessageQueue((_taskId, message, sessionId) =>
      this.inputs.delivered(message, sessionId),
    );
    this.inputs = new TaskInputs({
      queue: this.queue,
      maxQueued: MAX_QUEUED_MESSAGES_PER_TASK,
      withdraw: (sessionId, requestId, reason) => {
        const session = [...this.sessions].find((s) => s.transport.sessionId === sessionId);
        if (session)
          this.notify({ session }, { method: 'notifications/cancelled', params: { requestId, reason } });
      },
    });
    this.store = new TaskdeckTaskStore({ onDelete: (taskId) => this.queue.clear(taskId) });
    this.roots = new RootsGuard(() => this.calls.getStore()?.session.mcp);
    this.store.onChange(({ task, previousStatus, origin }) => {
      // Creation is answered by CreateTaskResult; plain calls have no task to report.
      if (origin === 'task' && previousStatus !== undefined) this.notifyStatus(task, previousStatus);
      if (task.status === 'cancelled') {
        this.running.get(task.taskId)?.abort(new TaskCancelledError(task.statusMessage ?? 'Cancelled'));
      }
      if (isTerminal(task.status)) this.routes.delete(task.taskId);
    });
  }

  /** A tool whose work may be long: runs as a task when the client asks for one. */
  taskTool<I extends AnyObject, O extends AnyObject | undefined>(def: TaskToolDefinition<I, O>): void {
    this.remember({ def, taskSupport: def.taskSupport, pollIntervalMs: def.pollIntervalMs });
  }

  /** A quick tool answered directly, never as a task. */
  tool<I extends AnyObject, O extends AnyObject | undefined>(def: ToolDefinition<I, O>): void {
    this.remember({ def, taskSupport: 'forbidden' });
  }

  /** Serves one client connection; every connection sees the same tools and tasks. */
  async connect(transport: Transport): Promise<void> {
    const mcp = new Server(
      { name: this.identity.name, version: this.identity.version, title: this.identity.title },
      {
        capabilities: {
          logging: {},
          tools: {},
          tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } },
        },
        instructions: this.identity.instructions,
        taskStore: this.store,
        taskMessageQueue: this.queue,
        maxTaskQueueSize: MAX_QUEUED_MESSAGES_PER_TASK,
      },
    );
    const session: Session = { mcp, transport, closed: false };
    mcp.setRequestHandler(ListToolsRequestSchema, () => ({ tools: this.listTools() }));
    mcp.setRequestHandler(CallToolRequestSchema, (request, extra) =>
      this.callTool(request.params, extra, session),
    );
    this.roots.watch(mcp);
    mcp.onclose = () => this.disconnected(session);
    this.sessions.add(session);
    try {
      await mcp.connect(transport);
    } catch (error) {
      this.sessions.delete(session);
      throw error;
    }
    // Answers to our tasks' questions, and requests about a task (its notifications
    // follow them), are seen before the session's SDK Server handles the message.
    const deliver = transport.onmessage;
    transport.onmessage = (message, extra) => {
      if (this.inputs.answer(message, transport.sessionId)) return;
      this.follow(message, session);
      deliver?.(message, extra);
    };
  }

  /** Open connections. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /**
   * Cancels all running work (shutdown) and waits, up to `graceMs`, for it to finish
   * cleaning up (e.g. rolling back).
   */
  async stopAll(reason: string, graceMs = 5000): Promise<void> {
    for (const taskId of [...this.running.keys()]) this.cancelTask(taskId, reason);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.allSettled([...this.settling]), grace]);
    clearTimeout(timer);
  }

  get runningCount(): number {
    return this.running.size;
  }

  listTools(): Tool[] {
    return [...this.tools.values()].map(({ def, taskSupport }) => ({
      name: def.name,
      title: def.title,
      description: def.description,
      inputSchema: z.toJSONSchema(def.input, { io: 'input' }) as Tool['inputSchema'],
      ...(def.output && {
        outputSchema: z.toJSONSchema(def.output, { io: 'output' }) as Tool['outputSchema'],
      }),
      ...(def.annotations && { annotations: def.annotations }),
      execution: { taskSupport },
    }));
  }

  private remember(tool: Registered): void {
    if (this.tools.has(tool.def.name)) throw new Error(`Tool ${tool.def.name} is registered twice`);
    this.tools.set(tool.def.name, tool);
  }

  private disconnected(session: Session): void {
    session.closed = true;
    this.sessions.delete(session);
    this.inputs.sessionClosed(session.transport.sessionId);
  }

  /**
   * A running task's notifications go to the session that asked about it last; its
   * questions go to the session that asks for its result.
   */
  private follow(message: JSONRPCMessage, session: Session): void {
    if (!isJSONRPCRequest(message) || !TASK_REQUESTS.has(message.method)) return;
    const taskId = message.params?.taskId;
    if (typeof taskId !== 'string') return;
    const route = this.routes.get(taskId);
    if (route) route.session = session;
    if (message.method === 'tasks/result') this.inputs.reclaim(taskId, session.transport.sessionId);
  }

  private async callTool(
    params: CallToolRequest['params'],
    extra: Extra,
    session: Session,
  ): Promise<CallToolResult | CreateTaskResult> {
    const tool = this.tools.get(params.name);
    if (!tool) throw new WireError(ErrorCode.InvalidParams, `Unknown tool: ${params.name}`);
    const asTask = params.task !== undefined;
    refuseTaskSupportMisuse(params.name, tool.taskSupport, asTask);
    const args = params.arguments ?? {};
    const route: Route = asTask ? { session } : { session, requestId: extra.requestId };
    if (tool.taskSupport === 'forbidden') return this.runQuickTool(tool.def, args, extra, route);
    const task = this.store.create(
      { ttl: extra.taskRequestedTtl, pollInterval: tool.pollIntervalMs },
      asTask ? 'task' : 'plain',
    );
    if (!asTask) {
      // A plain call runs inline and answers with the result (no polling of our own store).
      await this.execute(tool.def, args, task.taskId, extra, route);
      return (await this.store.getTaskResult(task.taskId)) as CallToolResult;
    }
    this.routes.set(task.taskId, route);
    // Start after CreateTaskResult is on the wire, so it precedes any status notification.
    setImmediate(() => void this.execute(tool.def, args, task.taskId, extra, route));
    return { task };
  }

  private async runQuickTool(
    def: Registered['def'],
    args: unknown,
    extra: Extra,
    route: Route,
  ): Promise<CallToolResult> {
    const parsed = def.input.safeParse(args);
    if (!parsed.success) return errorResult(describeInvalidArguments(def.name, parsed.error, args));
    const ctx = this.context(def.name, undefined, extra.signal, extra, route);
    try {
      const result = await this.calls.run(route, () => def.run(parsed.data, ctx));
      return this.bound(def.name, this.checkOutput(def, result));
    } catch (error) {
      return errorResult(messageOf(error));
    } finally {
      ctx.close(true);
    }
  }

  private execute(
    def: Registered['def'],
    rawArgs: unknown,
    taskId: string,
    extra: Extra,
    route: Route,
  ): Promise<void> {
    const work = this.calls.run(route, () => this.runWork(def, rawArgs, taskId, extra, route));
    this.settling.add(work);
    return work.finally(() => this.settling.delete(work));
  }

  private async runWork(
    def: Registered['def'],
    rawArgs: unknown,
    taskId: string,
    extra: Extra,
    route: Route,
  ): Promise<void> {
    const controller = new AbortController();
    this.running.set(taskId, controller);
    const onRequestAbort = () => this.cancelTask(taskId, 'Cancelled by the client.');
    extra.signal.addEventListener('abort', onRequestAbort, { once: true });
    const isTask = this.store.origin(taskId) === 'task';
    if (isTask) {
      const notices = new Throttle<Task>((task) =>
        this.notify(route, { method: 'notifications/tasks/status', params: task }),
      );
      this.messageNotices.set(taskId, notices);
    }
    const ctx = this.context(def.name, isTask ? taskId : undefined, controller.signal, extra, route);
    try {
      const parsed = def.input.safeParse(rawArgs);
      if (!parsed.success) {
        const message = describeInvalidArguments(def.name, parsed.error, rawArgs);
        this.finish(taskId, 'failed', errorResult(message), message);
        return;
      }
      const result = this.bound(def.name, this.checkOutput(def, await def.run(parsed.data, ctx)));
      ctx.close(true);
      if (result.isError)
        this.finish(taskId, 'failed', result, resultText(result) || 'The tool reported an error.');
      // The last progress text ("12,000 rows so far") would be stale: end with the summary.
      else this.finish(taskId, 'completed', result, summaryLine(result) ?? null);
    } catch (error) {
      ctx.close(false);
      if (error instanceof TaskCancelledError) {
        this.finish(taskId, 'cancelled', textResult(error.message), error.message);
      } else {
        if (!controller.signal.aborted)
          stderrLog(this.identity.name, 'error', `${def.name} failed: ${stackOf(error)}`);
        this.finish(taskId, 'failed', errorResult(messageOf(error)), messageOf(error));
      }
    } finally {
      ctx.close(false);
      extra.signal.removeEventListener('abort', onRequestAbort);
      this.running.delete(taskId);
      this.messageNotices.get(taskId)?.close({ flush: false });
      this.messageNotices.delete(taskId);
    }
  }

  /**
   * Tells the client about a task's new state. A new status goes out at once (and makes a
   * pending message-only notice stale); a new statusMessage alone is throttled like progress,
   * so a chatty tool cannot flood the pipe and a client without a progressToken still hears it.
   */
  private notifyStatus(task: Task, previousStatus: TaskStatus): void {
    const notices = this.messageNotices.get(task.taskId);
    if (notices && task.status === previousStatus) {
      notices.report(task);
      return;
    }
    notices?.drop();
    const route = this.routes.get(task.taskId);
    if (route) this.notify(route, { method: 'notifications/tasks/status', params: task });
  }

  /** Ends a task unless it already ended (a cancel wins over the work's late result). */
  private finish(
    taskId: string,
    status: 'completed' | 'failed' | 'cancelled',
    result: CallToolResult,
    /** `null` clears the status message. */
    statusMessage: string | null,
  ): void {
    const task = this.store.getTaskSync(taskId);
    if (!task || isTerminal(task.status)) return;
    this.store.finish(taskId, status, result, statusMessage);
  }

  private cancelTask(taskId: string, message: string): void {
    const task = this.store.getTaskSync(taskId);
    if (task && !isTerminal(task.status)) this.store.setStatus(taskId, 'cancelled', message);
  }

  /** The result, or an error naming its size when it is too large to send (see boundResult). */
  private bound(toolName: string, result: CallToolResult): CallToolResult {
    const bounded = boundResult(toolName, result);
    if (bounded !== result) stderrLog(this.identity.name, 'warn', resultText(bounded));
    return bounded;
  }

  private checkOutput(def: Registered['def'], result: CallToolResult): CallToolResult {
    if (result.isError || !def.output) return result;
    const parsed = def.output.safeParse(result.structuredContent);
    if (parsed.success) return result;
    throw new Error(
      `${def.name} produced a result that does not match its outputSchema: ${z.prettifyError(parsed.error)}`,
    );
  }

  private context(
    toolName: string,
    taskId: string | undefined,
    signal: AbortSignal,
    extra: Extra,
    route: Route,
  ) {
    const progressToken = extra._meta?.progressToken;
    const meta = taskId ? { _meta: { [RELATED_TASK_META_KEY]: { taskId } } } : {};
    const throttle = new ProgressThrottle((update) => {
      if (progressToken === undefined) return;
      this.notify(route, {
        method: 'notifications/progress',
        params: { progressToken, ...update, ...meta },
      });
    });
    signal.addEventListener('abort', () => throttle.close({ flush: false }), { once: true });
    const setStatusMessage = (message: string | null) => {
      if (!taskId || signal.aborted) return;
      const task = this.store.getTaskSync(taskId);
      if (!task || isTerminal(task.status) || (task.statusMessage ?? null) === message) return;
      this.store.setStatus(taskId, task.status, message);
    };
    const log = (level: LoggingLevel) => (message: string, data?: Record<string, unknown>) => {
      const { session } = route;
      if (session.closed) return;
      const params = {
        level,
        logger: `${this.identity.name}/${toolName}`,
        data: data ? { message, ...data } : message,
      };
      // The session id selects the level the client set for this session (logging/setLevel).
      session.mcp.sendLoggingMessage({ ...params, ...meta }, session.transport.sessionId).catch(() => {});
    };
    const ctx: ToolContext & { close(flush: boolean): void } = {
      signal,
      taskId,
      progress: (done, total, message) => {
        if (signal.aborted) return;
        throttle.report({ progress: done, total, message });
        if (message !== undefined) setStatusMessage(message);
      },
      status: setStatusMessage,
      elicit: (message, requestedSchema) =>
        this.elicit(taskId, message, requestedSchema, signal, extra, route),
      log: { debug: log('debug'), info: log('info'), warning: log('warning'), error: log('error') },
      close: (flush) => throttle.close({ flush }),
    };
    return ctx;
  }

  private async elicit(
    taskId: string | undefined,
    message: string,
    requestedSchema: ElicitRequestFormParams['requestedSchema'],
    signal: AbortSignal,
    extra: Extra,
    route: Route,
  ): Promise<ElicitResult> {
    const { session } = route;
    if (!taskId) {
      return session.mcp.elicitInput(
        { mode: 'form', message, requestedSchema },
        { signal, timeout: INPUT_TIMEOUT_MS, relatedRequestId: extra.requestId },
      );
    }
    // Asked of whichever session fetches the task's result next; a client known not to
    // answer questions is refused at once, as the SDK's elicitInput does.
    if (!session.closed && !session.mcp.getClientCapabilities()?.elicitation?.form) {
      throw new Error('Client does not support form elicitation.');
    }
    // Queue the request first, so a client that reacts to input_required finds it at once.
    const answer = this.inputs.ask(taskId, message, requestedSchema, { signal, timeoutMs: INPUT_TIMEOUT_MS });
    this.store.setStatus(taskId, 'input_required', message);
    try {
      return await answer;
    } finally {
      const task = this.store.getTaskSync(taskId);
      if (task?.status === 'input_required') this.store.setStatus(taskId, 'working', null);
    }
  }

  /**
   * Sends a notification on the route's session. When that session is gone it is dropped:
   * the task's state is in the store, and a client that comes back reads it with tasks/get
   * (from then on, its notifications go to the new session).
   */
  private notify({ session, requestId }: Route, notification: ServerNotification): void {
    if (session.closed) return;
    const options = requestId === undefined ? undefined : { relatedRequestId: requestId };
    session.mcp.notification(notification, options).catch(() => {
      // The transport closed meanwhile, or the request's stream ended: nobody to tell.
    });
  }
}

/**
 * A JSON-RPC error answered with exactly this code and message (the SDK's McpError would
 * put "MCP error <code>: " in front, and a client that wraps it again doubles the prefix).
 */
class WireError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * MCP 2025-11-25, basic/utilities/tasks, "Tool-Level Negotiation": when a tool's
 * `execution.taskSupport` is absent or "forbidden", clients MUST NOT invoke it as a task
 * and servers SHOULD return -32601 (Method not found) if they do; when it is "required",
 * servers MUST return -32601 to a call that is not a task. Checked before any work runs.
 */
function refuseTaskSupportMisuse(
  toolName: string,
  taskSupport: Registered['taskSupport'],
  asTask: boolean,
): void {
  if (asTask && taskSupport === 'forbidden') {
    throw new WireError(
      ErrorCode.MethodNotFound,
      `Tool ${toolName} does not support tasks (execution.taskSupport is "forbidden"): call it without "task".`,
    );
  }
  if (!asTask && taskSupport === 'required') {
    throw new WireError(
      ErrorCode.MethodNotFound,
      `Tool ${toolName} must be called as a task (execution.taskSupport is "required"): add "task" to the call.`,
    );
  }
}

export function textResult(text: string, structuredContent?: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text }], ...(structuredContent && { structuredContent }) };
}

export function errorResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function stackOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

import type { CreateTaskResult } from '@modelcontextprotocol/sdk/experimental/tasks';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  type CallToolResult,
  type ElicitRequestFormParams,
  type ElicitResult,
  ListToolsRequestSchema,
  type LoggingLevel,
  type ServerNotification,
  type ServerRequest,
  type Tool,
  type ToolAnnotations,
} from '@modelcontextprotocol/sdk/types.js';
import { resultText, summaryLine } from '@taskdeck/node-common/result-text';
import { z } from 'zod';
import { TaskdeckMessageQueue } from './message-queue.js';
import { ProgressThrottle } from './progress-throttle.js';
import { RootsGuard } from './roots.js';
import { stderrLog } from './stderr-log.js';
import { isTerminalStatus, TaskdeckTaskStore } from './task-store.js';
import { describeInvalidArguments } from './tool-arguments.js';

const RELATED_TASK = 'io.modelcontextprotocol/related-task';
/** How long a task waits for the user to answer an input request. */
const INPUT_TIMEOUT_MS = 24 * 60 * 60 * 1000;
const MAX_QUEUED_MESSAGES_PER_TASK = 100;

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
}

/** Arguments are validated by the runtime, not by the SDK, so this accepts any object. */
const ANY_ARGUMENTS = z.looseObject({});

export interface ServerIdentity {
  name: string;
  version: string;
  title?: string;
  instructions?: string;
}

/**
 * An MCP server whose long tools run as tasks, built on the SDK's `registerToolTask`
 * and filling its gaps (see DESIGN.md): cancel aborts the work, every status change
 * is notified, progress is throttled, bad arguments name the field, and a plain call
 * to an `optional` task tool runs inline without paying a poll interval.
 */
export class TaskServer {
  readonly mcp: McpServer;
  readonly store: TaskdeckTaskStore;
  /** The client's roots: tools that read user files check paths with it. */
  readonly roots: RootsGuard;
  private readonly queue = new TaskdeckMessageQueue();
  private readonly tools = new Map<string, Registered>();
  private readonly running = new Map<string, AbortController>();
  private readonly settling = new Set<Promise<void>>();

  constructor(readonly identity: ServerIdentity) {
    this.store = new TaskdeckTaskStore({ onDelete: (taskId) => this.queue.clear(taskId) });
    this.mcp = new McpServer(
      { name: identity.name, version: identity.version, title: identity.title },
      {
        capabilities: {
          logging: {},
          tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } },
        },
        instructions: identity.instructions,
        taskStore: this.store,
        taskMessageQueue: this.queue,
        maxTaskQueueSize: MAX_QUEUED_MESSAGES_PER_TASK,
      },
    );
    this.roots = new RootsGuard(this.mcp.server);
    this.store.onChange(({ task, previousStatus, origin }) => {
      // Creation is answered by CreateTaskResult; plain calls have no task to report.
      if (origin === 'task' && previousStatus !== undefined) {
        this.notify({ method: 'notifications/tasks/status', params: task });
      }
      if (task.status === 'cancelled') {
        this.running.get(task.taskId)?.abort(new TaskCancelledError(task.statusMessage ?? 'Cancelled'));
      }
    });
  }

  /** A tool whose work may be long: runs as a task when the client asks for one. */
  taskTool<I extends AnyObject, O extends AnyObject | undefined>(def: TaskToolDefinition<I, O>): void {
    this.remember(def, def.taskSupport);
    this.mcp.experimental.tasks.registerToolTask(
      def.name,
      {
        title: def.title,
        description: def.description,
        inputSchema: ANY_ARGUMENTS,
        execution: { taskSupport: def.taskSupport },
      },
      {
        createTask: async (args, extra) => {
          const task = await extra.taskStore.createTask({
            ttl: extra.taskRequestedTtl,
            pollInterval: def.pollIntervalMs,
          });
          if (this.store.origin(task.taskId) === 'plain') {
            // Run inline: returning a terminal task lets the SDK answer at once.
            await this.execute(def, args, task.taskId, extra);
            return { task: (await this.store.getTask(task.taskId)) ?? task } satisfies CreateTaskResult;
          }
          // Start after CreateTaskResult is on the wire, so it precedes any status notification.
          setImmediate(() => void this.execute(def, args, task.taskId, extra));
          return { task } satisfies CreateTaskResult;
        },
        getTask: async (_args, extra) => extra.taskStore.getTask(extra.taskId),
        getTaskResult: async (_args, extra) =>
          (await extra.taskStore.getTaskResult(extra.taskId)) as CallToolResult,
      },
    );
  }

  /** A quick tool answered directly, never as a task. */
  tool<I extends AnyObject, O extends AnyObject | undefined>(def: ToolDefinition<I, O>): void {
    this.remember(def, 'forbidden');
    this.mcp.registerTool(
      def.name,
      {
        title: def.title,
        description: def.description,
        inputSchema: ANY_ARGUMENTS,
        annotations: def.annotations,
      },
      async (args, extra) => {
        const parsed = def.input.safeParse(args);
        if (!parsed.success) return errorResult(describeInvalidArguments(def.name, parsed.error, args));
        const ctx = this.context(def.name, undefined, extra.signal, extra);
        try {
          return this.checkOutput(def, await def.run(parsed.data, ctx));
        } catch (error) {
          return errorResult(messageOf(error));
        } finally {
          ctx.close(true);
        }
      },
    );
  }

  async connect(transport: Transport): Promise<void> {
    // Our tools/list advertises the real schemas (the SDK only saw ANY_ARGUMENTS).
    this.mcp.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: this.listTools() }));
    await this.mcp.connect(transport);
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

  private remember(def: Registered['def'], taskSupport: Registered['taskSupport']): void {
    if (this.tools.has(def.name)) throw new Error(`Tool ${def.name} is registered twice`);
    this.tools.set(def.name, { def, taskSupport });
  }

  private execute(def: Registered['def'], rawArgs: unknown, taskId: string, extra: Extra): Promise<void> {
    const work = this.runWork(def, rawArgs, taskId, extra);
    this.settling.add(work);
    return work.finally(() => this.settling.delete(work));
  }

  private async runWork(
    def: Registered['def'],
    rawArgs: unknown,
    taskId: string,
    extra: Extra,
  ): Promise<void> {
    const controller = new AbortController();
    this.running.set(taskId, controller);
    const onRequestAbort = () => this.cancelTask(taskId, 'Cancelled by the client.');
    extra.signal.addEventListener('abort', onRequestAbort, { once: true });
    const isTask = this.store.origin(taskId) === 'task';
    const ctx = this.context(def.name, isTask ? taskId : undefined, controller.signal, extra);
    try {
      const parsed = def.input.safeParse(rawArgs);
      if (!parsed.success) {
        const message = describeInvalidArguments(def.name, parsed.error, rawArgs);
        this.finish(taskId, 'failed', errorResult(message), message);
        return;
      }
      const result = this.checkOutput(def, await def.run(parsed.data, ctx));
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
    }
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
    if (!task || isTerminalStatus(task.status)) return;
    this.store.finish(taskId, status, result, statusMessage);
  }

  private cancelTask(taskId: string, message: string): void {
    const task = this.store.getTaskSync(taskId);
    if (task && !isTerminalStatus(task.status)) this.store.setStatus(taskId, 'cancelled', message);
  }

  private checkOutput(def: Registered['def'], result: CallToolResult): CallToolResult {
    if (result.isError || !def.output) return result;
    const parsed = def.output.safeParse(result.structuredContent);
    if (parsed.success) return result;
    throw new Error(
      `${def.name} produced a result that does not match its outputSchema: ${z.prettifyError(parsed.error)}`,
    );
  }

  private context(toolName: string, taskId: string | undefined, signal: AbortSignal, extra: Extra) {
    const progressToken = extra._meta?.progressToken;
    const meta = taskId ? { _meta: { [RELATED_TASK]: { taskId } } } : {};
    const throttle = new ProgressThrottle((update) => {
      if (progressToken === undefined) return;
      this.notify({ method: 'notifications/progress', params: { progressToken, ...update, ...meta } });
    });
    signal.addEventListener('abort', () => throttle.close({ flush: false }), { once: true });
    const setStatusMessage = (message: string | null) => {
      if (!taskId || signal.aborted) return;
      const task = this.store.getTaskSync(taskId);
      if (task && !isTerminalStatus(task.status)) this.store.setStatus(taskId, task.status, message);
    };
    const log = (level: LoggingLevel) => (message: string, data?: Record<string, unknown>) => {
      const params = {
        level,
        logger: `${this.identity.name}/${toolName}`,
        data: data ? { message, ...data } : message,
      };
      this.mcp.server.sendLoggingMessage({ ...params, ...meta }).catch(() => {});
    };
    const ctx: ToolContext & { close(flush: boolean): void } = {
      signal,
      taskId,
      progress: (done, total, message) => {
        if (signal.aborted) return;
        const accepted = throttle.report({ progress: done, total, message });
        if (message === undefined || !taskId) return;
        // Progress text rides on the progress notification; when none is sent, tell it as status.
        if (accepted) this.store.setMessage(taskId, message);
        else setStatusMessage(message);
      },
      status: setStatusMessage,
      elicit: (message, requestedSchema) => this.elicit(taskId, message, requestedSchema, signal, extra),
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
  ): Promise<ElicitResult> {
    const options = { signal, timeout: INPUT_TIMEOUT_MS };
    if (!taskId) {
      return this.mcp.server.elicitInput(
        { mode: 'form', message, requestedSchema },
        { ...options, relatedRequestId: extra.requestId },
      );
    }
    // Queue the request first, so a client that reacts to input_required finds it at once.
    const answer = this.mcp.server.elicitInput(
      { mode: 'form', message, requestedSchema },
      { ...options, relatedTask: { taskId } },
    );
    this.store.setStatus(taskId, 'input_required', message);
    try {
      return await answer;
    } finally {
      const task = this.store.getTaskSync(taskId);
      if (task?.status === 'input_required') this.store.setStatus(taskId, 'working', null);
    }
  }

  private notify(notification: ServerNotification): void {
    this.mcp.server.notification(notification).catch(() => {
      // Transport closed: the client is gone, nobody to tell.
    });
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

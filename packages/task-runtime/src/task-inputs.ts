import type { QueuedMessage } from '@modelcontextprotocol/sdk/experimental/tasks';
import {
  type ElicitRequestFormParams,
  type ElicitResult,
  ElicitResultSchema,
  ErrorCode,
  isJSONRPCErrorResponse,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  type JSONRPCRequest,
  McpError,
  RELATED_TASK_META_KEY,
} from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { z } from 'zod';
import type { TaskdeckMessageQueue } from './message-queue.js';

type RequestedSchema = ElicitRequestFormParams['requestedSchema'];

interface Pending {
  taskId: string;
  queued: QueuedMessage;
  /** Set while a session's `tasks/result` holds the request (taken from the queue). */
  heldBy?: { sessionId: string | undefined };
  answer(response: JSONRPCMessage): void;
}

export interface TaskInputsOptions {
  queue: TaskdeckMessageQueue;
  /** Undelivered messages a task may have at once. */
  maxQueued: number;
  /** Tells the session that holds a request that it is not wanted any more (`notifications/cancelled`). */
  withdraw(sessionId: string | undefined, requestId: string, reason: string): void;
}

/**
 * The input requests of tasks (`elicitation/create` with related-task), owned by the
 * server rather than by a connection. The SDK keeps a queued request's resolver in the
 * `Server` of the session that sent it and rejects it when that session closes; here a
 * request waits in the task's queue until some session's `tasks/result` takes it, and is
 * answered on that session. It goes back to the queue when that session closes first, or
 * when another session asks for the task's result (a client whose connection dropped
 * rarely says so: its old session just falls silent), so a client that lost its
 * connection gets the question again on its new session.
 */
export class TaskInputs {
  private readonly pending = new Map<string, Pending>();
  private readonly validator = new AjvJsonSchemaValidator();
  private nextId = 1;

  constructor(private readonly options: TaskInputsOptions) {}

  /** Queues the question for the task's `tasks/result`; settles with the answer, the abort or the timeout. */
  async ask(
    taskId: string,
    message: string,
    requestedSchema: RequestedSchema,
    { signal, timeoutMs }: { signal: AbortSignal; timeoutMs: number },
  ): Promise<ElicitResult> {
    signal.throwIfAborted();
    const id = `taskdeck-input-${this.nextId++}`;
    const request: JSONRPCRequest = {
      jsonrpc: '2.0',
      id,
      method: 'elicitation/create',
      params: { mode: 'form', message, requestedSchema, _meta: { [RELATED_TASK_META_KEY]: { taskId } } },
    };
    const queued: QueuedMessage = { type: 'request', message: request, timestamp: Date.now() };
    let cancel: (reason: unknown) => void = () => {};
    // Pending before it is queued: a tasks/result may take it from the queue at once.
    const response = new Promise<JSONRPCMessage>((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.pending.delete(id);
      };
      cancel = (reason) => {
        const heldBy = this.pending.get(id)?.heldBy;
        settle();
        this.options.queue.remove(taskId, (m) => m === queued);
        if (heldBy) this.options.withdraw(heldBy.sessionId, id, String(reason));
        reject(reason);
      };
      const onAbort = () => cancel(signal.reason);
      const timer = setTimeout(
        () => cancel(new McpError(ErrorCode.RequestTimeout, 'Request timed out', { timeout: timeoutMs })),
        timeoutMs,
      );
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        taskId,
        queued,
        answer: (answer) => {
          settle();
          resolve(answer);
        },
      });
    });
    try {
      await this.options.queue.enqueue(taskId, queued, undefined, this.options.maxQueued);
    } catch (error) {
      cancel(error);
    }
    return this.check(await response, requestedSchema);
  }

  /**
   * Takes the answer to one of our requests, from the session that holds it; false for
   * any other message (the session's SDK Server handles those).
   */
  answer(message: JSONRPCMessage, sessionId: string | undefined): boolean {
    if (!isJSONRPCResultResponse(message) && !isJSONRPCErrorResponse(message)) return false;
    const pending = typeof message.id === 'string' ? this.pending.get(message.id) : undefined;
    if (!pending?.heldBy || pending.heldBy.sessionId !== sessionId) return false;
    pending.answer(message);
    return true;
  }

  /** The queue's delivery listener: a session's `tasks/result` took this message. */
  delivered(message: QueuedMessage, sessionId: string | undefined): void {
    const id = 'id' in message.message ? message.message.id : undefined;
    const pending = typeof id === 'string' ? this.pending.get(id) : undefined;
    if (pending?.queued === message) pending.heldBy = { sessionId };
  }

  /** A session closed: the questions it held unanswered wait in their queues again, in order. */
  sessionClosed(sessionId: string | undefined): void {
    this.requeue((p) => p.heldBy?.sessionId === sessionId);
  }

  /**
   * A session asks for the task's result: questions of the task that another session
   * holds unanswered are withdrawn from it and queued again for this one.
   */
  reclaim(taskId: string, sessionId: string | undefined): void {
    this.requeue((p) => p.taskId === taskId && p.heldBy !== undefined && p.heldBy.sessionId !== sessionId, {
      withdraw: 'Asked again on another connection',
    });
  }

  get size(): number {
    return this.pending.size;
  }

  /** Puts the held questions `which` picks back in front of their queues, in the order they were asked. */
  private requeue(which: (pending: Pending) => boolean, options: { withdraw?: string } = {}): void {
    const held = [...this.pending.entries()].filter(([, pending]) => which(pending));
    for (const [id, pending] of held.reverse()) {
      const holder = pending.heldBy;
      pending.heldBy = undefined;
      this.options.queue.requeue(pending.taskId, pending.queued);
      if (options.withdraw && holder) this.options.withdraw(holder.sessionId, id, options.withdraw);
    }
  }

  /** What the SDK's `elicitInput` checks of an answer: an ElicitResult whose content fits the schema. */
  private check(response: JSONRPCMessage, requestedSchema: RequestedSchema): ElicitResult {
    if (isJSONRPCErrorResponse(response)) {
      throw new McpError(response.error.code, response.error.message, response.error.data);
    }
    const parsed = ElicitResultSchema.safeParse(
      isJSONRPCResultResponse(response) ? response.result : undefined,
    );
    if (!parsed.success) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `Elicitation response is not an ElicitResult: ${z.prettifyError(parsed.error)}`,
      );
    }
    const result = parsed.data;
    if (result.action === 'accept' && result.content) {
      const valid = this.validator.getValidator(requestedSchema)(result.content);
      if (!valid.valid) {
        throw new McpError(
          ErrorCode.InvalidParams,
          `Elicitation response content does not match requested schema: ${valid.errorMessage}`,
        );
      }
    }
    return result;
  }
}

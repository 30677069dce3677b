import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import {
  CallToolResultSchema,
  CreateTaskResultSchema,
  ElicitRequestSchema,
  type ElicitResult,
  LoggingMessageNotificationSchema,
  ProgressNotificationSchema,
  type Task,
  TaskStatusNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { delay } from '@taskdeck/node-common/environment';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorResult, TaskCancelledError, TaskServer, type ToolContext, textResult } from './task-server.js';

interface Probe {
  signal?: AbortSignal;
  ctx?: ToolContext;
  release?: () => void;
  /** Names of the tools whose work started. */
  ran: string[];
}

const until = async (predicate: () => boolean) => {
  for (let i = 0; i < 400 && !predicate(); i++) await delay(5);
  expect(predicate()).toBe(true);
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

type Answer = (message: string, signal: AbortSignal) => ElicitResult | Promise<ElicitResult>;

/** A real SDK client on its own in-process connection to `server`, recording what it is told. */
async function connectClient(server: TaskServer, options: { elicit?: Answer; sessionId?: string } = {}) {
  const client = new Client(
    { name: 'test-client', version: '1.0.0' },
    { capabilities: options.elicit ? { elicitation: { form: {} } } : {} },
  );
  const statuses: Task[] = [];
  const progress: { progressToken: string | number; progress: number; message?: string }[] = [];
  const logs: unknown[] = [];
  client.setNotificationHandler(TaskStatusNotificationSchema, (n) => {
    statuses.push(n.params);
  });
  client.setNotificationHandler(ProgressNotificationSchema, (n) => {
    progress.push(n.params);
  });
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
    logs.push(n.params);
  });
  if (options.elicit) {
    const answer = options.elicit;
    client.setRequestHandler(ElicitRequestSchema, (r, extra) => answer(r.params.message, extra.signal));
  }
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  serverSide.sessionId = options.sessionId;
  await server.connect(serverSide);
  await client.connect(clientSide);
  await client.listTools();
  cleanups.push(async () => {
    await client.close();
  });
  return { client, statuses, progress, logs };
}

/** A server with test tools, connected in-process to a real SDK client. */
async function setup(options: { elicit?: Answer; sessionId?: string } = {}) {
  const server = new TaskServer({ name: 'test', version: '1.0.0' });
  const probe: Probe = { ran: [] };
  server.taskTool({
    name: 'wait',
    title: 'Wait',
    description: 'Waits until released or cancelled',
    input: z.strictObject({ steps: z.number().int().min(1) }),
    output: z.object({ steps: z.number() }),
    taskSupport: 'optional',
    run: async ({ steps }, ctx) => {
      probe.signal = ctx.signal;
      probe.ctx = ctx;
      for (let i = 0; i < steps; i++) {
        ctx.progress(i, steps, `step ${i + 1} of ${steps}`);
        await delay(1, ctx.signal);
      }
      await new Promise<void>((resolve, reject) => {
        probe.release = resolve;
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
      });
      ctx.log.info('done waiting', { steps });
      return textResult(`waited ${steps}`, { steps });
    },
  });
  server.taskTool({
    name: 'behave',
    title: 'Behave',
    description: 'Ends as asked',
    input: z.strictObject({ how: z.enum(['throw', 'isError', 'badOutput', 'decline', 'ask', 'ok']) }),
    output: z.object({ answer: z.string() }),
    taskSupport: 'required',
    run: async ({ how }, ctx) => {
      probe.ran.push('behave');
      if (how === 'throw') throw new Error('disk on fire');
      if (how === 'isError') return errorResult('could not do it');
      if (how === 'badOutput') return textResult('oops', { answer: 42 });
      if (how === 'decline') throw new TaskCancelledError('The user said no.');
      if (how === 'ask') {
        const answer = await ctx.elicit('Proceed?', {
          type: 'object',
          properties: { ok: { type: 'boolean' } },
          required: ['ok'],
        });
        return textResult(`answer: ${answer.action}`, { answer: answer.action });
      }
      return textResult('fine', { answer: 'fine' });
    },
  });
  server.tool({
    name: 'echo',
    title: 'Echo',
    description: 'Echoes',
    input: z.strictObject({ text: z.string() }),
    run: async ({ text }) => {
      probe.ran.push('echo');
      return textResult(text);
    },
  });
  server.taskTool({
    name: 'chatter',
    title: 'Chatter',
    description: 'Changes its status message many times, then waits until released',
    input: z.strictObject({ times: z.number().int() }),
    taskSupport: 'optional',
    run: async ({ times }, ctx) => {
      for (let i = 1; i <= times; i++) ctx.status(`message ${i}`);
      await new Promise<void>((resolve) => {
        probe.release = resolve;
      });
      return textResult('said it all');
    },
  });
  server.taskTool({
    name: 'sized',
    title: 'Sized',
    description: 'Answers with a text of the given size',
    input: z.strictObject({ bytes: z.number().int() }),
    taskSupport: 'optional',
    run: async ({ bytes }) => textResult('x'.repeat(bytes)),
  });

  const { client, statuses, progress, logs } = await connectClient(server, options);

  const startTask = async (name: string, args: unknown, options: { progressToken?: boolean } = {}) => {
    const { task } = await client.request(
      {
        method: 'tools/call',
        params: {
          name,
          arguments: args as Record<string, unknown>,
          task: {},
          ...(options.progressToken !== false && { _meta: { progressToken: name } }),
        },
      },
      CreateTaskResultSchema,
    );
    return task;
  };
  /** tools/call as sent, without the SDK client's own taskSupport checks. */
  const rawCall = (name: string, args: Record<string, unknown>, task?: Record<string, unknown>) =>
    client.request(
      { method: 'tools/call', params: { name, arguments: args, ...(task && { task }) } },
      z.union([CreateTaskResultSchema, CallToolResultSchema]),
    );
  const statusesOf = (taskId: string) => statuses.filter((s) => s.taskId === taskId).map((s) => s.status);
  return { server, client, probe, statuses, progress, logs, startTask, rawCall, statusesOf, until };
}

describe('TaskServer', () => {
  it('advertises real schemas and honest taskSupport', async () => {
    const { client } = await setup();
    const { tools } = await client.listTools();
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(byName.wait?.execution).toEqual({ taskSupport: 'optional' });
    expect(byName.behave?.execution).toEqual({ taskSupport: 'required' });
    expect(byName.echo?.execution).toEqual({ taskSupport: 'forbidden' });
    expect(byName.wait?.inputSchema).toMatchObject({
      type: 'object',
      properties: { steps: { type: 'integer', minimum: 1 } },
      required: ['steps'],
      additionalProperties: false,
    });
    expect(byName.wait?.outputSchema).toMatchObject({ properties: { steps: { type: 'number' } } });
  });

  it('runs a task to completion with throttled progress, logs and a status notification', async () => {
    const t = await setup();
    const task = await t.startTask('wait', { steps: 3 });
    expect(task.status).toBe('working');
    await t.until(() => t.probe.release !== undefined);
    t.probe.release?.();
    const result = await t.client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
    expect(result.structuredContent).toEqual({ steps: 3 });
    await t.until(() => t.statusesOf(task.taskId).includes('completed'));
    const notified = t.statuses.filter((s) => s.taskId === task.taskId);
    expect(notified.at(-1)?.status).toBe('completed');
    expect(notified.slice(0, -1).map((s) => s.status)).toEqual(notified.slice(0, -1).map(() => 'working'));
    expect(notified[0]?.statusMessage).toBe('step 1 of 3');
    expect(t.progress.length).toBeGreaterThan(0);
    expect(t.progress.every((p) => p.progressToken === 'wait')).toBe(true);
    const values = t.progress.map((p) => p.progress);
    expect([...values].sort((a, b) => a - b)).toEqual(values);
    expect(new Set(values).size).toBe(values.length);
    expect(t.logs).toContainEqual(
      expect.objectContaining({
        level: 'info',
        data: { message: 'done waiting', steps: 3 },
        _meta: { 'io.modelcontextprotocol/related-task': { taskId: task.taskId } },
      }),
    );
  });

  it('turns tasks/cancel into an abort of the work and a cancelled status notification', async () => {
    const t = await setup();
    const task = await t.startTask('wait', { steps: 1 });
    await t.until(() => t.probe.signal !== undefined);
    const cancelled = await t.client.experimental.tasks.cancelTask(task.taskId);
    expect(cancelled.status).toBe('cancelled');
    expect(t.probe.signal?.aborted).toBe(true);
    await t.until(() => t.statusesOf(task.taskId).includes('cancelled'));
    const progressBefore = t.progress.length;
    t.probe.ctx?.progress(99, 100, 'late');
    await delay(80);
    expect(t.progress.length).toBe(progressBefore);
    expect((await t.client.experimental.tasks.getTask(task.taskId)).status).toBe('cancelled');
  });

  it('refuses a task call to a forbidden tool with -32601 naming it, without running it', async () => {
    const t = await setup();
    await expect(t.rawCall('echo', { text: 'hi' }, { ttl: 1000 })).rejects.toMatchObject({
      code: -32601,
      message:
        'MCP error -32601: Tool echo does not support tasks (execution.taskSupport is "forbidden"): call it without "task".',
    });
    expect(t.probe.ran).toEqual([]);
    expect((await t.client.experimental.tasks.listTasks()).tasks).toEqual([]);
  });

  it('refuses a plain call to a required tool with -32601 naming it, without running it', async () => {
    const t = await setup();
    await expect(t.rawCall('behave', { how: 'ok' })).rejects.toMatchObject({
      code: -32601,
      message:
        'MCP error -32601: Tool behave must be called as a task (execution.taskSupport is "required"): add "task" to the call.',
    });
    expect(t.probe.ran).toEqual([]);
  });

  it('answers a call to an unknown tool with -32602', async () => {
    const t = await setup();
    await expect(t.rawCall('nope', {})).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining('Unknown tool: nope'),
    });
  });

  it('notifies statusMessage changes without a progressToken, throttled, ending with the latest', async () => {
    const t = await setup();
    const startedAt = Date.now();
    const task = await t.startTask('chatter', { times: 10_000 }, { progressToken: false });
    await t.until(() => t.statuses.some((s) => s.statusMessage === 'message 10000'));
    const elapsedMs = Date.now() - startedAt;
    const notices = t.statuses.filter((s) => s.taskId === task.taskId);
    expect(notices.every((s) => s.status === 'working')).toBe(true);
    const numbers = notices.map((s) => Number(s.statusMessage?.replace('message ', '')));
    // The first at once, then at most one per 50 ms interval, the latest last.
    expect(numbers[0]).toBe(1);
    expect(numbers.at(-1)).toBe(10_000);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(numbers.length).toBeLessThanOrEqual(Math.ceil(elapsedMs / 50) + 2);
    expect((await t.client.experimental.tasks.getTask(task.taskId)).statusMessage).toBe('message 10000');
    await t.until(() => t.probe.release !== undefined);
    t.probe.release?.();
    await t.until(() => t.statusesOf(task.taskId).includes('completed'));
    expect(t.progress).toEqual([]);
  });

  it('fails a task whose result is too large for one message, naming the size and the limit', async () => {
    const t = await setup();
    const bytes = 11 * 1024 * 1024;
    const task = await t.startTask('sized', { bytes });
    await t.until(() => t.statusesOf(task.taskId).includes('failed'));
    const final = await t.client.experimental.tasks.getTask(task.taskId);
    expect(final.statusMessage).toBe(
      `The result of sized is 11.0 MiB (${bytes + 39} bytes), more than the 9 MiB limit for one message (MCP clients read at most 10 MiB at once over stdio); it was not sent.`,
    );
    const result = await t.client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
    expect(result).toMatchObject({ isError: true, content: [{ text: final.statusMessage }] });
    const plain = await t.client.callTool({ name: 'sized', arguments: { bytes } });
    expect(plain).toMatchObject({ isError: true, content: [{ text: final.statusMessage }] });
  });

  it('answers a cancel of a finished task with -32602', async () => {
    const t = await setup();
    const task = await t.startTask('behave', { how: 'ok' });
    await t.until(() => t.statusesOf(task.taskId).includes('completed'));
    await expect(t.client.experimental.tasks.cancelTask(task.taskId)).rejects.toMatchObject({ code: -32602 });
  });

  it.each([
    ['throw', 'disk on fire'],
    ['isError', 'could not do it'],
    ['badOutput', 'does not match its outputSchema'],
  ])('ends a task failed when the work does %s, with a clear statusMessage', async (how, message) => {
    const t = await setup();
    const task = await t.startTask('behave', { how });
    await t.until(() => t.statusesOf(task.taskId).includes('failed'));
    const final = await t.client.experimental.tasks.getTask(task.taskId);
    expect(final.statusMessage).toContain(message);
    const result = await t.client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
    expect(result.isError).toBe(true);
  });

  it('ends a task cancelled with the message of a TaskCancelledError', async () => {
    const t = await setup();
    const task = await t.startTask('behave', { how: 'decline' });
    await t.until(() => t.statusesOf(task.taskId).includes('cancelled'));
    expect((await t.client.experimental.tasks.getTask(task.taskId)).statusMessage).toBe('The user said no.');
  });

  it('fails a task created with bad arguments, naming the field', async () => {
    const t = await setup();
    const task = await t.startTask('behave', { how: 'sideways' });
    await t.until(() => t.statusesOf(task.taskId).includes('failed'));
    const final = await t.client.experimental.tasks.getTask(task.taskId);
    expect(final.statusMessage).toBe(
      'Invalid arguments for behave: how: must be one of "throw", "isError", "badOutput", "decline", "ask", "ok" (got "sideways")',
    );
  });

  it('answers a plain call inline with the result, listing no task', async () => {
    const t = await setup();
    const call = t.client.callTool({ name: 'wait', arguments: { steps: 2 } });
    await t.until(() => t.probe.release !== undefined);
    expect(t.probe.ctx?.taskId).toBeUndefined();
    t.probe.release?.();
    const result = await call;
    expect(result.structuredContent).toEqual({ steps: 2 });
    expect((await t.client.experimental.tasks.listTasks()).tasks).toEqual([]);
    expect(t.statuses).toEqual([]);
  });

  it('reports bad arguments of plain calls as tool errors naming the field', async () => {
    const t = await setup();
    const wait = await t.client.callTool({ name: 'wait', arguments: { steps: 0 } });
    expect(wait).toMatchObject({
      isError: true,
      content: [{ text: expect.stringContaining('steps: Too small') }],
    });
    const echo = await t.client.callTool({ name: 'echo', arguments: {} });
    expect(echo).toMatchObject({
      isError: true,
      content: [{ text: 'Invalid arguments for echo: text: is required' }],
    });
    expect(await t.client.callTool({ name: 'echo', arguments: { text: 'hi' } })).toMatchObject({
      content: [{ text: 'hi' }],
    });
  });

  it('cancels a plain call on notifications/cancelled', async () => {
    const t = await setup();
    const controller = new AbortController();
    const call = t.client.callTool({ name: 'wait', arguments: { steps: 1 } }, undefined, {
      signal: controller.signal,
    });
    await t.until(() => t.probe.signal !== undefined);
    controller.abort('user pressed stop');
    await expect(call).rejects.toThrow();
    await t.until(() => t.probe.signal?.aborted === true);
    expect(t.server.runningCount).toBe(0);
  });

  it('moves a task to input_required while it asks, and back to working', async () => {
    const asked: string[] = [];
    const t = await setup({
      elicit: (message) => {
        asked.push(message);
        return { action: 'accept', content: { ok: true } };
      },
    });
    const task = await t.startTask('behave', { how: 'ask' });
    await t.until(() => t.statusesOf(task.taskId).includes('input_required'));
    const inputStatus = t.statuses.find((s) => s.status === 'input_required');
    expect(inputStatus?.statusMessage).toBe('Proceed?');
    // The queued request arrives through tasks/result, which then waits for the end.
    const result = await t.client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
    expect(asked).toEqual(['Proceed?']);
    expect(result.structuredContent).toEqual({ answer: 'accept' });
    expect(t.statusesOf(task.taskId)).toEqual(['input_required', 'working', 'completed']);
  });

  it('fails clearly when input is needed but the client cannot be asked', async () => {
    const t = await setup();
    const task = await t.startTask('behave', { how: 'ask' });
    await t.until(() => t.statusesOf(task.taskId).includes('failed'));
    expect((await t.client.experimental.tasks.getTask(task.taskId)).statusMessage).toMatch(
      /does not support/,
    );
  });

  it('stopAll cancels running work and waits for it to settle', async () => {
    const t = await setup();
    const task = await t.startTask('wait', { steps: 1 });
    await t.until(() => t.probe.signal !== undefined);
    await t.server.stopAll('shutting down', 1000);
    expect(t.server.runningCount).toBe(0);
    expect((await t.client.experimental.tasks.getTask(task.taskId)).statusMessage).toBe('shutting down');
  });
});

describe('TaskServer across sessions (a client whose connection dropped comes back)', () => {
  it('keeps a task running when its session closes; a new session reads it by id and then hears it', async () => {
    const t = await setup({ sessionId: 'a' });
    const task = await t.startTask('wait', { steps: 1 });
    await until(() => t.probe.release !== undefined);
    t.probe.ctx?.status('started on a');
    await until(() => t.statuses.some((s) => s.statusMessage === 'started on a'));
    await t.client.close();
    await until(() => t.server.sessionCount === 0);
    expect(t.server.runningCount).toBe(1);
    const b = await connectClient(t.server, { sessionId: 'b' });
    expect((await b.client.experimental.tasks.getTask(task.taskId)).statusMessage).toBe('started on a');
    t.probe.ctx?.status('almost done');
    await until(() => b.statuses.some((s) => s.statusMessage === 'almost done'));
    t.probe.release?.();
    const result = await b.client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
    expect(result.structuredContent).toEqual({ steps: 1 });
    await until(() => b.statuses.some((s) => s.taskId === task.taskId && s.status === 'completed'));
    expect(b.statuses.map((s) => s.statusMessage)).not.toContain('started on a');
    expect((await b.client.experimental.tasks.listTasks()).tasks.map((s) => s.taskId)).toEqual([task.taskId]);
  });

  it('sends a task’s notifications to the session that asked about it last (its old one may never close)', async () => {
    const t = await setup({ sessionId: 'a' });
    const task = await t.startTask('wait', { steps: 1 });
    await until(() => t.probe.release !== undefined);
    const b = await connectClient(t.server, { sessionId: 'b' });
    await b.client.experimental.tasks.getTask(task.taskId);
    t.probe.ctx?.status('for b');
    await until(() => b.statuses.some((s) => s.statusMessage === 'for b'));
    await t.client.experimental.tasks.getTask(task.taskId);
    t.probe.ctx?.status('for a');
    await until(() => t.statuses.some((s) => s.statusMessage === 'for a'));
    expect(t.statuses.map((s) => s.statusMessage)).not.toContain('for b');
    expect(b.statuses.map((s) => s.statusMessage)).not.toContain('for a');
    t.probe.release?.();
  });

  /**
   * Session 'a' runs a task that asks a question; its client takes the question when
   * `take()` is called (tasks/result) and never answers it. `held()` is the signal of
   * that client's handler: aborted when the server withdraws the question.
   */
  async function askedOnSessionA() {
    let held: AbortSignal | undefined;
    const t = await setup({
      sessionId: 'a',
      elicit: (_message, signal) => {
        held = signal;
        return new Promise<ElicitResult>(() => {});
      },
    });
    const task = await t.startTask('behave', { how: 'ask' });
    await until(() => t.statusesOf(task.taskId).includes('input_required'));
    const take = async () => {
      t.client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema).catch(() => {});
      await until(() => held !== undefined);
    };
    return { t, task, take, held: () => held };
  }

  it.each([
    ['still queued', false],
    ['taken by the closed session and never answered', true],
  ])('asks a new session the question that was %s', async (_case, takenFirst) => {
    const { t, task, take } = await askedOnSessionA();
    if (takenFirst) await take();
    await t.client.close();
    const asked: string[] = [];
    const b = await connectClient(t.server, {
      sessionId: 'b',
      elicit: (message) => {
        asked.push(message);
        return { action: 'accept', content: { ok: true } };
      },
    });
    const result = await b.client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
    expect(asked).toEqual(['Proceed?']);
    expect(result.structuredContent).toEqual({ answer: 'accept' });
    await until(() => b.statuses.some((s) => s.taskId === task.taskId && s.status === 'completed'));
  });

  it('asks the question again on a new session whose tasks/result comes while the old one never closed', async () => {
    const { t, task, take, held } = await askedOnSessionA();
    await take();
    const b = await connectClient(t.server, { sessionId: 'b', elicit: () => ({ action: 'decline' }) });
    const result = await b.client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
    expect(result.structuredContent).toEqual({ answer: 'decline' });
    // The first client was told its copy of the question is void.
    await until(() => held()?.aborted === true);
  });

  it('withdraws a question the task no longer needs from the client that holds it', async () => {
    const { t, task, take, held } = await askedOnSessionA();
    await take();
    await t.client.experimental.tasks.cancelTask(task.taskId);
    // notifications/cancelled for the question: the client's handler sees its signal abort.
    await until(() => held()?.aborted === true);
    expect(t.server.runningCount).toBe(0);
  });
});

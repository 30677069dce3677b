import type { JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TaskdeckMessageQueue } from './message-queue.js';
import { TaskInputs } from './task-inputs.js';

const schema = {
  type: 'object' as const,
  properties: { ok: { type: 'boolean' as const } },
  required: ['ok'],
};

function setup() {
  const withdrawn: [string | undefined, string, string][] = [];
  const queue = new TaskdeckMessageQueue((_taskId, message, sessionId) =>
    inputs.delivered(message, sessionId),
  );
  const inputs = new TaskInputs({
    queue,
    maxQueued: 2,
    withdraw: (sessionId, requestId, reason) => withdrawn.push([sessionId, requestId, reason]),
  });
  /** What a session's tasks/result would send: the next queued request of the task. */
  const take = async (taskId: string, sessionId: string) =>
    (await queue.dequeue(taskId, sessionId))?.message as JSONRPCRequest | undefined;
  const reply = (id: string | number, result: Record<string, unknown>) => ({
    jsonrpc: '2.0' as const,
    id,
    result,
  });
  return { inputs, queue, take, reply, withdrawn };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('TaskInputs', () => {
  it('queues a task’s question with related-task and takes the answer from the session that holds it', async () => {
    const t = setup();
    const controller = new AbortController();
    const answer = t.inputs.ask('task-1', 'Proceed?', schema, {
      signal: controller.signal,
      timeoutMs: 60_000,
    });
    const request = await t.take('task-1', 'a');
    expect(request).toMatchObject({
      method: 'elicitation/create',
      params: {
        mode: 'form',
        message: 'Proceed?',
        requestedSchema: schema,
        _meta: { 'io.modelcontextprotocol/related-task': { taskId: 'task-1' } },
      },
    });
    const id = request?.id as string;
    // Another session cannot answer a question it does not hold; neither can a wrong id.
    expect(t.inputs.answer(t.reply(id, { action: 'accept', content: { ok: true } }), 'b')).toBe(false);
    expect(t.inputs.answer(t.reply(7, { action: 'decline' }), 'a')).toBe(false);
    expect(t.inputs.answer(t.reply(id, { action: 'accept', content: { ok: true } }), 'a')).toBe(true);
    await expect(answer).resolves.toEqual({ action: 'accept', content: { ok: true } });
    expect(t.inputs.size).toBe(0);
  });

  it('refuses answers that are not an ElicitResult or do not fit the schema, and passes on errors', async () => {
    const t = setup();
    const cases = [
      [{ action: 'maybe' }, /not an ElicitResult/],
      [{ action: 'accept', content: { ok: 'yes' } }, /does not match requested schema/],
    ] as const;
    for (const [result, message] of cases) {
      const answer = t.inputs.ask('t', 'Proceed?', schema, {
        signal: new AbortController().signal,
        timeoutMs: 1000,
      });
      const request = await t.take('t', 'a');
      t.inputs.answer(t.reply(request?.id as string, result), 'a');
      await expect(answer).rejects.toThrow(message);
    }
    const answer = t.inputs.ask('t', 'Proceed?', schema, {
      signal: new AbortController().signal,
      timeoutMs: 1000,
    });
    const request = await t.take('t', 'a');
    t.inputs.answer(
      { jsonrpc: '2.0', id: request?.id as string, error: { code: -1, message: 'user closed' } },
      'a',
    );
    await expect(answer).rejects.toMatchObject({ code: -1, message: 'MCP error -1: user closed' });
  });

  it('puts a held question back in its queue, in order, when its session closes', async () => {
    const t = setup();
    const signal = new AbortController().signal;
    const first = t.inputs.ask('t', 'First?', schema, { signal, timeoutMs: 60_000 });
    const second = t.inputs.ask('t', 'Second?', schema, { signal, timeoutMs: 60_000 });
    await t.take('t', 'a');
    await t.take('t', 'a');
    t.inputs.sessionClosed('a');
    const again = [await t.take('t', 'b'), await t.take('t', 'b')];
    expect(again.map((r) => r?.params?.message)).toEqual(['First?', 'Second?']);
    for (const request of again) t.inputs.answer(t.reply(request?.id as string, { action: 'decline' }), 'b');
    await expect(Promise.all([first, second])).resolves.toEqual([
      { action: 'decline' },
      { action: 'decline' },
    ]);
  });

  it('hands a held question to the session that asks for the task’s result, withdrawing it from the other', async () => {
    const t = setup();
    const signal = new AbortController().signal;
    const answer = t.inputs.ask('t', 'Proceed?', schema, { signal, timeoutMs: 60_000 });
    void t.inputs.ask('u', 'Other task?', schema, { signal, timeoutMs: 60_000 }).catch(() => {});
    const first = await t.take('t', 'a');
    await t.take('u', 'a');
    t.inputs.reclaim('t', 'a'); // the holder itself asking again changes nothing
    expect(await t.take('t', 'b')).toBeUndefined();
    t.inputs.reclaim('t', 'b');
    expect(t.withdrawn).toEqual([['a', first?.id, 'Asked again on another connection']]);
    const again = await t.take('t', 'b');
    expect(again?.id).toBe(first?.id);
    expect(await t.take('u', 'b')).toBeUndefined(); // another task's question stays where it is
    expect(t.inputs.answer(t.reply(first?.id as string, { action: 'decline' }), 'a')).toBe(false);
    expect(t.inputs.answer(t.reply(first?.id as string, { action: 'decline' }), 'b')).toBe(true);
    await expect(answer).resolves.toEqual({ action: 'decline' });
  });

  it('gives up on abort and on timeout: removes a queued question, withdraws a held one', async () => {
    vi.useFakeTimers();
    const t = setup();
    const controller = new AbortController();
    const queued = t.inputs.ask('t', 'Queued?', schema, { signal: controller.signal, timeoutMs: 60_000 });
    controller.abort(new Error('task cancelled'));
    await expect(queued).rejects.toThrow('task cancelled');
    expect(t.queue.pendingTasks).toBe(0);

    const held = t.inputs.ask('t', 'Held?', schema, {
      signal: new AbortController().signal,
      timeoutMs: 60_000,
    });
    const request = await t.take('t', 'a');
    vi.advanceTimersByTime(60_000);
    await expect(held).rejects.toMatchObject({
      code: -32001,
      message: 'MCP error -32001: Request timed out',
    });
    expect(t.withdrawn).toEqual([['a', request?.id, 'McpError: MCP error -32001: Request timed out']]);
    expect(t.inputs.size).toBe(0);
  });

  it('refuses more questions than a task may have waiting', async () => {
    const t = setup();
    const signal = new AbortController().signal;
    void t.inputs.ask('t', '1?', schema, { signal, timeoutMs: 1000 }).catch(() => {});
    void t.inputs.ask('t', '2?', schema, { signal, timeoutMs: 1000 }).catch(() => {});
    await expect(t.inputs.ask('t', '3?', schema, { signal, timeoutMs: 1000 })).rejects.toThrow(
      'Task t has 2 undelivered messages (limit 2)',
    );
  });
});

import type { TaskStatus } from '@taskdeck/contract';
import { describe, expect, it } from 'vitest';
import { MAX_LOG_LINES, TaskBook } from './task-book.js';
import type { EndStatus, TaskEvent } from './task-events.js';

const CALL = { server: 's', tool: 't', arguments: { a: 1 }, mode: 'task' as const };

/** A book with a clock the test moves by hand. */
function book(maxRecords?: number) {
  let now = 1000;
  const b = new TaskBook({ now: () => now, maxRecords });
  return {
    b,
    tick: (ms = 1) => {
      now += ms;
      return now;
    },
    create: (id = 'r1', mode: 'task' | 'plain' = 'task') => b.create({ ...CALL, id, mode }),
  };
}

/** Brings record r1 to `status` through the events an adapter would send. */
function at(status: Exclude<TaskStatus, 'unknown'>) {
  const t = book();
  t.create();
  if (status === 'input_required')
    t.b.apply('r1', { type: 'input', request: { message: 'Sure?', requestedSchema: {} } });
  else if (status !== 'working')
    t.b.apply('r1', { type: 'ended', status, error: status === 'failed' ? 'boom' : undefined });
  expect(t.b.get('r1')?.status).toBe(status);
  return t;
}

const ENDS: EndStatus[] = ['completed', 'failed', 'cancelled', 'interrupted'];
const RESULT = { content: [{ type: 'text', text: 'done' }] };

describe('TaskBook transitions', () => {
  it('creates a working record with its arguments and a one-entry timeline', () => {
    const t = book();
    expect(t.create()).toMatchObject({ id: 'r1', status: 'working', mode: 'task', createdAt: 1000 });
    expect(t.b.detail('r1')).toMatchObject({
      arguments: { a: 1 },
      timeline: [{ status: 'working', at: 1000 }],
    });
  });

  it('ignores events for an id it does not know', () => {
    const t = book();
    expect(t.b.apply('nope', { type: 'status', status: 'working' })).toBeUndefined();
    expect(t.b.summaries()).toEqual([]);
  });

  it('names the remote task once accepted', () => {
    const t = book();
    t.create();
    expect(t.b.apply('r1', { type: 'accepted', remoteTaskId: 'm1' })).toBe('status');
    expect(t.b.apply('r1', { type: 'accepted', remoteTaskId: 'm1' })).toBeUndefined();
    expect(t.b.summary('r1')?.mcpTaskId).toBe('m1');
  });

  describe.each(['working', 'input_required'] as const)('from %s', (from) => {
    it.each(['working', 'input_required'] as const)('status → %s', (to) => {
      const t = at(from);
      const kind = t.b.apply('r1', { type: 'status', status: to, message: 'msg' });
      expect(kind).toBe('status');
      expect(t.b.get('r1')).toMatchObject({ status: to, statusMessage: 'msg' });
      const timeline = t.b.get('r1')?.timeline.map((e) => e.status);
      expect(timeline?.at(-1)).toBe(to);
      // Back to work: the question is gone.
      if (to === 'working') expect(t.b.get('r1')?.input).toBeUndefined();
    });

    it.each(ENDS)('ended → %s, with result, error and message', (end) => {
      const t = at(from);
      t.tick(5);
      const kind = t.b.apply('r1', { type: 'ended', status: end, result: RESULT, error: 'e', message: 'm' });
      expect(kind).toBe('status');
      expect(t.b.get('r1')).toMatchObject({ status: end, error: 'e', statusMessage: 'm', result: RESULT });
      expect(t.b.get('r1')?.finishedAt).toBeDefined();
      expect(t.b.get('r1')?.input).toBeUndefined();
    });

    it('takes progress, and its message as the status message', () => {
      const t = at(from);
      expect(t.b.apply('r1', { type: 'progress', progress: 2, total: 10, message: 'two' })).toBe('progress');
      expect(t.b.get('r1')).toMatchObject({ progress: 2, total: 10, statusMessage: 'two', status: from });
    });
  });

  describe.each(ENDS)('once %s (terminal)', (end) => {
    const later: TaskEvent[] = [
      { type: 'status', status: 'working', message: 'again' },
      { type: 'status', status: 'input_required' },
      { type: 'progress', progress: 99 },
      { type: 'input', request: { message: 'late?', requestedSchema: {} } },
      ...ENDS.map((status): TaskEvent => ({ type: 'ended', status })),
    ];
    it.each(later.map((e) => [e.type, e] as const))('ignores a later %s event', (_type, event) => {
      const t = at(end);
      const before = structuredClone(t.b.get('r1'));
      expect(t.b.apply('r1', event)).toBeUndefined();
      expect(t.b.get('r1')).toEqual(before);
    });

    it('still takes a result that arrives after the end, once', () => {
      const t = at(end);
      expect(t.b.apply('r1', { type: 'ended', status: 'completed', result: RESULT })).toBe('result');
      expect(t.b.get('r1')).toMatchObject({ status: end, result: RESULT });
      expect(
        t.b.apply('r1', { type: 'ended', status: 'completed', result: { content: [] } }),
      ).toBeUndefined();
      expect(t.b.get('r1')?.result).toEqual(RESULT);
    });

    it('still keeps log lines that arrive after the end', () => {
      const t = at(end);
      expect(t.b.apply('r1', { type: 'log', line: { at: 1, level: 'info', message: 'bye' } })).toBe('log');
      expect(t.b.get('r1')?.logs.at(-1)?.message).toBe('bye');
    });
  });

  it('reports no change for a repeated status with the same message', () => {
    const t = at('working');
    t.b.apply('r1', { type: 'status', status: 'working', message: 'x' });
    expect(t.b.apply('r1', { type: 'status', status: 'working', message: 'x' })).toBeUndefined();
    // The same status with a new message changes the message, not the timeline.
    expect(t.b.apply('r1', { type: 'status', status: 'working', message: 'y' })).toBe('status');
    expect(t.b.get('r1')?.timeline).toHaveLength(1);
    // A status without a message clears it.
    expect(t.b.apply('r1', { type: 'status', status: 'working' })).toBe('status');
    expect(t.b.get('r1')?.statusMessage).toBeUndefined();
  });

  it('sets a question (input_required) and clears it when answered, keeping the status until the server moves on', () => {
    const t = at('working');
    const request = { message: 'Deploy to prod?', requestedSchema: { type: 'object' } };
    expect(t.b.apply('r1', { type: 'input', request })).toBe('input');
    expect(t.b.get('r1')).toMatchObject({
      status: 'input_required',
      input: request,
      statusMessage: 'Deploy to prod?',
    });
    expect(t.b.apply('r1', { type: 'input', request: undefined })).toBe('input');
    expect(t.b.get('r1')).toMatchObject({ status: 'input_required' });
    expect(t.b.get('r1')?.input).toBeUndefined();
    expect(t.b.apply('r1', { type: 'input', request: undefined })).toBeUndefined();
  });

  it('ends failed with the error as the status message when no message is given', () => {
    const t = at('working');
    t.b.apply('r1', { type: 'ended', status: 'failed', error: 'disk on fire' });
    expect(t.b.get('r1')).toMatchObject({
      status: 'failed',
      error: 'disk on fire',
      statusMessage: 'disk on fire',
    });
  });

  it('keeps the last status message when an end brings none', () => {
    const t = at('working');
    t.b.apply('r1', { type: 'status', status: 'working', message: 'Step 3 of 3' });
    t.b.apply('r1', { type: 'ended', status: 'completed' });
    expect(t.b.get('r1')?.statusMessage).toBe('Step 3 of 3');
  });

  it('drops protocol metadata from a stored result', () => {
    const t = at('working');
    t.b.apply('r1', { type: 'ended', status: 'completed', result: { ...RESULT, _meta: { x: 1 } } as never });
    expect(t.b.get('r1')?.result).toEqual(RESULT);
  });
});

describe('TaskBook: a remote task whose connection is lost', () => {
  it('says why and since when it is not followed, until it is followed again', () => {
    const t = book();
    t.create();
    const since = t.tick();
    expect(t.b.apply('r1', { type: 'detached', reason: 'Server s cannot be reached' })).toBe('status');
    expect(t.b.summary('r1')).toMatchObject({
      status: 'working',
      connectionLost: { reason: 'Server s cannot be reached', since },
    });
    t.tick();
    expect(t.b.apply('r1', { type: 'attached' })).toBe('status');
    expect(t.b.summary('r1')?.connectionLost).toBeUndefined();
    expect(t.b.apply('r1', { type: 'attached' })).toBeUndefined();
  });

  it('forgets the lost connection when the task ends, and a finished task is never detached', () => {
    const t = book();
    t.create();
    t.b.apply('r1', { type: 'detached', reason: 'lost' });
    t.b.apply('r1', { type: 'ended', status: 'interrupted', message: 'no longer followed' });
    expect(t.b.summary('r1')?.connectionLost).toBeUndefined();
    expect(t.b.apply('r1', { type: 'detached', reason: 'again' })).toBeUndefined();
    expect(t.b.summary('r1')?.connectionLost).toBeUndefined();
  });
});

describe('TaskBook ordering', () => {
  it('ignores a state older (server clock) than the newest applied: a late poll answer', () => {
    const t = at('working');
    expect(
      t.b.apply('r1', { type: 'status', status: 'input_required', message: 'Confirm?', remoteTime: 2000 }),
    ).toBe('status');
    expect(t.b.apply('r1', { type: 'status', status: 'working', remoteTime: 1000 })).toBeUndefined();
    expect(t.b.get('r1')).toMatchObject({ status: 'input_required', statusMessage: 'Confirm?' });
    expect(t.b.apply('r1', { type: 'status', status: 'working', remoteTime: 3000 })).toBe('status');
    expect(t.b.get('r1')?.timeline.map((e) => e.status)).toEqual(['working', 'input_required', 'working']);
  });

  it('ignores an end stamped older than the newest state applied, and takes a newer one', () => {
    const t = at('working');
    t.b.apply('r1', { type: 'status', status: 'working', message: 'late', remoteTime: 5000 });
    expect(t.b.apply('r1', { type: 'ended', status: 'completed', remoteTime: 4000 })).toBeUndefined();
    expect(t.b.apply('r1', { type: 'ended', status: 'completed', remoteTime: 6000 })).toBe('status');
  });

  it('applies states without a server clock in arrival order', () => {
    const t = at('working');
    t.b.apply('r1', { type: 'status', status: 'working', message: 'a', remoteTime: 5000 });
    expect(t.b.apply('r1', { type: 'status', status: 'working', message: 'b' })).toBe('status');
  });

  it('keeps progress monotonic: an older progress report never moves the bar back', () => {
    const t = at('working');
    t.b.apply('r1', { type: 'progress', progress: 3, total: 10, message: 'three' });
    expect(t.b.apply('r1', { type: 'progress', progress: 2, total: 10, message: 'two' })).toBeUndefined();
    expect(t.b.get('r1')).toMatchObject({ progress: 3, total: 10, statusMessage: 'three' });
    // Equal progress may still bring a message or a total.
    expect(t.b.apply('r1', { type: 'progress', progress: 3, total: 12 })).toBe('progress');
    expect(t.b.get('r1')).toMatchObject({ progress: 3, total: 12, statusMessage: 'three' });
  });
});

describe('TaskBook memory and views', () => {
  it('bounds each log, oldest lines first', () => {
    const t = at('working');
    for (let i = 0; i < MAX_LOG_LINES + 100; i++)
      t.b.apply('r1', { type: 'log', line: { at: i, level: 'info', message: `line ${i}` } });
    expect(t.b.get('r1')?.logs).toHaveLength(MAX_LOG_LINES);
    expect(t.b.get('r1')?.logs[0]?.message).toBe('line 100');
  });

  it('leaves heavy fields and its own clock out of summaries, and hands out copies', () => {
    const t = at('working');
    t.b.apply('r1', { type: 'status', status: 'working', remoteTime: 5 });
    const summary = t.b.summary('r1');
    for (const key of ['logs', 'arguments', 'timeline', 'result', 'serverUpdatedAt'])
      expect(summary).not.toHaveProperty(key);
    const copy = t.b.detail('r1');
    if (copy) copy.arguments.a = 2;
    expect(t.b.get('r1')?.arguments.a).toBe(1);
    expect(t.b.detail('r1')).not.toHaveProperty('serverUpdatedAt');
  });

  it('evicts the oldest finished records beyond its bound, never a running one', () => {
    const t = book(3);
    t.create('old-running');
    t.create('done-1');
    t.b.apply('done-1', { type: 'ended', status: 'completed' });
    t.create('done-2');
    t.b.apply('done-2', { type: 'ended', status: 'failed' });
    t.create('new');
    expect(t.b.summaries().map((s) => s.id)).toEqual(['old-running', 'done-2', 'new']);
    t.create('newer');
    expect(t.b.summaries().map((s) => s.id)).toEqual(['old-running', 'new', 'newer']);
  });

  it('lists running records, per server', () => {
    const t = book();
    t.b.create({ ...CALL, id: 'a', server: 'x' });
    t.b.create({ ...CALL, id: 'b', server: 'y' });
    t.b.create({ ...CALL, id: 'c', server: 'x' });
    t.b.apply('c', { type: 'ended', status: 'cancelled' });
    expect(t.b.running()).toEqual(['a', 'b']);
    expect(t.b.running('x')).toEqual(['a']);
  });

  it('restores journal records as they are', () => {
    const t = book();
    const first = book();
    first.create('j1');
    first.b.apply('j1', { type: 'ended', status: 'interrupted', message: 'Taskdeck stopped' });
    t.b.restore(first.b.all());
    expect(t.b.summary('j1')).toMatchObject({ status: 'interrupted', statusMessage: 'Taskdeck stopped' });
  });
});

import type { Task } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import {
  appendLog,
  applyProgress,
  applyServerTask,
  finish,
  newRecord,
  setInputRequest,
  summarize,
} from './task-record.js';

const task = (status: Task['status'], at: number, statusMessage?: string): Task => ({
  taskId: 'mcp-1',
  status,
  ttl: 1000,
  createdAt: new Date(0).toISOString(),
  lastUpdatedAt: new Date(at).toISOString(),
  ...(statusMessage && { statusMessage }),
});

describe('task record', () => {
  it('applies newer server states and ignores older ones (a late poll answer)', () => {
    const r = newRecord('r1', 's', 't', {}, 'task', 0);
    expect(applyServerTask(r, task('input_required', 2000, 'Confirm?'), 10)).toBe(true);
    expect(applyServerTask(r, task('working', 1000), 11)).toBe(false);
    expect(r).toMatchObject({ status: 'input_required', statusMessage: 'Confirm?', mcpTaskId: 'mcp-1' });
    expect(applyServerTask(r, task('working', 3000), 12)).toBe(true);
    expect(r.timeline.map((t) => t.status)).toEqual(['working', 'input_required', 'working']);
  });

  it('never changes a finished record, but takes a result that arrives after the end', () => {
    const r = newRecord('r1', 's', 't', {}, 'task', 0);
    expect(applyServerTask(r, task('cancelled', 1000, 'Client cancelled'), 5)).toBe(true);
    expect(r).toMatchObject({ status: 'cancelled', finishedAt: 5 });
    expect(applyServerTask(r, task('working', 9000), 6)).toBe(false);
    expect(applyProgress(r, { progress: 5 }, 7)).toBe(false);
    expect(finish(r, 'completed', 8)).toBe(false);
    expect(finish(r, 'completed', 9, { result: { content: [{ type: 'text', text: 'late' }] } })).toBe(true);
    expect(r.status).toBe('cancelled');
    expect(r.result?.content).toEqual([{ type: 'text', text: 'late' }]);
  });

  it('keeps progress monotonic and takes the message with it', () => {
    const r = newRecord('r1', 's', 't', {}, 'plain', 0);
    expect(applyProgress(r, { progress: 3, total: 10, message: 'three' }, 1)).toBe(true);
    expect(applyProgress(r, { progress: 2, total: 10, message: 'two' }, 2)).toBe(false);
    expect(r).toMatchObject({ progress: 3, total: 10, statusMessage: 'three' });
  });

  it('marks input requests and clears them at the end', () => {
    const r = newRecord('r1', 's', 't', {}, 'task', 0);
    setInputRequest(r, { message: 'Sure?', requestedSchema: {} }, 1);
    expect(r).toMatchObject({ status: 'input_required', input: { message: 'Sure?' } });
    finish(r, 'failed', 2, { error: 'gone' });
    expect(r.input).toBeUndefined();
    expect(r).toMatchObject({ status: 'failed', error: 'gone', statusMessage: 'gone' });
  });

  it('bounds the log and leaves heavy fields out of the summary', () => {
    const r = newRecord('r1', 's', 't', { a: 1 }, 'task', 0);
    for (let i = 0; i < 600; i++) appendLog(r, { at: i, level: 'info', message: `line ${i}` });
    expect(r.logs).toHaveLength(500);
    expect(r.logs[0]?.message).toBe('line 100');
    const summary = summarize(r);
    expect(summary).not.toHaveProperty('logs');
    expect(summary).not.toHaveProperty('arguments');
    expect(summary).not.toHaveProperty('timeline');
  });
});

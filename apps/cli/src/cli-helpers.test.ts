import { PassThrough } from 'node:stream';
import type { TaskSummary } from '@taskdeck/contract';
import { describe, expect, it } from 'vitest';
import { LineReader, promptForInput } from './input-prompt.js';
import { formatDuration, plainProgressLine, progressLine } from './progress-line.js';
import { parseToolArguments } from './tool-arguments.js';

const schema = {
  properties: {
    count: { type: 'integer' },
    on: { type: 'boolean' },
    name: { type: 'string' },
    tags: { type: 'array' },
  },
};

describe('parseToolArguments', () => {
  it('types values by the tool schema', () => {
    expect(
      parseToolArguments(
        ['count=3', 'on=true', 'name=007', 'tags=["a"]', 'extra={"x":1}', 'free=text'],
        schema,
      ),
    ).toEqual({
      count: 3,
      on: true,
      name: '007',
      tags: ['a'],
      extra: { x: 1 },
      free: 'text',
    });
  });

  it('explains what is wrong', () => {
    expect(() => parseToolArguments(['count=many'], schema)).toThrow(
      '--arg count must be a number, got "many"',
    );
    expect(() => parseToolArguments(['on=yes'], schema)).toThrow('--arg on must be true or false, got "yes"');
    expect(() => parseToolArguments(['novalue'], schema)).toThrow('--arg needs key=value, got "novalue"');
    expect(() => parseToolArguments(['tags=[oops'], schema)).toThrow('--arg tags must be JSON (array)');
  });
});

const task = (over: Partial<TaskSummary>): TaskSummary => ({
  id: 'x',
  server: 's',
  tool: 't',
  mode: 'task',
  status: 'working',
  createdAt: 0,
  updatedAt: 0,
  ...over,
});

describe('progress lines', () => {
  it('draws a bar with percent, elapsed time and the message', () => {
    expect(progressLine(task({ progress: 5, total: 10, statusMessage: 'half' }), 65_000)).toBe(
      `[${'#'.repeat(12)}${'-'.repeat(12)}]  50% 1m05s  half`,
    );
  });

  it('draws an indeterminate bar without a total, and cuts to the width', () => {
    const line = progressLine(task({ statusMessage: 'x'.repeat(300) }), 0, 80);
    expect(line).toMatch(/^\[===-+\] {5} 0s {2}x+…$/);
    expect(line).toHaveLength(80);
  });

  it('treats a terminal width of 0 as unknown instead of cutting every line to nothing', () => {
    const line = progressLine(task({ progress: 5, total: 10, statusMessage: 'half way' }), 0, 0);
    expect(line).toContain('half way');
    expect(line).not.toMatch(/^…/);
  });

  it('writes plain lines that change only when the task does', () => {
    expect(plainProgressLine(task({ progress: 3, total: 4, statusMessage: 'step' }))).toBe(
      'working  75% (3/4)  step',
    );
    expect(plainProgressLine(task({ status: 'input_required' }))).toBe('input_required');
    expect(formatDuration(3 * 3600 * 1000 + 60_000)).toBe('3h01m');
  });
});

describe('promptForInput', () => {
  const request = {
    message: 'Deploy?',
    requestedSchema: {
      type: 'object',
      properties: {
        confirm: { type: 'boolean', title: 'Confirm' },
        count: { type: 'integer', minimum: 1, maximum: 5 },
        env: { type: 'string', enum: ['dev', 'prod'] },
        note: { type: 'string' },
      },
      required: ['confirm', 'count'],
    },
  };

  async function answer(lines: string) {
    const input = new PassThrough();
    const written: string[] = [];
    const reader = new LineReader(input, (t) => written.push(t));
    input.end(lines);
    return {
      response: await promptForInput(reader, request, (t) => written.push(t)),
      written: written.join(''),
    };
  }

  it('collects every field, re-asking until valid, with answers piped in ahead', async () => {
    const { response, written } = await answer('y\nmaybe\nyes\n9\n\n2\nqa\nprod\n\n');
    expect(response).toEqual({ action: 'accept', content: { confirm: true, count: 2, env: 'prod' } });
    expect(written).toContain('Answer y or n.');
    expect(written).toContain('At most 5.');
    expect(written).toContain('count is required.');
    expect(written).toContain('Pick one of dev, prod.');
  });

  it('declines, cancels, and cancels at end of input', async () => {
    expect((await answer('n\n')).response).toEqual({ action: 'decline' });
    expect((await answer('c\n')).response).toEqual({ action: 'cancel' });
    expect((await answer('y\ny\n')).response).toEqual({ action: 'cancel' });
  });
});

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

  it("explains what is wrong, with the same rules as the app's form", () => {
    expect(() => parseToolArguments(['count=many'], schema)).toThrow(
      '--arg count: Enter a number (got "many")',
    );
    expect(() => parseToolArguments(['on=yes'], schema)).toThrow('--arg on: Choose yes or no (got "yes")');
    expect(() => parseToolArguments(['novalue'], schema)).toThrow('--arg needs key=value, got "novalue"');
    expect(() => parseToolArguments(['tags=[oops'], schema)).toThrow('--arg tags: Not valid JSON');
  });

  it('takes enums, multi-selects and formats as the schema says', () => {
    const rich = {
      properties: {
        env: { type: 'string', enum: ['dev', 'prod'] },
        colors: { type: 'array', items: { type: 'string', enum: ['r', 'g', 'b'] }, maxItems: 2 },
        site: { type: 'string', format: 'uri' },
      },
    };
    expect(parseToolArguments(['env=prod', 'colors=r,b', 'site=https://example.com'], rich)).toEqual({
      env: 'prod',
      colors: ['r', 'b'],
      site: 'https://example.com',
    });
    expect(parseToolArguments(['colors=["g"]'], rich)).toEqual({ colors: ['g'] });
    expect(() => parseToolArguments(['env=qa'], rich)).toThrow('--arg env: Choose one of: dev, prod');
    expect(() => parseToolArguments(['colors=r,g,b'], rich)).toThrow('--arg colors: Choose at most 2');
    expect(() => parseToolArguments(['site=example'], rich)).toThrow('--arg site: Enter an address');
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
    expect(written).toContain('Choose yes or no');
    expect(written).toContain('Must be at most 5');
    expect(written).toContain('Required');
    expect(written).toContain('Choose one of: dev, prod');
  });

  it('follows the whole 2025-11-25 elicitation schema: titled choices, multi-select, formats', async () => {
    const input = new PassThrough();
    const written: string[] = [];
    const reader = new LineReader(input, (t) => written.push(t));
    input.end(
      [
        'y',
        '2', // pet: by number, shown with its title
        'nope', // colors: not an option
        '1, Blue', // colors: by number and by title
        'not-an-email',
        'me@example.com',
        '2026-02-30', // not a real date
        '2026-02-28',
        'legacy b', // legacy enumNames: by title
      ].join('\n'),
    );
    const response = await promptForInput(
      reader,
      {
        message: 'Tell us',
        requestedSchema: {
          type: 'object',
          properties: {
            pet: {
              type: 'string',
              oneOf: [
                { const: 'pet-1', title: 'Cat' },
                { const: 'pet-2', title: 'Dog' },
              ],
            },
            colors: {
              type: 'array',
              minItems: 1,
              items: {
                anyOf: [
                  { const: 'r', title: 'Red' },
                  { const: 'b', title: 'Blue' },
                ],
              },
            },
            email: { type: 'string', format: 'email' },
            day: { type: 'string', format: 'date' },
            legacy: { type: 'string', enum: ['a', 'b'], enumNames: ['Legacy A', 'Legacy B'] },
          },
          required: ['pet', 'colors', 'email', 'day'],
        },
      },
      (t) => written.push(t),
    );
    expect(response).toEqual({
      action: 'accept',
      content: { pet: 'pet-2', colors: ['r', 'b'], email: 'me@example.com', day: '2026-02-28', legacy: 'b' },
    });
    const text = written.join('');
    expect(text).toContain('1) Cat (pet-1)');
    expect(text).toContain('2) Dog (pet-2)');
    expect(text).toContain('2) Blue (b)');
    expect(text).toContain('2) Legacy B (b)');
    expect(text).toContain('"nope" is not one of: Red, Blue');
    expect(text).toContain('Enter an email address');
    expect(text).toContain('Enter a date as YYYY-MM-DD');
  });

  it('declines, cancels, and cancels at end of input', async () => {
    expect((await answer('n\n')).response).toEqual({ action: 'decline' });
    expect((await answer('c\n')).response).toEqual({ action: 'cancel' });
    expect((await answer('y\ny\n')).response).toEqual({ action: 'cancel' });
  });

  it('asks a question with nothing to fill in as accept or decline, with no default for Enter', async () => {
    const confirm = async (lines: string) => {
      const input = new PassThrough();
      const written: string[] = [];
      input.end(lines);
      const response = await promptForInput(
        new LineReader(input, (t) => written.push(t)),
        {
          message: 'Deploy billing 3.1.0 to production?',
          requestedSchema: { type: 'object', properties: {} },
        },
        (t) => written.push(t),
      );
      return { response, written: written.join('') };
    };
    const accepted = await confirm('\nmaybe\ny\n');
    expect(accepted.response).toEqual({ action: 'accept', content: {} });
    expect(accepted.written.match(/Accept\? \[y\]es \/ \[n\]o \(decline\) \/ \[c\]ancel: /g)).toHaveLength(3);
    expect((await confirm('no\n')).response).toEqual({ action: 'decline' });
    expect((await confirm('\n')).response).toEqual({ action: 'cancel' });
  });
});

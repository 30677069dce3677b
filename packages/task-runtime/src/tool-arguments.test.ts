import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeInvalidArguments } from './tool-arguments.js';

const schema = z.strictObject({
  name: z.string().min(1),
  environment: z.enum(['dev', 'prod']),
  count: z.number().int().min(0),
  nested: z.object({ flag: z.boolean() }).optional(),
});

function message(input: unknown): string {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error('expected a failure');
  return describeInvalidArguments('my_tool', parsed.error, input);
}

describe('describeInvalidArguments', () => {
  it('names a missing field as required', () => {
    expect(message({ environment: 'dev', count: 1 })).toBe(
      'Invalid arguments for my_tool: name: is required',
    );
  });

  it('lists the allowed values of an enum and what was given', () => {
    expect(message({ name: 'a', environment: 'qa', count: 1 })).toBe(
      'Invalid arguments for my_tool: environment: must be one of "dev", "prod" (got "qa")',
    );
  });

  it('explains bounds, nested paths and unknown fields, all in one line', () => {
    const text = message({ name: 'a', environment: 'dev', count: -2, nested: { flag: 'yes' }, extra: 1 });
    expect(text).toContain('count: Too small: expected number to be >=0 (got -2)');
    expect(text).toContain('nested.flag: Invalid input: expected boolean, received string (got "yes")');
    expect(text).toContain('(arguments): unknown field(s) extra');
    expect(text).not.toContain('\n');
  });

  it('shortens long values', () => {
    expect(message({ name: 'a', environment: 'x'.repeat(500), count: 1 })).toMatch(/\(got "x+\.\.\.\)$/);
  });
});

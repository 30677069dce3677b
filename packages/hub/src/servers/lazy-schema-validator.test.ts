import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import { describe, expect, it } from 'vitest';
import { LazySchemaValidator } from './lazy-schema-validator.js';

describe('LazySchemaValidator', () => {
  it('compiles a schema on its first use only, then validates as the real validator does', () => {
    const compiled: unknown[] = [];
    const counting: jsonSchemaValidator = {
      getValidator(schema) {
        compiled.push(schema);
        return new LazySchemaValidator().getValidator(schema);
      },
    };
    const lazy = new LazySchemaValidator(counting);
    const schema = { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] } as const;
    const validate = lazy.getValidator<{ n: number }>(schema);
    lazy.getValidator({ type: 'string' }); // listed, never used: never compiled
    expect(compiled).toEqual([]);
    expect(validate({ n: 1 })).toMatchObject({ valid: true, data: { n: 1 } });
    expect(validate({ n: 'one' })).toMatchObject({
      valid: false,
      errorMessage: expect.stringContaining('number'),
    });
    expect(compiled).toEqual([schema]);
  });
});

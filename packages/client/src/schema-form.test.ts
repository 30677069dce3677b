import { humanize } from '@taskdeck/contract/task-title';
import { describe, expect, it } from 'vitest';
import { fieldsFromSchema, initialValues, validateField, validateForm } from './schema-form';

// What zod 4 writes for deploy_service's input (z.toJSONSchema), trimmed.
const deploySchema = {
  type: 'object',
  properties: {
    serviceName: { type: 'string', minLength: 1, description: 'Service to deploy' },
    version: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+(-[\\w.]+)?$' },
    environment: { type: 'string', enum: ['dev', 'staging', 'prod'] },
    dryRun: { type: 'boolean', default: false },
    replicas: { type: 'integer', minimum: 1, maximum: 9007199254740991 },
    ratio: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    columns: { type: 'array', items: { type: 'string' } },
    hasHeader: { type: 'boolean' },
    note: { anyOf: [{ type: 'string' }, { type: 'null' }], title: 'Note' },
    mode: {
      oneOf: [
        { const: 'fast', title: 'Fast' },
        { const: 'full', title: 'Thorough' },
      ],
    },
  },
  required: ['serviceName', 'version', 'environment'],
};

describe('schema forms', () => {
  const fields = fieldsFromSchema(deploySchema);
  const byName = Object.fromEntries(fields.map((f) => [f.name, f]));

  it('derives one field per property with kind, bounds and labels', () => {
    expect(fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ['serviceName', 'text', true],
      ['version', 'text', true],
      ['environment', 'enum', true],
      ['dryRun', 'boolean', false],
      ['replicas', 'integer', false],
      ['ratio', 'number', false],
      ['columns', 'string-list', false],
      ['hasHeader', 'optional-boolean', false],
      ['note', 'text', false],
      ['mode', 'enum', false],
    ]);
    expect(byName.replicas?.minimum).toBe(1);
    expect(byName.replicas?.maximum).toBeUndefined();
    expect(byName.serviceName?.label).toBe('Service name');
    expect(byName.note?.label).toBe('Note');
    expect(byName.mode?.options).toEqual([
      { value: 'fast', label: 'Fast' },
      { value: 'full', label: 'Thorough' },
    ]);
    expect(humanize('max_files')).toBe('Max files');
  });

  it("says what a pattern expects in the server's own words, never as a regular expression", () => {
    const version = {
      name: 'version',
      label: 'Version',
      kind: 'text' as const,
      required: true,
      pattern: '^\\d+\\.\\d+\\.\\d+$',
      description: 'Version (image tag) to roll out, e.g. "1.5.0"',
    };
    expect(validateField(version, 'latest')).toEqual({
      error: 'Not in the expected form: Version (image tag) to roll out, e.g. "1.5.0"',
    });
    expect(validateField(version, '1.5.0')).toEqual({ value: '1.5.0' });
  });

  it('reports every wrong field with a message, then converts valid values', () => {
    const values = { ...initialValues(fields), version: '1.x', replicas: '2.5', ratio: '0' };
    const invalid = validateForm(fields, values);
    expect(invalid.ok).toBe(false);
    if (invalid.ok) return;
    expect(invalid.errors).toEqual({
      serviceName: 'Required',
      version: 'Not in the expected form',
      environment: 'Required',
      replicas: 'Enter a whole number',
      ratio: 'Must be more than 0',
    });

    const valid = validateForm(fields, {
      ...values,
      serviceName: 'billing',
      version: '1.4.2',
      environment: 'prod',
      replicas: '3',
      ratio: '0.5',
      columns: 'a, b\nc',
      hasHeader: 'false',
      dryRun: true,
    });
    expect(valid).toEqual({
      ok: true,
      value: {
        serviceName: 'billing',
        version: '1.4.2',
        environment: 'prod',
        dryRun: true,
        replicas: 3,
        ratio: 0.5,
        columns: ['a', 'b', 'c'],
        hasHeader: false,
      },
    });
  });

  it('checks bounds and lets optional empty fields out of the arguments', () => {
    const bounded = fieldsFromSchema({ properties: { limit: { type: 'integer', minimum: 1, maximum: 50 } } });
    expect(validateForm(bounded, { limit: '0' })).toEqual({
      ok: false,
      errors: { limit: 'Must be at least 1' },
    });
    expect(validateForm(bounded, { limit: '51' })).toEqual({
      ok: false,
      errors: { limit: 'Must be at most 50' },
    });
    expect(validateForm(bounded, { limit: '' })).toEqual({ ok: true, value: {} });
  });
});

describe('the 2025-11-25 elicitation schema', () => {
  const schema = {
    type: 'object',
    properties: {
      pet: {
        type: 'string',
        oneOf: [
          { const: 'pet-1', title: 'Cat' },
          { const: 'pet-2', title: 'Dog' },
        ],
      },
      legacy: { type: 'string', enum: ['a', 'b'], enumNames: ['Legacy A', 'Legacy B'] },
      colors: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'string', enum: ['r', 'g', 'b'] } },
      sizes: {
        type: 'array',
        items: {
          anyOf: [
            { const: 's', title: 'Small' },
            { const: 'l', title: 'Large' },
          ],
        },
      },
      email: { type: 'string', format: 'email' },
      site: { type: 'string', format: 'uri' },
      day: { type: 'string', format: 'date' },
      at: { type: 'string', format: 'date-time' },
    },
    required: ['pet', 'colors'],
  };
  const fields = fieldsFromSchema(schema);
  const field = (name: string) => fields.find((f) => f.name === name) as NonNullable<(typeof fields)[number]>;

  it('shows the titles of titled and legacy choices, and multi-selects as such', () => {
    expect(field('pet').options).toEqual([
      { value: 'pet-1', label: 'Cat' },
      { value: 'pet-2', label: 'Dog' },
    ]);
    expect(field('legacy').options?.map((o) => o.label)).toEqual(['Legacy A', 'Legacy B']);
    expect(field('colors')).toMatchObject({ kind: 'multi-enum', minItems: 1, maxItems: 2 });
    expect(field('sizes')).toMatchObject({
      kind: 'multi-enum',
      options: [
        { value: 's', label: 'Small' },
        { value: 'l', label: 'Large' },
      ],
    });
    expect(initialValues(fields).colors).toEqual([]);
  });

  it('checks multi-select counts and options', () => {
    expect(validateField(field('colors'), [])).toEqual({ error: 'Choose at least one' });
    expect(validateField(field('colors'), ['r', 'g', 'b'])).toEqual({ error: 'Choose at most 2' });
    expect(validateField(field('colors'), ['r', 'x'])).toEqual({ error: '"x" is not one of: r, g, b' });
    expect(validateField(field('colors'), ['r', 'r', 'b'])).toEqual({ value: ['r', 'b'] });
    expect(validateField(field('sizes'), [])).toEqual({ omit: true });
  });

  it('checks the string formats', () => {
    expect(validateField(field('email'), 'me@example.com')).toEqual({ value: 'me@example.com' });
    expect(validateField(field('email'), 'me@')).toMatchObject({ error: expect.stringMatching(/email/) });
    expect(validateField(field('site'), 'https://example.com/a')).toEqual({ value: 'https://example.com/a' });
    expect(validateField(field('site'), 'example.com')).toMatchObject({
      error: expect.stringMatching(/scheme/),
    });
    expect(validateField(field('day'), '2026-12-07')).toEqual({ value: '2026-12-07' });
    expect(validateField(field('day'), '2026-02-30')).toMatchObject({
      error: expect.stringMatching(/YYYY-MM-DD/),
    });
    expect(validateField(field('at'), '2026-12-07T10:30:00Z')).toEqual({ value: '2026-12-07T10:30:00Z' });
    expect(validateField(field('at'), '2026-12-07T10:30:00+02:00')).toEqual({
      value: '2026-12-07T10:30:00+02:00',
    });
    expect(validateField(field('at'), '2026-12-07 10:30')).toMatchObject({
      error: expect.stringMatching(/YYYY-MM-DDTHH/),
    });
  });

  it('validates a whole answer into what the server expects', () => {
    expect(validateForm(fields, { ...initialValues(fields), pet: 'pet-2', colors: ['g'] })).toEqual({
      ok: true,
      value: { pet: 'pet-2', colors: ['g'] },
    });
    expect(validateForm(fields, initialValues(fields))).toEqual({
      ok: false,
      errors: { pet: 'Required', colors: 'Choose at least one' },
    });
  });
});

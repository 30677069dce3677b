import { describe, expect, it } from 'vitest';
import { fieldsFromSchema, humanize, initialValues, validateForm } from './schema-form';

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

  it('reports every wrong field with a message, then converts valid values', () => {
    const values = { ...initialValues(fields), version: '1.x', replicas: '2.5', ratio: '0' };
    const invalid = validateForm(fields, values);
    expect(invalid.ok).toBe(false);
    if (invalid.ok) return;
    expect(invalid.errors).toEqual({
      serviceName: 'Required',
      version: expect.stringContaining('expected format'),
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

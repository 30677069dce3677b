/**
 * Forms generated from JSON Schema (a tool's inputSchema, an elicitation's requestedSchema,
 * all of 2025-11-25's primitive schemas: strings with formats, numbers, booleans, single and
 * multi-select enums with or without titles): the fields to show, their initial values, and
 * validation into the arguments object with one message per wrong field. Framework-free and
 * the same for every interface: the renderer's SchemaForm draws it, the CLI asks it line by line.
 */

import { humanize } from '@taskdeck/contract/task-title';

type Json = Record<string, unknown>;

export type FieldKind =
  | 'text'
  | 'enum'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'optional-boolean'
  /** Several of a fixed set of options (an array of enum strings). */
  | 'multi-enum'
  | 'string-list'
  | 'json';

/** String formats the 2025-11-25 elicitation schema allows, checked on input. */
export type TextFormat = 'email' | 'uri' | 'date' | 'date-time';

export interface EnumOption {
  value: string;
  label: string;
}

export interface Field {
  name: string;
  label: string;
  description?: string;
  kind: FieldKind;
  required: boolean;
  options?: EnumOption[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: TextFormat;
  /** Bounds on how many options a multi-enum takes. */
  minItems?: number;
  maxItems?: number;
  defaultValue?: unknown;
  /** Multi-line text (long descriptions, `format: textarea`). */
  multiline?: boolean;
}

/** Raw control values: text for inputs and selects, booleans for checkboxes, chosen options of a multi-enum. */
export type FormValue = string | boolean | string[];
export type FormValues = Record<string, FormValue>;

export type Validation =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; errors: Record<string, string> };

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Bounds zod writes for "any safe integer" say nothing to a user. */
const meaningful = (n: unknown): number | undefined =>
  typeof n === 'number' && Math.abs(n) < 1e15 ? n : undefined;

/** Drops a `null` branch of anyOf/oneOf, as optional fields are already optional. */
function unwrapNullable(schema: Json): Json {
  const branches = (schema.anyOf ?? schema.oneOf) as unknown;
  if (Array.isArray(branches)) {
    const nonNull = branches.filter((b) => !(isObject(b) && b.type === 'null'));
    if (nonNull.length === 1 && isObject(nonNull[0]) && nonNull[0].const === undefined) {
      return {
        ...nonNull[0],
        title: schema.title ?? nonNull[0].title,
        description: schema.description ?? nonNull[0].description,
        default: schema.default ?? nonNull[0].default,
      };
    }
  }
  return schema;
}

function enumOptions(schema: Json): EnumOption[] | undefined {
  if (
    Array.isArray(schema.enum) &&
    schema.enum.every((v) => typeof v === 'string' || typeof v === 'number')
  ) {
    const names = Array.isArray(schema.enumNames) ? (schema.enumNames as unknown[]) : [];
    return schema.enum.map((value, i) => ({
      value: String(value),
      label: typeof names[i] === 'string' ? (names[i] as string) : String(value),
    }));
  }
  const branches = (schema.oneOf ?? schema.anyOf) as unknown;
  if (
    Array.isArray(branches) &&
    branches.length > 0 &&
    branches.every((b) => isObject(b) && (typeof b.const === 'string' || typeof b.const === 'number'))
  ) {
    return (branches as Json[]).map((b) => ({
      value: String(b.const),
      label: typeof b.title === 'string' ? b.title : String(b.const),
    }));
  }
  return undefined;
}

function fieldKind(schema: Json, required: boolean): FieldKind {
  if (enumOptions(schema)) return 'enum';
  if (schema.type === 'array' && isObject(schema.items) && enumOptions(schema.items)) return 'multi-enum';
  switch (schema.type) {
    case 'string':
      return 'text';
    case 'number':
      return 'number';
    case 'integer':
      return 'integer';
    case 'boolean':
      return required || schema.default !== undefined ? 'boolean' : 'optional-boolean';
    case 'array':
      return isObject(schema.items) && schema.items.type === 'string' && !enumOptions(schema.items)
        ? 'string-list'
        : 'json';
    default:
      return 'json';
  }
}

export function fieldsFromSchema(schema: Json): Field[] {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(
    Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [],
  );
  return Object.entries(properties).map(([name, raw]) => {
    const property = unwrapNullable(isObject(raw) ? raw : {});
    const isRequired = required.has(name);
    const kind = fieldKind(property, isRequired);
    const field: Field = {
      name,
      label: typeof property.title === 'string' ? property.title : humanize(name),
      kind,
      required: isRequired,
    };
    if (typeof property.description === 'string') field.description = property.description;
    if (kind === 'enum') field.options = enumOptions(property);
    if (kind === 'multi-enum') {
      field.options = enumOptions(property.items as Json);
      if (typeof property.minItems === 'number') field.minItems = property.minItems;
      if (typeof property.maxItems === 'number') field.maxItems = property.maxItems;
    }
    if (
      property.format === 'email' ||
      property.format === 'uri' ||
      property.format === 'date' ||
      property.format === 'date-time'
    )
      field.format = property.format;
    field.minimum = meaningful(property.minimum);
    field.maximum = meaningful(property.maximum);
    field.exclusiveMinimum = meaningful(property.exclusiveMinimum);
    field.exclusiveMaximum = meaningful(property.exclusiveMaximum);
    if (typeof property.minLength === 'number') field.minLength = property.minLength;
    if (typeof property.maxLength === 'number') field.maxLength = property.maxLength;
    if (typeof property.pattern === 'string') field.pattern = property.pattern;
    if (property.default !== undefined) field.defaultValue = property.default;
    if (kind === 'text' && (property.format === 'textarea' || (field.maxLength ?? 0) > 200))
      field.multiline = true;
    return field;
  });
}

export function initialValues(fields: readonly Field[]): FormValues {
  const values: FormValues = {};
  for (const field of fields) {
    const value = field.defaultValue;
    if (field.kind === 'boolean') values[field.name] = value === true;
    else if (field.kind === 'multi-enum') values[field.name] = Array.isArray(value) ? value.map(String) : [];
    else if (value === undefined) values[field.name] = '';
    else if (field.kind === 'string-list' && Array.isArray(value)) values[field.name] = value.join('\n');
    else if (field.kind === 'json') values[field.name] = JSON.stringify(value, null, 2);
    else values[field.name] = String(value);
  }
  return values;
}

function checkNumber(field: Field, text: string): { value?: number; error?: string } {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) return { error: 'Enter a number' };
  if (field.kind === 'integer' && !Number.isInteger(n)) return { error: 'Enter a whole number' };
  if (field.minimum !== undefined && n < field.minimum) return { error: `Must be at least ${field.minimum}` };
  if (field.maximum !== undefined && n > field.maximum) return { error: `Must be at most ${field.maximum}` };
  if (field.exclusiveMinimum !== undefined && n <= field.exclusiveMinimum)
    return { error: `Must be more than ${field.exclusiveMinimum}` };
  if (field.exclusiveMaximum !== undefined && n >= field.exclusiveMaximum)
    return { error: `Must be less than ${field.exclusiveMaximum}` };
  return { value: n };
}

const FORMAT_CHECKS: Record<TextFormat, { test(text: string): boolean; message: string }> = {
  email: {
    test: (t) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(t),
    message: 'Enter an email address (name@example.com)',
  },
  uri: {
    test: (t) => {
      try {
        return new URL(t).protocol.length > 1;
      } catch {
        return false;
      }
    },
    message: 'Enter an address with its scheme (https://…)',
  },
  date: {
    test: (t) => /^\d{4}-\d{2}-\d{2}$/.test(t) && isRealDate(t),
    message: 'Enter a date as YYYY-MM-DD',
  },
  'date-time': {
    test: (t) =>
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(t) &&
      isRealDate(t.slice(0, 10)),
    message: 'Enter a date and time as YYYY-MM-DDTHH:MM:SSZ (or with an offset such as +02:00)',
  },
};

/** 2026-02-30 has the right shape but is no date. */
function isRealDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

function checkText(field: Field, text: string): string | undefined {
  if (field.format && !FORMAT_CHECKS[field.format].test(text)) return FORMAT_CHECKS[field.format].message;
  if (field.minLength !== undefined && text.length < field.minLength) {
    return field.minLength === 1 ? 'Must not be empty' : `Must be at least ${field.minLength} characters`;
  }
  if (field.maxLength !== undefined && text.length > field.maxLength)
    return `Must be at most ${field.maxLength} characters`;
  if (field.pattern !== undefined) {
    try {
      // The server's own words say what is expected; a regular expression says nothing to a user.
      if (!new RegExp(field.pattern, 'u').test(text))
        return field.description
          ? `Not in the expected form: ${field.description}`
          : 'Not in the expected form';
    } catch {
      // A pattern this engine cannot compile is left to the server to check.
    }
  }
  return undefined;
}

/** What one field's raw value means: a value for the arguments, nothing (left out), or why it is wrong. */
export type FieldCheck = { value: unknown } | { omit: true } | { error: string };

/** Checks one field's raw value (what a control holds, or what a user typed) and converts it. */
export function validateField(field: Field, raw: FormValue | undefined): FieldCheck {
  if (field.kind === 'boolean') return { value: raw === true || raw === 'true' };
  if (field.kind === 'multi-enum') return checkChoices(field, Array.isArray(raw) ? raw : []);
  const text = typeof raw === 'string' ? raw : '';
  if (text.trim() === '') return field.required ? { error: 'Required' } : { omit: true };
  switch (field.kind) {
    case 'optional-boolean':
      if (text !== 'true' && text !== 'false') return { error: 'Choose yes or no' };
      return { value: text === 'true' };
    case 'number':
    case 'integer': {
      const checked = checkNumber(field, text);
      return checked.error !== undefined ? { error: checked.error } : { value: checked.value };
    }
    case 'enum':
      return field.options?.some((o) => o.value === text)
        ? { value: text }
        : { error: `Choose one of: ${optionLabels(field)}` };
    case 'string-list':
      return {
        value: text
          .split(/[\n,]/)
          .map((item) => item.trim())
          .filter(Boolean),
      };
    case 'json':
      try {
        return { value: JSON.parse(text) };
      } catch (error) {
        return { error: `Not valid JSON: ${(error as Error).message}` };
      }
    default: {
      const problem = checkText(field, text);
      return problem ? { error: problem } : { value: text };
    }
  }
}

/** Converts the raw values into the arguments object, or returns a message per wrong field. */
export function validateForm(fields: readonly Field[], values: FormValues): Validation {
  const value: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const checked = validateField(field, values[field.name]);
    if ('error' in checked) errors[field.name] = checked.error;
    else if ('value' in checked) value[field.name] = checked.value;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value };
}

/** The options' labels, for messages and prompts ("Dev, Staging, Production"). */
export function optionLabels(field: Field): string {
  return (field.options ?? []).map((o) => o.label).join(', ');
}

function checkChoices(field: Field, chosen: readonly string[]): FieldCheck {
  const unknown = chosen.find((value) => !field.options?.some((o) => o.value === value));
  if (unknown !== undefined) return { error: `"${unknown}" is not one of: ${optionLabels(field)}` };
  const count = new Set(chosen).size;
  if (count === 0 && !field.required && field.minItems === undefined) return { omit: true };
  const min = field.minItems ?? (field.required ? 1 : 0);
  if (count < min) return { error: min === 1 ? 'Choose at least one' : `Choose at least ${min}` };
  if (field.maxItems !== undefined && count > field.maxItems)
    return { error: field.maxItems === 1 ? 'Choose at most one' : `Choose at most ${field.maxItems}` };
  return { value: [...new Set(chosen)] };
}

/** Enum values of an elicitation are sent back as given: numbers stay numbers. */
export function restoreEnumTypes(schema: Json, value: Record<string, unknown>): Record<string, unknown> {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const out: Record<string, unknown> = { ...value };
  for (const [name, raw] of Object.entries(properties)) {
    if (isObject(raw) && (raw.type === 'number' || raw.type === 'integer') && typeof out[name] === 'string')
      out[name] = Number(out[name]);
  }
  return out;
}

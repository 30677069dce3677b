import { type Field, type FormValue, fieldsFromSchema, validateField } from '@taskdeck/client/schema-form';

/**
 * Turns `--arg key=value` pairs into tool arguments, typed and checked by the tool's JSON
 * Schema with the same rules as the app's form (`count=3` is a number when the schema says
 * so, an enum takes one of its values, a list takes comma-separated items or a JSON array),
 * so a terminal user need not write JSON. Keys the schema does not describe take JSON when
 * the value is JSON, else text.
 */
export function parseToolArguments(
  pairs: string[],
  inputSchema: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const fields = new Map(fieldsFromSchema(inputSchema ?? {}).map((field) => [field.name, field]));
  const args: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--arg needs key=value, got "${pair}"`);
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    const field = fields.get(key);
    args[key] = field ? typedValue(field, raw) : untyped(raw);
  }
  return args;
}

/** What one `--arg` value means for a field, or an error that names the field. */
export function typedValue(field: Field, raw: string): unknown {
  // On a command line a flag is given on purpose: a boolean takes true or false, nothing else.
  const asField: Field = field.kind === 'boolean' ? { ...field, kind: 'optional-boolean' } : field;
  const checked = validateField({ ...asField, required: true }, formValue(field, raw));
  if ('error' in checked) throw new Error(`--arg ${field.name}: ${checked.error} (got "${raw}")`);
  return 'value' in checked ? checked.value : undefined;
}

/** A multi-select takes a JSON array or comma-separated items; everything else is text. */
function formValue(field: Field, raw: string): FormValue {
  if (field.kind !== 'multi-enum') return raw;
  const trimmed = raw.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // Not JSON after all: read it as a list.
    }
  }
  return trimmed
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function untyped(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

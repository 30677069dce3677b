/**
 * Turns `--arg key=value` pairs into tool arguments, typed by the tool's JSON Schema
 * (`count=3` is a number when the schema says number), so a terminal user need not
 * write JSON. Values for properties the schema does not type are parsed as JSON when
 * they are JSON, else kept as text.
 */
export function parseToolArguments(
  pairs: string[],
  inputSchema: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const properties = (inputSchema?.properties ?? {}) as Record<string, { type?: string | string[] }>;
  const args: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--arg needs key=value, got "${pair}"`);
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    args[key] = coerce(raw, properties[key]?.type, key);
  }
  return args;
}

function coerce(raw: string, type: string | string[] | undefined, key: string): unknown {
  const types = Array.isArray(type) ? type : type ? [type] : [];
  if (types.includes('integer') || types.includes('number')) {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value))
      throw new Error(`--arg ${key} must be a number, got "${raw}"`);
    return value;
  }
  if (types.includes('boolean')) {
    if (raw === 'true' || raw === 'false') return raw === 'true';
    throw new Error(`--arg ${key} must be true or false, got "${raw}"`);
  }
  if (types.includes('string')) return raw;
  if (types.includes('array') || types.includes('object') || types.length === 0) {
    try {
      return JSON.parse(raw);
    } catch {
      if (types.length > 0) throw new Error(`--arg ${key} must be JSON (${types.join('/')}), got "${raw}"`);
      return raw;
    }
  }
  return raw;
}

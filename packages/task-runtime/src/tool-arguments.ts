import type { z } from 'zod';

/**
 * One readable line naming every wrong field, e.g.
 * `Invalid arguments for deploy_service: environment: must be one of "dev", "staging", "prod" (got "qa")`.
 */
export function describeInvalidArguments(toolName: string, error: z.ZodError, input: unknown): string {
  const problems = error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(arguments)';
    return `${path}: ${describeIssue(issue, valueAt(input, issue.path))}`;
  });
  return `Invalid arguments for ${toolName}: ${problems.join('; ')}`;
}

function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.code === 'invalid_type' && value === undefined) return 'is required';
  if (issue.code === 'invalid_value' && 'values' in issue) {
    return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')} (got ${preview(value)})`;
  }
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.join(', ')}`;
  return `${issue.message} (got ${preview(value)})`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

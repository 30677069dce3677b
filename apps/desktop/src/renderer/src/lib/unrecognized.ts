/**
 * What this version could not read in a task a newer Taskdeck wrote, in words:
 * "unknown status 'paused' (written by a newer Taskdeck)". Undefined when it read everything.
 */
export function describeUnrecognized(values: {
  unrecognizedStatus?: string;
  unrecognizedMode?: string;
}): string | undefined {
  const parts: string[] = [];
  if (values.unrecognizedStatus !== undefined) parts.push(`unknown status '${values.unrecognizedStatus}'`);
  if (values.unrecognizedMode !== undefined) parts.push(`unknown mode '${values.unrecognizedMode}'`);
  return parts.length > 0 ? `${parts.join(', ')} (written by a newer Taskdeck)` : undefined;
}

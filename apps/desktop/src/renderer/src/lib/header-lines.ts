import { HTTP_HEADER_NAME_PATTERN } from '@taskdeck/contract';

/**
 * Headers as the user types them, one `Name: value` a line (blank lines skipped): the headers
 * object, or the first problem with its line number.
 */
export function parseHeaderLines(text: string): { headers: Record<string, string> } | { error: string } {
  const headers: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    const name = line.slice(0, Math.max(colon, 0)).trim();
    if (colon < 1 || !HTTP_HEADER_NAME_PATTERN.test(name))
      return { error: `Header line ${index + 1}: write it as Name: value` };
    if (Object.hasOwn(headers, name)) return { error: `Header line ${index + 1}: ${name} is given twice` };
    headers[name] = line.slice(colon + 1).trim();
  }
  return { headers };
}

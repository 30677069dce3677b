import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** The text blocks of a tool result, joined: what a person reads of it. */
export function resultText(result: Pick<CallToolResult, 'content'>): string {
  return result.content
    .filter((block): block is { type: 'text'; text: string } => block.type === 'text')
    .map((block) => block.text)
    .join('\n');
}

/** The first line of a result's text, short enough for a status message. */
export function summaryLine(result: Pick<CallToolResult, 'content'>): string | undefined {
  const line = resultText(result).split('\n', 1)[0]?.trim();
  if (!line) return undefined;
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

import { STDIO_DEFAULT_MAX_BUFFER_SIZE } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

const MIB = 1024 * 1024;

/**
 * The most a tool result may weigh, serialized. A client built on the MCP SDK reads a
 * stdio message into a buffer of at most STDIO_DEFAULT_MAX_BUFFER_SIZE (10 MiB) and drops
 * the connection beyond it, taking every task on it along. The margin leaves room for the
 * JSON-RPC envelope and for the read chunk that completes the line.
 */
export const MAX_RESULT_BYTES = STDIO_DEFAULT_MAX_BUFFER_SIZE - MIB;

/**
 * The result itself when it fits in one message, else an error result that names its
 * size and the limit: a result no client can read must not be sent.
 */
export function boundResult(toolName: string, result: CallToolResult): CallToolResult {
  let bytes: number;
  try {
    bytes = Buffer.byteLength(JSON.stringify(result));
  } catch (error) {
    // Past V8's string limit (~512 MiB) the result cannot even be serialized.
    return refusal(`The result of ${toolName} could not be serialized (${(error as Error).message})`);
  }
  if (bytes <= MAX_RESULT_BYTES) return result;
  return refusal(
    `The result of ${toolName} is ${mib(bytes)} (${bytes} bytes), more than the ${mib(MAX_RESULT_BYTES)} limit ` +
      `for one message (MCP clients read at most ${mib(STDIO_DEFAULT_MAX_BUFFER_SIZE)} at once over stdio)`,
  );
}

function refusal(why: string): CallToolResult {
  return { content: [{ type: 'text', text: `${why}; it was not sent.` }], isError: true };
}

function mib(bytes: number): string {
  const value = bytes / MIB;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} MiB`;
}

import { STDIO_DEFAULT_MAX_BUFFER_SIZE } from '@modelcontextprotocol/sdk/shared/stdio.js';
import { describe, expect, it } from 'vitest';
import { boundResult, MAX_RESULT_BYTES } from './result-bound.js';
import { textResult } from './task-server.js';

/** A text result whose serialized form is exactly `bytes` long. */
const weighing = (bytes: number) => textResult('x'.repeat(bytes - JSON.stringify(textResult('')).length));

describe('boundResult', () => {
  it('stays below the SDK stdio read limit, with room for the envelope', () => {
    expect(MAX_RESULT_BYTES).toBeLessThan(STDIO_DEFAULT_MAX_BUFFER_SIZE);
    expect(STDIO_DEFAULT_MAX_BUFFER_SIZE - MAX_RESULT_BYTES).toBeGreaterThanOrEqual(64 * 1024);
  });

  it('passes a result that fits, up to the byte', () => {
    const fits = weighing(MAX_RESULT_BYTES);
    expect(boundResult('t', fits)).toBe(fits);
  });

  it('replaces a result one byte over with an error naming its size and the limit', () => {
    expect(boundResult('t', weighing(MAX_RESULT_BYTES + 1))).toEqual({
      isError: true,
      content: [
        {
          type: 'text',
          text: `The result of t is 9.0 MiB (${MAX_RESULT_BYTES + 1} bytes), more than the 9 MiB limit for one message (MCP clients read at most 10 MiB at once over stdio); it was not sent.`,
        },
      ],
    });
  });

  it('counts bytes, not characters', () => {
    const text = 'é'.repeat(MAX_RESULT_BYTES / 2);
    expect(boundResult('t', textResult(text)).isError).toBe(true);
  });
});

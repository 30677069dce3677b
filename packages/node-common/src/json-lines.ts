/** A line longer than the framing allows: the peer is broken or hostile. */
export class LineTooLongError extends Error {
  override name = 'LineTooLongError';
}

/**
 * Splits a byte stream into lines (newline-delimited JSON framing) without ever holding
 * more than `maxBytes` of one line: a peer that never sends a newline cannot grow memory.
 * `push` returns the complete lines in the chunk and throws LineTooLongError past the bound.
 */
export function jsonLineSplitter(maxBytes: number): { push(chunk: Buffer): string[] } {
  let parts: Buffer[] = [];
  let size = 0;
  return {
    push(chunk) {
      const lines: string[] = [];
      let start = 0;
      for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
        if (size + nl - start > maxBytes) throw new LineTooLongError(`A message is over ${maxBytes} bytes.`);
        parts.push(chunk.subarray(start, nl));
        const line = Buffer.concat(parts).toString('utf8');
        parts = [];
        size = 0;
        start = nl + 1;
        if (line.trim()) lines.push(line);
      }
      const rest = chunk.subarray(start);
      size += rest.length;
      if (size > maxBytes) throw new LineTooLongError(`A message is over ${maxBytes} bytes.`);
      if (rest.length > 0) parts.push(rest);
      return lines;
    },
  };
}

import { describe, expect, it } from 'vitest';
import { jsonLineSplitter, LineTooLongError } from './json-lines.js';

describe('jsonLineSplitter', () => {
  it('returns complete lines, joining lines split across chunks, and skips blank ones', () => {
    const split = jsonLineSplitter(100);
    expect(split.push(Buffer.from('{"a":1}\n{"b"'))).toEqual(['{"a":1}']);
    expect(split.push(Buffer.from(':2}\n\n'))).toEqual(['{"b":2}']);
    expect(split.push(Buffer.from('{"c":3}\n{"d":4}\n'))).toEqual(['{"c":3}', '{"d":4}']);
  });

  it('keeps multi-byte characters split across chunks intact', () => {
    const split = jsonLineSplitter(100);
    const bytes = Buffer.from('"é✓"\n');
    expect(split.push(bytes.subarray(0, 2))).toEqual([]);
    expect(split.push(bytes.subarray(2))).toEqual(['"é✓"']);
  });

  it('refuses a line over the bound, whether it ends in the chunk or keeps going', () => {
    expect(() => jsonLineSplitter(10).push(Buffer.from(`${'x'.repeat(11)}\n`))).toThrow(LineTooLongError);
    const split = jsonLineSplitter(10);
    expect(split.push(Buffer.from('x'.repeat(6)))).toEqual([]);
    expect(() => split.push(Buffer.from('x'.repeat(6)))).toThrow(/over 10 bytes/);
    expect(jsonLineSplitter(10).push(Buffer.from(`${'x'.repeat(10)}\n`))).toEqual(['x'.repeat(10)]);
  });
});

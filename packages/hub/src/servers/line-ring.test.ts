import { describe, expect, it } from 'vitest';
import { LineRing } from './line-ring.js';

describe('LineRing', () => {
  it('keeps the last lines, joining chunks split mid-line', () => {
    const ring = new LineRing(3);
    ring.push('one\ntw');
    ring.push('o\r\nthree\nfour\nfi');
    expect(ring.tail()).toEqual(['three', 'four', 'fi']);
    expect(ring.lastLine()).toBe('fi');
  });

  it('cuts runaway lines so memory stays bounded', () => {
    const ring = new LineRing(2, 10);
    ring.push(`${'x'.repeat(100)}\n`);
    ring.push('y'.repeat(1_000_000));
    expect(ring.tail()[0]).toBe(`${'x'.repeat(10)} …[cut]`);
    expect(ring.tail()[1]).toHaveLength(10);
  });

  it('finds the last non-empty line', () => {
    const ring = new LineRing();
    ring.push('Error: boom\n\n  \n');
    expect(ring.lastLine()).toBe('Error: boom');
  });

  it('finds the last line that a filter accepts, including an unfinished one', () => {
    const ring = new LineRing();
    ring.push('fatal: boom\n[x] info: ready\n');
    expect(ring.lastLine((line) => !line.includes('info:'))).toBe('fatal: boom');
    ring.push('panic: half a line');
    expect(ring.lastLine((line) => !line.includes('info:'))).toBe('panic: half a line');
    expect(new LineRing().lastLine(() => true)).toBeUndefined();
  });
});

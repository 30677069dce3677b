import { describe, expect, it } from 'vitest';
import { formatBytes } from './format-bytes.js';

describe('formatBytes', () => {
  it('writes bytes below a kilobyte as they are, and larger sizes with one decimal', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.0 KB');
    expect(formatBytes(24_134_076)).toBe('23.0 MB');
    expect(formatBytes(10 * 1024 ** 3)).toBe('10.0 GB');
    expect(formatBytes(3 * 1024 ** 5)).toBe('3072.0 TB');
    expect(formatBytes(Number.NaN)).toBe('—');
  });
});

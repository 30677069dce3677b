import { describe, expect, it } from 'vitest';
import { parseByteSize, safeFileName } from './upload';

describe('parseByteSize', () => {
  it('reads byte counts with binary units', () => {
    expect(parseByteSize('4096')).toBe(4096);
    expect(parseByteSize('12b')).toBe(12);
    expect(parseByteSize('10GB')).toBe(10 * 1024 ** 3);
    expect(parseByteSize('500 MB')).toBe(500 * 1024 ** 2);
    expect(parseByteSize('1.5g')).toBe(1.5 * 1024 ** 3);
    expect(parseByteSize('2TiB')).toBe(2 * 1024 ** 4);
    expect(parseByteSize(' 1k ')).toBe(1024);
  });

  it('refuses anything else', () => {
    for (const text of ['', 'lots', '-5', '0', '10 XB', '1e9', '10ib', '0.1b', 'GB']) {
      expect(parseByteSize(text), text).toBeUndefined();
    }
  });
});

describe('safeFileName', () => {
  it('keeps the last segment without control or reserved characters', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\data\\a<b>.csv')).toBe('a_b_.csv');
    expect(safeFileName('..hidden\u0001.csv')).toBe('hidden_.csv');
    expect(safeFileName('///')).toBe('upload');
  });
});

import { describe, expect, it } from 'vitest';
import { shortenFileName } from './file-name';

const bytes = (text: string) => new TextEncoder().encode(text).length;

describe('shortenFileName', () => {
  it('keeps a name that fits', () => {
    expect(shortenFileName('sales q1.csv', 200)).toBe('sales q1.csv');
  });

  it('shortens to the byte budget and keeps the extension', () => {
    const short = shortenFileName(`${'a'.repeat(5000)}.csv`, 200);
    expect(bytes(short)).toBe(200);
    expect(short.endsWith('a.csv')).toBe(true);
  });

  it('counts UTF-8 bytes and never splits a character', () => {
    const short = shortenFileName(`${'é'.repeat(300)}😀😀.csv`, 201);
    expect(bytes(short)).toBeLessThanOrEqual(201);
    expect(short).toBe(`${'é'.repeat(98)}.csv`);
    const emoji = shortenFileName(`${'😀'.repeat(100)}.tsv`, 50);
    expect(emoji).toBe(`${'😀'.repeat(11)}.tsv`);
  });

  it('drops an extension too long to be one', () => {
    const short = shortenFileName(`report.${'x'.repeat(300)}`, 100);
    expect(bytes(short)).toBe(100);
    expect(short.startsWith('report.xxx')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { analyzeCsvInput, readingMessage } from './analyze-csv-tool.js';
import { generateSampleDataInput } from './generate-sample-data-tool.js';

describe('tool input schemas', () => {
  it('accept delimiter names and single characters, and refuse the rest', () => {
    expect(analyzeCsvInput.parse({ filePath: '/a.csv', delimiter: 'tab' }).delimiter).toBe('\t');
    expect(analyzeCsvInput.parse({ filePath: '/a.csv', delimiter: 'Semicolon' }).delimiter).toBe(';');
    expect(analyzeCsvInput.parse({ filePath: '/a.csv', delimiter: '#' }).delimiter).toBe('#');
    for (const delimiter of ['"', '\n', ';;', '']) {
      expect(
        analyzeCsvInput.safeParse({ filePath: '/a.csv', delimiter }).success,
        JSON.stringify(delimiter),
      ).toBe(false);
    }
  });

  it('refuse unknown fields, empty column lists and non-positive sampleRows', () => {
    expect(analyzeCsvInput.safeParse({ filePath: '/a.csv', path: '/b' }).success).toBe(false);
    expect(analyzeCsvInput.safeParse({ filePath: '/a.csv', columns: [] }).success).toBe(false);
    expect(analyzeCsvInput.safeParse({ filePath: '/a.csv', sampleRows: 0 }).success).toBe(false);
    expect(analyzeCsvInput.safeParse({ filePath: '' }).success).toBe(false);
  });

  it('bound recordCount and seed', () => {
    expect(generateSampleDataInput.safeParse({ format: 'csv', recordCount: 10_000_000 }).success).toBe(true);
    expect(generateSampleDataInput.safeParse({ format: 'csv', recordCount: 10_000_001 }).success).toBe(false);
    expect(generateSampleDataInput.safeParse({ format: 'csv', recordCount: 1.5 }).success).toBe(false);
    expect(generateSampleDataInput.safeParse({ format: 'csv', recordCount: 5, seed: -1 }).success).toBe(
      false,
    );
    expect(generateSampleDataInput.safeParse({ format: 'tsv', recordCount: 5 }).success).toBe(false);
  });
});

describe('readingMessage', () => {
  it('says bytes as the bar measures them, and rows only once there are some', () => {
    expect(readingMessage(1_048_674, 25_270_000, 0)).toBe('Read 1.0 MB of 24.1 MB');
    expect(readingMessage(24_134_076, 25_270_000, 120_000)).toBe('Read 23.0 MB of 24.1 MB · 120,000 rows');
  });
});

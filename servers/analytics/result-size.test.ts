import { describe, expect, it } from 'vitest';
import { summarizeProfile } from './csv-profiler.js';
import { type ColumnProfile, type CsvProfile, profileSchema } from './profile-schema.js';
import { detailFor, FULL_DETAIL, fitProfile, SUMMARY_BUDGET_CHARS } from './result-size.js';

function columnProfile(i: number, name = `col_${i}`): ColumnProfile {
  return {
    name,
    index: i,
    type: 'integer',
    count: 100,
    nulls: 0,
    empty: 0,
    typeCounts: { integer: 100, float: 0, boolean: 0, date: 0, datetime: 0, string: 0 },
    distinct: { count: 10, exact: true, allDistinct: false },
    min: 0,
    max: 99,
    mean: 49.5,
    stddev: 29,
    quantiles: { p25: 25, p50: 50, p75: 75, exact: true },
    topValues: {
      values: Array.from({ length: 10 }, (_, v) => ({ value: `value number ${v}`, count: 10 })),
      exact: true,
      maxError: 0,
    },
    histogram: {
      bins: Array.from({ length: 40 }, (_, b) => ({ from: b * 10, to: b * 10 + 9, count: 2 })),
      inclusive: true,
    },
    length: { min: 1, max: 2, mean: 1.9 },
    truncated: false,
  };
}

function wideProfile(columns: number, name?: (i: number) => string): CsvProfile {
  return {
    file: {
      path: '/data/wide.csv',
      bytes: 1,
      encoding: 'utf-8',
      bom: false,
      lineEnding: 'lf',
      delimiter: ',',
      quote: '"',
      hasHeader: true,
    },
    rows: 100,
    columnCount: columns,
    complete: true,
    elapsedMs: 1,
    engine: { name: 'test', workers: 0 },
    raggedRows: { count: 0, firstLines: [] },
    warnings: [],
    detail: { ...FULL_DETAIL, omittedColumns: 0 },
    columns: Array.from({ length: columns }, (_, i) => columnProfile(i, name?.(i))),
  };
}

const bytes = (p: CsvProfile) => Buffer.byteLength(JSON.stringify(p));

describe('result size', () => {
  it('shows everything while about 2.5 KB per column fits, less for wider files', () => {
    expect(detailFor(14)).toEqual(FULL_DETAIL);
    expect(detailFor(2000)).toEqual(FULL_DETAIL);
    expect(detailFor(4000)).toEqual({ topValues: 5, histogramBins: 10 });
    expect(detailFor(10_000)).toEqual({ topValues: 0, histogramBins: 0 });
  });

  it('leaves a profile that fits as it is', () => {
    const p = wideProfile(50);
    expect(fitProfile(p)).toEqual(p);
  });

  it('lists fewer top values, then drops histograms, then top values, and says so', () => {
    const p = wideProfile(1000);
    const size = bytes(p);
    const fewer = fitProfile(p, size - 1000);
    expect(fewer.detail).toEqual({ topValues: 3, histogramBins: 40, omittedColumns: 0 });
    expect(fewer.columns[0]?.topValues.values).toHaveLength(3);
    expect(fewer.warnings.at(-1)).toMatch(
      /under 6 MB, at most 3 top values are listed: profile fewer columns/,
    );
    const noHistograms = fitProfile(p, size / 2);
    expect(noHistograms.detail).toEqual({ topValues: 3, histogramBins: 0, omittedColumns: 0 });
    expect(noHistograms.columns.every((c) => c.histogram === null)).toBe(true);
    const bare = fitProfile(p, size / 4);
    expect(bare.detail).toEqual({ topValues: 0, histogramBins: 0, omittedColumns: 0 });
    expect(bare.warnings.at(-1)).toMatch(/histograms are left out, top values are left out/);
    for (const [shown, budget] of [
      [fewer, size - 1000],
      [noHistograms, size / 2],
      [bare, size / 4],
    ] as const) {
      expect(bytes(shown)).toBeLessThanOrEqual(budget);
      profileSchema.parse(shown);
    }
  });

  it('leaves out the last columns when even bare columns do not fit, naming the first left out', () => {
    const long = (i: number) => `a column with a very long name, number ${i} ${'x'.repeat(200)}`;
    const p = fitProfile(wideProfile(20_000, long));
    expect(bytes(p)).toBeLessThanOrEqual(5.5 * 1024 * 1024);
    const { omittedColumns } = p.detail;
    expect(omittedColumns).toBeGreaterThan(0);
    expect(p.columns.length + omittedColumns).toBe(20_000);
    const first = long(p.columns.length).slice(0, 40);
    expect(p.warnings.at(-1)).toContain(
      `the last ${omittedColumns.toLocaleString('en-US')} columns are left out (from "${first}…" on)`,
    );
    const text = summarizeProfile(p);
    expect(text.length).toBeLessThanOrEqual(SUMMARY_BUDGET_CHARS + 200);
    expect(text).toMatch(/- …and [\d,]+ more columns \(see the structured result\)\nWarnings:/);
    expect(text).toContain(`the last ${omittedColumns.toLocaleString('en-US')} columns are left out`);
  });
});

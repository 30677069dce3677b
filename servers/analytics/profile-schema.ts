import { z } from 'zod';
import { VALUE_KINDS } from './value-types.js';

/** A statistic in the column's own type: a number, or ISO 8601 text for date and datetime columns. */
const typedValue = z.union([z.number(), z.string()]);

export const columnProfileSchema = z.object({
  name: z.string().describe('Header name, or column_N when the file has no header'),
  index: z.number().int().describe('0-based position in the file'),
  type: z.enum(VALUE_KINDS).describe('Inferred type: the narrowest type every non-missing value fits'),
  count: z.number().int().describe('Non-missing values'),
  nulls: z
    .number()
    .int()
    .describe('Null tokens (NULL, NA, N/A, None, NaN, \\N…) plus values absent from short (ragged) rows'),
  empty: z.number().int().describe('Empty or whitespace-only values'),
  typeCounts: z
    .object(
      Object.fromEntries(VALUE_KINDS.map((k) => [k, z.number().int()])) as Record<
        (typeof VALUE_KINDS)[number],
        z.ZodNumber
      >,
    )
    .describe('How many non-missing values look like each type'),
  distinct: z.object({
    count: z
      .number()
      .int()
      .describe('Distinct non-missing values; an estimate never exceeds the number of values'),
    exact: z
      .boolean()
      .describe(
        'false: a HyperLogLog estimate (about ±0.8 %), used beyond 10,000 distinct values (fewer in wide files: see the warnings)',
      ),
    allDistinct: z
      .boolean()
      .describe(
        'Every value occurs once (when not exact: the estimate reaches the number of values and no value was seen twice); topValues is then empty',
      ),
  }),
  min: typedValue
    .nullable()
    .describe(
      'Smallest value; for string columns the first text value in code-unit order (numbers and dates left out), cut like top values',
    ),
  max: typedValue
    .nullable()
    .describe(
      'Largest value; for string columns the last text value in code-unit order (numbers and dates left out), cut like top values',
    ),
  mean: typedValue.nullable().describe('Numeric and date columns'),
  stddev: z.number().nullable().describe('Sample standard deviation; in days for date and datetime columns'),
  quantiles: z
    .object({
      p25: typedValue,
      p50: typedValue,
      p75: typedValue,
      exact: z
        .boolean()
        .describe(
          'false: from a uniform random sample of 16,384 values (rank error about ±1 %), used for a column of more than 10,000 distinct values and more values than that (fewer in wide files: see the warnings)',
        ),
    })
    .nullable()
    .describe('Numeric and date columns'),
  topValues: z.object({
    values: z
      .array(z.object({ value: z.string(), count: z.number().int() }))
      .describe(
        'Most frequent first; a value over 200 characters is cut to its first 200, followed by "… (N chars, #hash)". ' +
          'When not exact, only values counted more than once',
      ),
    exact: z.boolean(),
    maxError: z
      .number()
      .int()
      .describe('When not exact, a count may be low by at most this much (frequent-items summary)'),
  }),
  histogram: z
    .object({
      bins: z.array(z.object({ from: typedValue, to: typedValue, count: z.number().int() })),
      inclusive: z
        .boolean()
        .describe(
          'true (integer and date columns): a bin holds the whole numbers or days from `from` to `to`, both included, ' +
            'and the outer edges are the min and max; false: from ≤ value < to',
        ),
    })
    .nullable()
    .describe(
      'Numeric and date columns: exact counts in bins with round edges; null when left out (see detail)',
    ),
  length: z
    .object({ min: z.number().int(), max: z.number().int(), mean: z.number() })
    .nullable()
    .describe('Length of the non-missing values in characters (UTF-16 code units)'),
  truncated: z
    .boolean()
    .describe('min, max or a top value is longer than 200 characters and shown cut, ending in "… (N chars"'),
});

export const profileSchema = z.object({
  file: z.object({
    path: z.string(),
    bytes: z.number().int(),
    encoding: z
      .enum(['utf-8', 'latin-1'])
      .describe('latin-1: the file is not valid UTF-8 and was decoded as Latin-1'),
    bom: z.boolean(),
    lineEnding: z.enum(['lf', 'crlf', 'none']),
    delimiter: z.string(),
    quote: z.string(),
    hasHeader: z.boolean(),
  }),
  rows: z.number().int().describe('Data rows profiled (header excluded)'),
  columnCount: z.number().int(),
  complete: z.boolean().describe('false when sampleRows stopped reading before the end of the file'),
  elapsedMs: z.number(),
  engine: z.object({ name: z.string(), workers: z.number().int() }),
  raggedRows: z.object({
    count: z.number().int().describe('Rows whose field count differs from the header'),
    firstLines: z.array(z.number().int()).describe('Line numbers (1-based) of the first ones'),
  }),
  warnings: z.array(z.string()),
  detail: z
    .object({
      topValues: z.number().int().describe('Top values listed per column at most'),
      histogramBins: z.number().int().describe('Histogram bins per column at most; 0: histograms left out'),
      omittedColumns: z
        .number()
        .int()
        .describe('Profiled columns left out of this result, the last ones (profile them with `columns`)'),
    })
    .describe('How much of each column the result shows: less for wide files, to keep the result under 6 MB'),
  columns: z.array(columnProfileSchema),
});

export type ColumnProfile = z.infer<typeof columnProfileSchema>;
export type CsvProfile = z.infer<typeof profileSchema>;

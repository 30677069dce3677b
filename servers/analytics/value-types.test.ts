import { describe, expect, it } from 'vitest';
import { classify, daysFromCivil, formatEpochSeconds, Kind, parsed, trimValue } from './value-types.js';

describe('classify', () => {
  const cases: [string, Kind, number?][] = [
    ['', Kind.Empty],
    ['NULL', Kind.Null],
    ['N/A', Kind.Null],
    ['\\N', Kind.Null],
    ['42', Kind.Integer, 42],
    ['-7', Kind.Integer, -7],
    ['+3', Kind.Integer, 3],
    ['0', Kind.Integer, 0],
    ['007', Kind.String],
    ['1234567890123456', Kind.String],
    ['3.25', Kind.Float, 3.25],
    ['.5', Kind.Float, 0.5],
    ['1e3', Kind.Float, 1000],
    ['-2.5E-2', Kind.Float, -0.025],
    ['1.2.3', Kind.String],
    ['1e', Kind.String],
    ['-', Kind.String],
    ['.', Kind.String],
    ['true', Kind.Boolean],
    ['No', Kind.Boolean],
    ['2024-02-29', Kind.Date, daysFromCivil(2024, 2, 29) * 86400],
    ['2023-02-29', Kind.String],
    ['2024/12/31', Kind.Date, daysFromCivil(2024, 12, 31) * 86400],
    ['2024-13-01', Kind.String],
    ['2024-01-02T03:04:05Z', Kind.DateTime, daysFromCivil(2024, 1, 2) * 86400 + 3 * 3600 + 4 * 60 + 5],
    ['2024-01-02 03:04', Kind.DateTime, daysFromCivil(2024, 1, 2) * 86400 + 3 * 3600 + 4 * 60],
    [
      '2024-01-02T03:04:05+01:30',
      Kind.DateTime,
      daysFromCivil(2024, 1, 2) * 86400 + 3 * 3600 + 4 * 60 + 5 - 5400,
    ],
    ['2024-01-02T25:00', Kind.String],
    ['01/02/2024', Kind.String],
    ['hello', Kind.String],
  ];
  it.each(cases)('%j is kind %i', (value, kind, number) => {
    expect(classify(value)).toBe(kind);
    if (number !== undefined) expect(parsed.number).toBeCloseTo(number, 9);
  });

  it('trims spaces and tabs only when present', () => {
    const s = 'abc';
    expect(trimValue(s)).toBe(s);
    expect(trimValue(' \tabc ')).toBe('abc');
  });

  it('computes days and formats ISO dates', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2000, 3, 1)).toBe(11017);
    expect(formatEpochSeconds(86400 * 365, true)).toBe('1971-01-01');
    expect(formatEpochSeconds(90.5, false)).toBe('1970-01-01T00:01:30.500Z');
    expect(formatEpochSeconds(90, false)).toBe('1970-01-01T00:01:30Z');
  });
});

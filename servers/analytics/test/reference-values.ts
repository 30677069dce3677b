import { readFileSync } from 'node:fs';
import { parseRecords } from '../csv-records.js';
import type { ColumnProfile, CsvProfile } from '../profile-schema.js';
import { decodeUtf8, encodeUtf8 } from '../utf8-bytes.js';
import { classifyBytes, Kind, needsTrim, parsed, trimValue } from '../value-types.js';

/** The true numeric summary of a column, from every one of its values. */
export interface Reference {
  /** Sorted. */
  values: Float64Array;
  mean: number | null;
  stddev: number | null;
  /** numpy's linear interpolation between order statistics. */
  quantile(q: number): number;
  /** Fractions of the values below `x` and at most `x`. */
  rank(x: number): [number, number];
  /** Values in [from, to] (`inclusive`) or [from, to). */
  countIn(from: number, to: number, inclusive: boolean): number;
}

/**
 * Reads the numbers (or epoch seconds of the dates) of `column` straight from the file:
 * every record, the column's field, trimmed and classified as the profiler's rules say.
 */
export function columnValues(path: string, column: ColumnProfile, file: CsvProfile['file']): Reference {
  const all = readFileSync(path);
  const bytes: Uint8Array =
    file.encoding === 'latin-1'
      ? encodeUtf8(all.toString('latin1'))
      : new Uint8Array(all.buffer, all.byteOffset + (file.bom ? 3 : 0), all.length - (file.bom ? 3 : 0));
  const values: number[] = [];
  let header = file.hasHeader;
  parseRecords(bytes, file.delimiter.charCodeAt(0), {
    field(index, field, start, end) {
      if (header || index !== column.index) return;
      let [b, s, e] = [field, start, end];
      if (needsTrim(b, s, e)) {
        b = encodeUtf8(trimValue(decodeUtf8(b, s, e)));
        [s, e] = [0, b.length];
      }
      const kind = classifyBytes(b, s, e);
      if (kind !== Kind.Empty && kind !== Kind.Null) values.push(parsed.number);
    },
    endRecord() {
      header = false;
    },
  });
  return reference(Float64Array.from(values).sort());
}

function reference(values: Float64Array): Reference {
  const n = values.length;
  let mean = 0;
  let m2 = 0;
  values.forEach((x, i) => {
    const delta = x - mean;
    mean += delta / (i + 1);
    m2 += delta * (x - mean);
  });
  const count = (test: (x: number) => boolean) => values.reduce((sum, x) => sum + (test(x) ? 1 : 0), 0);
  return {
    values,
    mean: n > 0 ? mean : null,
    stddev: n > 1 ? Math.sqrt(m2 / (n - 1)) : null,
    quantile(q) {
      const pos = q * (n - 1);
      const lo = Math.floor(pos);
      const a = values[lo] as number;
      const b = values[Math.min(lo + 1, n - 1)] as number;
      return a + (b - a) * (pos - lo);
    },
    rank: (x) => [count((v) => v < x) / n, count((v) => v <= x) / n],
    countIn: (from, to, inclusive) => count((v) => v >= from && (inclusive ? v <= to : v < to)),
  };
}

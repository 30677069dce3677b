import { parseRecords, type RecordSink } from './csv-records.js';
import { CsvInputError } from './file-sniff.js';
import { classify, Kind, trimValue } from './value-types.js';

export const CANDIDATE_DELIMITERS = [',', ';', '\t', '|'] as const;
/** Records of the head used to detect the dialect… */
const SAMPLE_RECORDS = 200;
/**
 * …and fields: a head of a 20,000-column file holds a few records of 20,000 fields each,
 * and keeping all of them (for each candidate delimiter) grew the heap by tens of MB.
 */
const SAMPLE_FIELDS = 50_000;

export interface Dialect {
  delimiter: string;
  hasHeader: boolean;
  lineEnding: 'lf' | 'crlf' | 'none';
  /** Fields per record: the header's, or the most common in the head when there is none. */
  columnCount: number;
  /** The header's names (empty when there is no header). */
  header: string[];
}

/** Collects the head's records as arrays of fields, decoded. */
class RecordCollector implements RecordSink {
  readonly records: string[][] = [];
  private current: string[] = [];
  constructor(private readonly encoding: BufferEncoding) {}
  field(_index: number, bytes: Uint8Array, start: number, end: number): void {
    this.current.push(
      Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString(this.encoding),
    );
  }
  endRecord(): void {
    this.records.push(this.current);
    this.current = [];
  }
}

/**
 * The first `limit` records of `head` (text in `encoding`), fewer when the first one's
 * width would make them more than `maxFields` fields (two at least).
 */
export function sampleRecords(
  head: Uint8Array,
  encoding: BufferEncoding,
  delimiter: string,
  limit = SAMPLE_RECORDS,
  maxFields = Number.POSITIVE_INFINITY,
): string[][] {
  const code = delimiter.charCodeAt(0);
  const first = new RecordCollector(encoding);
  parseRecords(head, code, first, 1);
  const width = Math.max(1, first.records[0]?.length ?? 1);
  const records = Math.min(limit, Math.max(2, Math.floor(maxFields / width)));
  const collector = new RecordCollector(encoding);
  parseRecords(head, code, collector, records);
  return collector.records;
}

/**
 * Detects delimiter, header and line ending from the head of the file (complete records
 * only, text in `encoding`). The delimiter is the candidate that splits the records most
 * consistently into two or more fields; explicit choices win.
 */
export function detectDialect(
  head: Uint8Array,
  encoding: BufferEncoding,
  overrides: { delimiter?: string; hasHeader?: boolean } = {},
): Dialect {
  const firstLf = head.indexOf(10);
  if (firstLf === -1 && head.includes(13)) {
    throw new CsvInputError(
      'The file uses CR-only line endings (classic Mac OS), which are not supported: convert it to LF or CRLF.',
    );
  }
  const lineEnding = firstLf === -1 ? 'none' : head[firstLf - 1] === 13 ? 'crlf' : 'lf';
  const delimiter = overrides.delimiter ?? detectDelimiter(head, encoding);
  const records = sampleRecords(head, encoding, delimiter, SAMPLE_RECORDS, SAMPLE_FIELDS);
  const first = records[0];
  if (!first) throw new CsvInputError('The file contains no data: only blank lines.');
  const hasHeader = overrides.hasHeader ?? looksLikeHeader(records);
  const columnCount = hasHeader ? first.length : modalFieldCount(records);
  return { delimiter, hasHeader, lineEnding, columnCount, header: hasHeader ? first : [] };
}

function modalFieldCount(records: string[][]): number {
  const counts = new Map<number, number>();
  for (const r of records) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
  let best = 1;
  let bestCount = 0;
  for (const [fields, count] of counts) {
    if (count > bestCount || (count === bestCount && fields > best)) {
      best = fields;
      bestCount = count;
    }
  }
  return best;
}

function detectDelimiter(head: Uint8Array, encoding: BufferEncoding): string {
  let best: string = CANDIDATE_DELIMITERS[0];
  let bestScore = -1;
  for (const delimiter of CANDIDATE_DELIMITERS) {
    if (!head.includes(delimiter.charCodeAt(0))) continue;
    const records = sampleRecords(head, encoding, delimiter, SAMPLE_RECORDS, SAMPLE_FIELDS);
    const fields = modalFieldCount(records);
    if (fields < 2) continue;
    const consistency = records.filter((r) => r.length === fields).length / records.length;
    // Consistency first (to two decimals), then more fields.
    const score = Math.round(consistency * 100) * 10_000 + Math.min(fields, 9_999);
    if (score > bestScore) {
      best = delimiter;
      bestScore = score;
    }
  }
  return best;
}

const isTyped = (value: string) => {
  const kind = classify(trimValue(value));
  return kind !== Kind.String && kind !== Kind.Empty && kind !== Kind.Null;
};

/**
 * A first record is a header when none of its values is a number, date or boolean and
 * either some column below it is typed, or (all text) its values are distinct and do not
 * reappear in their column below.
 */
function looksLikeHeader(records: string[][]): boolean {
  const [first, ...rest] = records;
  if (!first || first.some(isTyped)) return false;
  if (rest.length === 0) return true;
  let typedBelow = false;
  for (let col = 0; col < first.length; col++) {
    const below = rest.map((r) => r[col]).filter((v): v is string => v !== undefined && trimValue(v) !== '');
    if (below.length > 0 && below.every(isTyped)) typedBelow = true;
  }
  if (typedBelow) return true;
  const names = first.map((v) => trimValue(v));
  if (new Set(names).size !== names.length || names.some((v) => v === '')) return false;
  return !names.some((name, col) => rest.some((r) => r[col] !== undefined && trimValue(r[col]) === name));
}

/** Column names: the header's (blank ones named column_N, duplicates suffixed) or column_1…column_N. */
export function columnNames(dialect: Dialect): { names: string[]; warnings: string[] } {
  const warnings: string[] = [];
  const names: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < dialect.columnCount; i++) {
    let name = dialect.hasHeader ? trimValue(dialect.header[i] ?? '') : '';
    if (dialect.hasHeader && name === '') {
      name = `column_${i + 1}`;
      warnings.push(`Column ${i + 1} has an empty header; named it ${name}.`);
    } else if (!dialect.hasHeader) {
      name = `column_${i + 1}`;
    }
    if (seen.has(name)) {
      let k = 2;
      while (seen.has(`${name}_${k}`)) k++;
      warnings.push(`Header "${name}" appears more than once; column ${i + 1} is named ${name}_${k}.`);
      name = `${name}_${k}`;
    }
    seen.add(name);
    names.push(name);
  }
  return { names, warnings };
}

import { isAscii, isUtf8 } from 'node:buffer';
import { ColumnAccumulator, type ColumnState } from './column-profile.js';
import { parseRecords, type RecordSink } from './csv-records.js';
import type { ColumnProfile } from './profile-schema.js';
import type { ProfileDetail } from './result-size.js';
import type { SketchLimits } from './sketch-limits.js';
import { ByteArena, encodeUtf8 } from './utf8-bytes.js';

/** What a profiler of chunks needs to know about the file (sent to each worker). */
export interface ChunkConfig {
  delimiter: string;
  /** Expected fields per record. */
  columnCount: number;
  /** Indexes of the columns to profile. */
  selected: number[];
  /** The file's head was not UTF-8: decode every chunk as Latin-1. */
  latin1: boolean;
  /** How far each column's sketches may grow. */
  limits: SketchLimits;
}

/** The profiled columns, in file order, and what they have to warn about. */
export interface ColumnReport {
  columns: ColumnProfile[];
  warnings: string[];
}

/** One chunk's counts; line numbers are 0-based from the chunk's first line. */
export interface ChunkReport {
  index: number;
  rows: number;
  lines: number;
  blankLines: number;
  ragged: number;
  raggedLines: number[];
  malformed: number;
  malformedLines: number[];
  unclosedQuoteLine: number | null;
  /** This chunk was not valid UTF-8 and was decoded as Latin-1. */
  decodedLatin1: boolean;
  /** The chunk holds NUL bytes: binary data past the head that was checked. */
  binary: boolean;
  /** All of the chunk was parsed (false when a row limit stopped it). */
  complete: boolean;
}

const MAX_REPORTED_LINES = 10;
/** Column warnings listed one by one; more are counted in one line (a wide file could have thousands). */
const MAX_COLUMN_WARNINGS = 20;

const EMPTY = new Uint8Array(0);
/** A value missing from a short row, in a column's list of field ranges. */
const MISSING = -1;

/**
 * One column's values in the chunk being profiled: where each row's value is. A value
 * of the chunk's own bytes is [start, end); one put together elsewhere (a quoted field
 * with doubled quotes, Latin-1 re-encoded as UTF-8) is in the side buffer, at
 * [-start - 2, end); a missing one is MISSING. Plain arrays, reused chunk after chunk
 * (a wide file has thousands of these: see ValueDictionary on typed arrays).
 */
class ColumnRanges {
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  count = 0;

  push(start: number, end: number): void {
    const n = this.count;
    if (n === this.starts.length) {
      this.starts.push(start);
      this.ends.push(end);
    } else {
      this.starts[n] = start;
      this.ends[n] = end;
    }
    this.count = n + 1;
  }
}

/**
 * Profiles chunks of complete records into column accumulators. The same class runs
 * in the main thread (small files, row limits) and in each worker thread. A chunk is
 * first parsed into each column's field ranges, then profiled column by column: one
 * column's sketches stay in the processor's caches while its values go through them,
 * and its values are mostly of one kind, which the branches learn (profiling row by row
 * cost twice as much CPU as the columns profiled one at a time).
 */
export class ChunkProfiler implements RecordSink {
  readonly columns: (ColumnAccumulator | undefined)[];
  private readonly ranges: (ColumnRanges | undefined)[];
  private report!: ChunkReport;
  private readonly delimiter: number;
  /** The chunk being parsed. */
  private chunk: Uint8Array = EMPTY;
  /** Values put together outside the chunk's bytes. */
  private readonly side = new ByteArena();
  /** The chunk being parsed is Latin-1 text with bytes ≥ 0x80. */
  private latin1 = false;

  constructor(private readonly config: ChunkConfig) {
    this.delimiter = config.delimiter.charCodeAt(0);
    this.columns = Array.from({ length: config.columnCount }, () => undefined);
    this.ranges = Array.from({ length: config.columnCount }, () => undefined);
    for (const index of config.selected) {
      this.columns[index] = new ColumnAccumulator(index + 1, config.limits);
      this.ranges[index] = new ColumnRanges();
    }
  }

  process(bytes: Uint8Array, index: number, maxRows = Number.POSITIVE_INFINITY): ChunkReport {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const decodedLatin1 = !this.config.latin1 && !isUtf8(buffer);
    // Fields of Latin-1 text with bytes ≥ 0x80 are re-encoded as UTF-8, which the columns count and compare.
    this.latin1 = (this.config.latin1 || decodedLatin1) && !isAscii(buffer);
    this.report = {
      index,
      rows: 0,
      lines: 0,
      blankLines: 0,
      ragged: 0,
      raggedLines: [],
      malformed: 0,
      malformedLines: [],
      unclosedQuoteLine: null,
      decodedLatin1,
      binary: buffer.indexOf(0) !== -1,
      complete: true,
    };
    // A plain Uint8Array, like every other array of bytes the columns read (see encodeUtf8).
    this.chunk = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.side.length = 0;
    const stats = parseRecords(this.chunk, this.delimiter, this, maxRows);
    this.profileColumns();
    this.chunk = EMPTY;
    Object.assign(this.report, {
      lines: stats.lines,
      blankLines: stats.blankLines,
      malformed: stats.malformed,
      malformedLines: stats.malformedLines,
      unclosedQuoteLine: stats.unclosedQuoteLine,
      complete: stats.consumed >= bytes.length,
    });
    return this.report;
  }

  field(index: number, bytes: Uint8Array, start: number, end: number): void {
    const ranges = this.ranges[index];
    if (ranges === undefined) return;
    if (this.latin1 && hasHighByte(bytes, start, end)) {
      const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
      const utf8 = encodeUtf8(text);
      this.pushSide(ranges, utf8, 0, utf8.length);
    } else if (bytes !== this.chunk) {
      this.pushSide(ranges, bytes, start, end);
    } else {
      ranges.push(start, end);
    }
  }

  endRecord(fieldCount: number, line: number): void {
    const report = this.report;
    report.rows++;
    const expected = this.config.columnCount;
    if (fieldCount === expected) return;
    report.ragged++;
    if (report.raggedLines.length < MAX_REPORTED_LINES) report.raggedLines.push(line);
    for (let i = fieldCount; i < expected; i++) this.ranges[i]?.push(MISSING, 0);
  }

  private pushSide(ranges: ColumnRanges, bytes: Uint8Array, start: number, end: number): void {
    const at = this.side.append(bytes, start, end);
    ranges.push(-at - 2, at + end - start);
  }

  /** Feeds each column its values of the chunk, one column at a time. */
  private profileColumns(): void {
    const chunk = this.chunk;
    const side = this.side.bytes;
    for (let c = 0; c < this.ranges.length; c++) {
      const ranges = this.ranges[c];
      if (ranges === undefined) continue;
      const column = this.columns[c] as ColumnAccumulator;
      const { starts, ends, count } = ranges;
      for (let r = 0; r < count; r++) {
        const start = starts[r] as number;
        if (start >= 0) column.add(chunk, start, ends[r] as number);
        else if (start === MISSING) column.addAbsent();
        else column.add(side, -start - 2, ends[r] as number);
      }
      ranges.count = 0;
    }
  }

  states(): (ColumnState | null)[] {
    return this.columns.map((c) => c?.state() ?? null);
  }

  /** Adds another profiler's column states (from a worker) into this one. */
  mergeStates(states: (ColumnState | null)[]): void {
    states.forEach((state, i) => {
      if (state) this.columns[i]?.merge(ColumnAccumulator.from(state, i + 1, this.config.limits));
    });
  }

  /** Profiles of the columns, named by `names` (all the file's columns), showing `detail`. */
  profiles(names: string[], detail: ProfileDetail): ColumnReport {
    const columns: ColumnProfile[] = [];
    const warnings: string[] = [];
    this.columns.forEach((column, i) => {
      if (!column) return;
      const name = names[i] as string;
      const { profile, warning } = column.profile(name, i, detail);
      if (warning) warnings.push(warning);
      if (profile.count === 0) warnings.push(`Column "${name}" has no values in any row.`);
      columns.push(profile);
    });
    if (warnings.length <= MAX_COLUMN_WARNINGS) return { columns, warnings };
    const more = warnings.length - MAX_COLUMN_WARNINGS;
    return {
      columns,
      warnings: [
        ...warnings.slice(0, MAX_COLUMN_WARNINGS),
        `…and ${more.toLocaleString('en-US')} more warnings like these about other columns.`,
      ],
    };
  }
}

function hasHighByte(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if ((bytes[i] as number) >= 0x80) return true;
  return false;
}

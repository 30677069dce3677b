import { isAscii, isUtf8 } from 'node:buffer';
import { ColumnAccumulator, type ColumnState } from './column-profile.js';
import { parseRecords, type RecordSink } from './csv-records.js';
import type { ColumnProfile } from './profile-schema.js';
import type { ProfileDetail } from './result-size.js';
import type { SketchLimits } from './sketch-limits.js';
import { encodeUtf8 } from './utf8-bytes.js';

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

/**
 * Profiles chunks of complete records into column accumulators. The same class runs
 * in the main thread (small files, row limits) and in each worker thread. (Profiling
 * each chunk column by column instead, for the caches, cost more than it saved once
 * repeated values became a dictionary lookup.)
 */
export class ChunkProfiler implements RecordSink {
  readonly columns: (ColumnAccumulator | undefined)[];
  private report!: ChunkReport;
  private readonly delimiter: number;
  /** The chunk being parsed is Latin-1 text with bytes ≥ 0x80. */
  private latin1 = false;

  constructor(private readonly config: ChunkConfig) {
    this.delimiter = config.delimiter.charCodeAt(0);
    this.columns = Array.from({ length: config.columnCount }, () => undefined);
    for (const index of config.selected)
      this.columns[index] = new ColumnAccumulator(index + 1, config.limits);
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
    const chunk = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const stats = parseRecords(chunk, this.delimiter, this, maxRows);
    Object.assign(this.report, {
      lines: stats.lines,
      blankLines: stats.blankLines,
      malformed: stats.malformed,
      malformedLines: stats.malformedLines,
      unclosedQuoteLine: stats.unclosedQuoteLine,
      complete: stats.consumed >= chunk.length,
    });
    return this.report;
  }

  field(index: number, bytes: Uint8Array, start: number, end: number): void {
    const column = this.columns[index];
    if (column === undefined) return;
    if (this.latin1 && hasHighByte(bytes, start, end)) {
      const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
      const utf8 = encodeUtf8(text);
      column.add(utf8, 0, utf8.length);
    } else {
      column.add(bytes, start, end);
    }
  }

  endRecord(fieldCount: number, line: number): void {
    const report = this.report;
    report.rows++;
    const expected = this.config.columnCount;
    if (fieldCount === expected) return;
    report.ragged++;
    if (report.raggedLines.length < MAX_REPORTED_LINES) report.raggedLines.push(line);
    for (let i = fieldCount; i < expected; i++) this.columns[i]?.addAbsent();
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

import { type FileHandle, open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { formatBytes } from '@taskdeck/node-common/format-bytes';
import { type ChunkConfig, ChunkProfiler, type ChunkReport, type ColumnReport } from './chunk-profiler.js';
import { lastRecordEnd, parseRecords } from './csv-records.js';
import { CANDIDATE_DELIMITERS, columnNames, type Dialect, detectDialect } from './dialect.js';
import { CsvInputError, sniffText, type TextEncoding } from './file-sniff.js';
import type { CsvProfile } from './profile-schema.js';
import { IN_FLIGHT_PER_WORKER, WorkerPool } from './profiler-worker.js';
import { detailFor, fitProfile, type ProfileDetail, SUMMARY_BUDGET_CHARS } from './result-size.js';
import { FULL_LIMITS, type SketchLimits, sketchLimits, stateCopies, workersFor } from './sketch-limits.js';
import { MAX_KEY_LENGTH } from './value-counter.js';

/**
 * Bytes read at a time, and so the unit of work a worker gets. Small enough that a chunk
 * profiled in the main thread delays a cancel by little (about 15 ms per MB), and that
 * the chunks in flight (IN_FLIGHT_PER_WORKER per worker) stay a few MB.
 */
const CHUNK_BYTES = 1024 * 1024;
/** The head read to detect encoding and dialect. */
const HEAD_BYTES = 1024 * 1024;
/** A record longer than this is refused: it is not a CSV row but a broken file or an open quote. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;
/** Below this size worker start-up costs more than it saves… */
const WORKER_MIN_BYTES = 32 * 1024 * 1024;
/**
 * …except for a file of this many columns or more: its state can reach the memory budget,
 * and in a worker it goes back to the system when the worker stops (after the profile, or
 * at once on a cancel), while the main thread's heap keeps it until a later collection.
 */
const WIDE_COLUMNS = 100;
const MAX_REPORTED_LINES = 10;

export interface ProfileOptions {
  /** Names of the columns to profile (default: all). */
  columns?: string[];
  delimiter?: string;
  hasHeader?: boolean;
  /** Profile only the first N data rows. */
  sampleRows?: number;
  signal?: AbortSignal;
  /** Called after each read with bytes read so far, the file size and rows profiled so far. */
  onProgress?: (bytesRead: number, totalBytes: number, rows: number) => void;
  /** Script to start worker threads from (a bundle that calls runProfilerWorker); none: profile in this thread. */
  workerScript?: string | URL;
  /** Worker threads for large files (default: one per core, at most 2… 4). */
  workers?: number;
  /** Name shown in the result instead of the path. */
  displayPath?: string;
  /** Tuning, for tests and benchmarks: read size, smallest file for workers, longest record. */
  chunkBytes?: number;
  workerMinBytes?: number;
  maxRecordBytes?: number;
}

interface Head {
  encoding: TextEncoding;
  dialect: Dialect;
  /** Where the first data record starts (after BOM and header). */
  dataStart: number;
  /** Lines before the first data record. */
  headerLines: number;
}

/**
 * Profiles a CSV file in one streaming pass with bounded memory: reads chunks of whole
 * records, profiles them (on worker threads for large files), and merges the results.
 * Throws CsvInputError for files it cannot read as CSV, with a message for the user.
 */
export async function profileCsv(path: string, options: ProfileOptions = {}): Promise<CsvProfile> {
  const started = performance.now();
  const { signal } = options;
  const file = await openFile(path);
  let pool: WorkerPool | undefined;
  try {
    const stat = await file.stat();
    if (stat.isDirectory()) throw new CsvInputError(`${path} is a folder, not a file.`);
    if (!stat.isFile()) throw new CsvInputError(`${path} is not a regular file.`);
    const size = stat.size;
    if (size === 0) throw new CsvInputError('The file is empty (0 bytes).');
    const maxRecordBytes = options.maxRecordBytes ?? MAX_RECORD_BYTES;
    const head = await readHead(file, size, options, maxRecordBytes);
    const { names, warnings } = columnNames(head.dialect);
    const selected = selectColumns(names, options.columns);
    const maxRows = options.sampleRows ?? Number.POSITIVE_INFINITY;
    const workerCount = chooseWorkers(options, size, selected.length, maxRows);
    const detail = detailFor(selected.length);
    const config: ChunkConfig = {
      delimiter: head.dialect.delimiter,
      columnCount: names.length,
      selected,
      latin1: head.encoding.encoding === 'latin-1',
      limits: sketchLimits(selected.length, stateCopies(workerCount), detail),
    };
    const tally = new ReportTally(head.headerLines);
    const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
    const buffers = new ReadBuffers(chunkBytes, workerCount);
    if (workerCount > 0 && options.workerScript) {
      pool = new WorkerPool(options.workerScript, config, names, workerCount, (report, bytes) => {
        tally.add(report);
        buffers.give(bytes);
      });
    }
    // Column state in this thread only when no worker holds it.
    const main = pool ? null : new ChunkProfiler(config);

    let offset = head.dataStart;
    let carry: Uint8Array = new Uint8Array(0);
    let index = 0;
    let stoppedEarly = false;
    for (;;) {
      signal?.throwIfAborted();
      const want = Math.max(chunkBytes, carry.length);
      const buffer = buffers.take(carry.length + want);
      buffer.set(carry, 0);
      const { bytesRead } = await file.read(buffer, carry.length, want, offset);
      signal?.throwIfAborted();
      offset += bytesRead;
      // Progress by bytes read, at once (rows so far lag by the chunks still being profiled).
      if (bytesRead > 0) options.onProgress?.(offset, size, tally.rows);
      const filled = carry.length + bytesRead;
      const atEnd = bytesRead === 0;
      const cut = atEnd ? filled : lastRecordEnd(buffer.subarray(0, filled), config.delimiter.charCodeAt(0));
      if (cut === -1) {
        if (filled > maxRecordBytes) throw hugeRecordError(offset - filled, maxRecordBytes);
        carry = buffer.subarray(0, filled);
        continue;
      }
      if (cut === 0 && atEnd) break;
      // A copy (Buffer#slice would share memory), because the chunk's memory moves to a worker.
      carry = new Uint8Array(buffer.subarray(cut, filled));
      const chunk = buffer.subarray(0, cut);
      tally.offsets.set(index, offset - filled);
      if (main === null) {
        await (pool as WorkerPool).submit(chunk, index, signal);
      } else {
        const report = main.process(chunk, index, maxRows - tally.rows);
        buffers.give(buffer.buffer);
        tally.add(report);
        if (tally.rows >= maxRows) stoppedEarly = !report.complete || carry.length > 0 || offset < size;
        // Let cancel and progress through between chunks.
        await new Promise((resolve) => setImmediate(resolve));
      }
      index++;
      if (atEnd || tally.rows >= maxRows) break;
    }
    // After the workers' last reports: before them, rows profiled on workers are not counted yet.
    const columns = main ? main.profiles(names, detail) : await (pool as WorkerPool).finish(detail, signal);
    signal?.throwIfAborted();
    if (tally.rows === 0) {
      throw new CsvInputError(
        head.dialect.hasHeader
          ? 'The file has a header row but no data rows.'
          : 'The file contains no data rows: only blank lines.',
      );
    }
    return buildProfile({
      path: options.displayPath ?? path,
      size,
      head,
      names,
      columns,
      detail,
      limits: config.limits,
      tally,
      warnings,
      complete: !stoppedEarly,
      elapsedMs: performance.now() - started,
      workers: workerCount,
    });
  } finally {
    // Not awaited: a cancel answers at once; the threads stop and free their memory meanwhile.
    void pool?.terminate();
    await file.close();
  }
}

/**
 * Worker threads for this file: none for a small narrow file or a row limit (profiled in
 * this thread), several for a large one while the memory budget leaves each column enough,
 * one for a wide one.
 */
function chooseWorkers(options: ProfileOptions, size: number, columns: number, maxRows: number): number {
  const wanted = options.workers ?? Math.min(4, availableParallelism());
  if (options.workerScript === undefined || wanted <= 0 || maxRows !== Number.POSITIVE_INFINITY) return 0;
  if (size >= (options.workerMinBytes ?? WORKER_MIN_BYTES)) return workersFor(columns, wanted);
  return columns >= WIDE_COLUMNS ? 1 : 0;
}

async function openFile(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CsvInputError(`File not found: ${path}`);
    if (code === 'EACCES' || code === 'EPERM')
      throw new CsvInputError(`Permission denied: cannot read ${path}`);
    if (code === 'EISDIR') throw new CsvInputError(`${path} is a folder, not a file.`);
    throw new CsvInputError(`Cannot open ${path}: ${(error as Error).message}`);
  }
}

function hugeRecordError(at: number, limit: number): CsvInputError {
  const size =
    limit >= 1024 * 1024 ? `${Math.round(limit / 1024 / 1024)} MB` : `${limit.toLocaleString('en-US')} bytes`;
  return new CsvInputError(
    `A record starting at byte ${at.toLocaleString('en-US')} runs on for more than ${size} ` +
      'without ending: the file is not line-based CSV, or a quote is never closed.',
  );
}

/** Reads the head (growing it until it holds a whole record), sniffs the encoding and detects the dialect. */
async function readHead(
  file: FileHandle,
  size: number,
  options: ProfileOptions,
  maxRecord: number,
): Promise<Head> {
  let length = Math.min(size, HEAD_BYTES);
  for (;;) {
    const bytes = Buffer.allocUnsafe(length);
    const { bytesRead } = await file.read(bytes, 0, length, 0);
    const head = bytes.subarray(0, bytesRead);
    const atEnd = bytesRead >= size;
    const encoding = sniffText(head, atEnd);
    const body = head.subarray(encoding.bomLength);
    // The delimiter is not known yet; the earliest end any candidate allows is safe for all.
    const delimiters = options.delimiter ? [options.delimiter] : CANDIDATE_DELIMITERS;
    const ends = delimiters.map((d) => lastRecordEnd(body, d.charCodeAt(0))).filter((e) => e !== -1);
    const end = atEnd ? body.length : ends.length > 0 ? Math.min(...ends) : -1;
    if (end === -1) {
      if (length > maxRecord) throw hugeRecordError(0, maxRecord);
      length = Math.min(size, length * 4, maxRecord + 1);
      continue;
    }
    const text = body.subarray(0, end);
    const dialect = detectDialect(text, encoding.encoding === 'latin-1' ? 'latin1' : 'utf8', {
      delimiter: options.delimiter,
      hasHeader: options.hasHeader,
    });
    let dataStart = encoding.bomLength;
    let headerLines = 0;
    if (dialect.hasHeader) {
      const stats = parseRecords(text, dialect.delimiter.charCodeAt(0), { field() {}, endRecord() {} }, 1);
      if (stats.unclosedQuoteLine !== null) {
        throw new CsvInputError(
          'The header row opens a quoted field that is never closed, so the file cannot be read.',
        );
      }
      if (stats.consumed > maxRecord) throw hugeRecordError(encoding.bomLength, maxRecord);
      dataStart += stats.consumed;
      headerLines = stats.lines;
    }
    return { encoding, dialect, dataStart, headerLines };
  }
}

/**
 * Read buffers, each used again once its chunk is profiled (a worker hands the memory
 * back): reading into fresh memory costs a page fault per 4 KB.
 */
class ReadBuffers {
  private readonly free: ArrayBuffer[] = [];
  /** Enough for every chunk in flight and the one being read. */
  private readonly keep: number;

  constructor(
    private readonly chunkBytes: number,
    workers: number,
  ) {
    this.keep = IN_FLIGHT_PER_WORKER * workers + 2;
  }

  /** A buffer of at least `length` bytes. */
  take(length: number): Buffer {
    const i = this.free.findIndex((b) => b.byteLength >= length);
    if (i >= 0) return Buffer.from(this.free.splice(i, 1)[0] as ArrayBuffer);
    // Room for a chunk plus the part record carried over from the last one.
    return Buffer.allocUnsafeSlow(Math.max(length, this.chunkBytes + (this.chunkBytes >> 3)));
  }

  give(buffer: ArrayBufferLike): void {
    if (this.free.length < this.keep && buffer instanceof ArrayBuffer) this.free.push(buffer);
  }
}

function selectColumns(names: string[], wanted: string[] | undefined): number[] {
  if (!wanted || wanted.length === 0) return names.map((_, i) => i);
  const missing = wanted.filter((name) => !names.includes(name));
  if (missing.length > 0) {
    const available = names.length > 30 ? `${names.slice(0, 30).join(', ')}, …` : names.join(', ');
    throw new CsvInputError(
      `Unknown column${missing.length > 1 ? 's' : ''} ${missing.map((m) => JSON.stringify(m)).join(', ')}; the file has: ${available}`,
    );
  }
  return [...new Set(wanted.map((name) => names.indexOf(name)))].sort((a, b) => a - b);
}

/**
 * Adds up chunk reports, which arrive out of order from workers; line numbers need
 * every earlier chunk's line count, so those parts wait until their turn.
 */
class ReportTally {
  rows = 0;
  blankLines = 0;
  ragged = 0;
  malformed = 0;
  readonly raggedLines: number[] = [];
  readonly malformedLines: number[] = [];
  unclosedQuoteLine: number | null = null;
  /** Byte offset of each chunk, to say where Latin-1 decoding began. */
  readonly offsets = new Map<number, number>();
  firstLatin1Offset: number | null = null;
  latin1Chunks = 0;
  firstBinaryOffset: number | null = null;
  private readonly pending = new Map<number, ChunkReport>();
  private next = 0;
  /** 1-based line number of the next chunk's first line. */
  private line: number;

  constructor(headerLines: number) {
    this.line = headerLines + 1;
  }

  add(report: ChunkReport): void {
    this.rows += report.rows;
    this.blankLines += report.blankLines;
    this.ragged += report.ragged;
    this.malformed += report.malformed;
    this.pending.set(report.index, report);
    for (let r = this.pending.get(this.next); r; r = this.pending.get(this.next)) {
      this.pending.delete(this.next);
      for (const l of r.raggedLines)
        if (this.raggedLines.length < MAX_REPORTED_LINES) this.raggedLines.push(this.line + l);
      for (const l of r.malformedLines) {
        if (this.malformedLines.length < MAX_REPORTED_LINES) this.malformedLines.push(this.line + l);
      }
      if (r.unclosedQuoteLine !== null) this.unclosedQuoteLine ??= this.line + r.unclosedQuoteLine;
      if (r.decodedLatin1) {
        this.latin1Chunks++;
        this.firstLatin1Offset ??= this.offsets.get(r.index) ?? null;
      }
      if (r.binary) this.firstBinaryOffset ??= this.offsets.get(r.index) ?? null;
      this.offsets.delete(r.index);
      this.line += r.lines;
      this.next++;
    }
  }
}

interface BuildInput {
  path: string;
  size: number;
  head: Head;
  names: string[];
  columns: ColumnReport;
  detail: ProfileDetail;
  limits: SketchLimits;
  tally: ReportTally;
  warnings: string[];
  complete: boolean;
  elapsedMs: number;
  workers: number;
}

const lineList = (lines: number[], total: number) =>
  `line${lines.length > 1 ? 's' : ''} ${lines.join(', ')}${total > lines.length ? ', …' : ''}`;

function buildProfile(input: BuildInput): CsvProfile {
  const { head, tally, names } = input;
  const warnings = [...input.warnings];
  let encoding = head.encoding.encoding;
  if (encoding === 'latin-1') {
    warnings.push('The file is not valid UTF-8; it was decoded as Latin-1 (ISO-8859-1).');
  } else if (tally.latin1Chunks > 0) {
    encoding = 'latin-1';
    const at = (tally.firstLatin1Offset ?? 0).toLocaleString('en-US');
    warnings.push(
      `Part of the file is not valid UTF-8: ${tally.latin1Chunks} block(s) of about 1 MB, the first at byte ${at}, were decoded as Latin-1 (ISO-8859-1).`,
    );
  }
  if (tally.firstBinaryOffset !== null) {
    const at = tally.firstBinaryOffset.toLocaleString('en-US');
    warnings.push(
      `The file contains NUL bytes (binary data) in the block read from byte ${at}; it was read as text.`,
    );
  }
  if (tally.ragged > 0) {
    warnings.push(
      `${tally.ragged} row(s) do not have ${names.length} fields (${lineList(tally.raggedLines, tally.ragged)}); missing fields count as nulls, extra fields are ignored.`,
    );
  }
  if (tally.malformed > 0) {
    warnings.push(
      `${tally.malformed} row(s) have malformed quoting, read as literal text (${lineList(tally.malformedLines, tally.malformed)}).`,
    );
  }
  if (tally.unclosedQuoteLine !== null) {
    warnings.push(
      `A quoted field opened on line ${tally.unclosedQuoteLine} is never closed: the rest of the file was read as that field.`,
    );
  }
  if (tally.blankLines > 0) warnings.push(`${tally.blankLines} blank line(s) were skipped.`);
  if (!input.complete) warnings.push(`Only the first ${tally.rows} rows were profiled (sampleRows).`);
  const { columns } = input.columns;
  warnings.push(...input.columns.warnings);
  const limitsNote = smallerSketchesWarning(input.limits, columns);
  if (limitsNote) warnings.push(limitsNote);
  const cut = columns.filter((c) => c.truncated);
  if (cut.length > 0) {
    const names = cut.slice(0, 5).map((c) => JSON.stringify(c.name));
    warnings.push(
      `Text values longer than ${MAX_KEY_LENGTH} characters are cut in min, max and top values (to their first ` +
        `${MAX_KEY_LENGTH} characters, followed by "… (N chars)") in ${cut.length} column${cut.length > 1 ? 's' : ''}: ` +
        `${names.join(', ')}${cut.length > names.length ? ', …' : ''}.`,
    );
  }
  return fitProfile({
    file: {
      path: input.path,
      bytes: input.size,
      encoding,
      bom: head.encoding.bomLength > 0,
      lineEnding: head.dialect.lineEnding,
      delimiter: head.dialect.delimiter,
      quote: '"',
      hasHeader: head.dialect.hasHeader,
    },
    rows: tally.rows,
    columnCount: names.length,
    complete: input.complete,
    elapsedMs: Math.round(input.elapsedMs),
    engine: { name: 'taskdeck streaming profiler (JavaScript)', workers: input.workers },
    raggedRows: { count: tally.ragged, firstLines: tally.raggedLines },
    warnings,
    detail: { ...input.detail, omittedColumns: 0 },
    columns,
  });
}

/** Says when a wide file's smaller sketches made some statistic approximate. */
function smallerSketchesWarning(limits: SketchLimits, columns: CsvProfile['columns']): string | undefined {
  const reduced =
    limits.exactDistinct < FULL_LIMITS.exactDistinct || limits.sampleSize < FULL_LIMITS.sampleSize;
  if (!reduced || !columns.some((c) => !c.distinct.exact || c.quantiles?.exact === false)) return undefined;
  const error = ((1.04 / Math.sqrt(2 ** limits.hllPrecision)) * 100).toFixed(1);
  return (
    `With ${columns.length.toLocaleString('en-US')} columns, each column's statistics get less memory: distinct ` +
    `values are counted exactly up to ${limits.exactDistinct.toLocaleString('en-US')} (then estimated, about ±${error} %), ` +
    `quantiles exactly up to ${limits.sampleSize.toLocaleString('en-US')} values (then from a sample of that many)` +
    (limits.topValues > 0 ? `, top values by ${limits.frequentItems.toLocaleString('en-US')} counters.` : '.')
  );
}

/** A short readable summary of a profile (the tool's text content). */
export function summarizeProfile(profile: CsvProfile): string {
  const f = profile.file;
  const delimiter = f.delimiter === '\t' ? 'tab' : `"${f.delimiter}"`;
  const lines = [
    `${basename(f.path)}: ${profile.rows.toLocaleString('en-US')} rows × ${profile.columnCount} columns, ` +
      `${formatBytes(f.bytes)}, ${f.encoding.toUpperCase()}${f.bom ? ' with BOM' : ''}, ${delimiter}-delimited, ` +
      `${f.hasHeader ? 'header row' : 'no header'}; profiled in ${(profile.elapsedMs / 1000).toFixed(2)} s.`,
  ];
  const warnings = profile.warnings.length > 0 ? ['Warnings:', ...profile.warnings.map((w) => `- ${w}`)] : [];
  // A wide file's column lines stop at the budget; the warnings always follow.
  let chars = [...lines, ...warnings].reduce((n, line) => n + line.length + 1, 0);
  for (const [i, c] of profile.columns.entries()) {
    const line = columnLine(c);
    if (chars + line.length > SUMMARY_BUDGET_CHARS) {
      lines.push(
        `- …and ${(profile.columns.length - i).toLocaleString('en-US')} more columns (see the structured result)`,
      );
      break;
    }
    lines.push(line);
    chars += line.length + 1;
  }
  return [...lines, ...warnings].join('\n');
}

function columnLine(c: CsvProfile['columns'][number]): string {
  const missing = c.nulls + c.empty;
  const range = c.min !== null && c.type !== 'string' ? ` ${String(c.min)} … ${String(c.max)},` : '';
  const count = c.distinct.count.toLocaleString('en-US');
  const distinct = c.distinct.allDistinct
    ? `all ${count} distinct${c.distinct.exact ? '' : ' (estimated)'}`
    : `${c.distinct.exact ? '' : '~'}${count} distinct`;
  return `- ${c.name}: ${c.type},${range} ${distinct}, ${missing.toLocaleString('en-US')} missing`;
}

/**
 * RFC 4180 CSV records, read leniently: a `"` opens a quoted field only at the start of
 * a field, `""` inside one is a quote, delimiters and newlines inside one are data;
 * text after a closing quote, or a quote in the middle of an unquoted field, is kept
 * as data and counted as malformed. Records end at LF; a CR before it is dropped.
 */

import { copyBytes } from './utf8-bytes.js';

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Receives the fields of each record; `field` is called with increasing `index`. */
export interface RecordSink {
  /**
   * A field's bytes: `bytes[start, end)`, quotes removed. `bytes` is the parsed text, or
   * (for a field with doubled quotes or text after its closing quote) a scratch buffer
   * that the next such field overwrites: a sink copies what it keeps.
   */
  field(index: number, bytes: Uint8Array, start: number, end: number): void;
  /** `line`: 0-based line of the record's first character, counted from the start of the text. */
  endRecord(fieldCount: number, line: number): void;
}

export interface ParseStats {
  /** Bytes consumed (the start of the first record not parsed when a limit stopped it). */
  consumed: number;
  records: number;
  /** Newlines consumed. */
  lines: number;
  blankLines: number;
  /** Records with malformed quoting, and the 0-based line of the first few. */
  malformed: number;
  malformedLines: number[];
  /** A quoted field still open at the end of the text (0-based line where it starts). */
  unclosedQuoteLine: number | null;
}

const MAX_REPORTED_LINES = 10;

/** Where a quoted field's value is put together when it is not one run of the text. */
let scratch = new Uint8Array(4096);

/** Appends bytes[start, end) to the scratch buffer at `at`, growing it; returns the new length. */
function appendScratch(bytes: Uint8Array, start: number, end: number, at: number): number {
  const length = at + end - start;
  if (length > scratch.length) {
    const grown = new Uint8Array(Math.max(length, scratch.length * 2));
    grown.set(scratch.subarray(0, at));
    scratch = grown;
  }
  copyBytes(bytes, start, end, scratch, at);
  return length;
}

/**
 * Parses complete records from the bytes of ASCII-compatible text (UTF-8 or Latin-1),
 * field by field, without making strings: a field is a range of the bytes. One loop over
 * the bytes of each field; only quoted fields with doubled quotes (or text after the
 * closing quote) are copied.
 */
export function parseRecords(
  bytes: Uint8Array,
  delimiter: number,
  sink: RecordSink,
  maxRecords = Number.POSITIVE_INFINITY,
): ParseStats {
  const n = bytes.length;
  const stats: ParseStats = {
    consumed: 0,
    records: 0,
    lines: 0,
    blankLines: 0,
    malformed: 0,
    malformedLines: [],
    unclosedQuoteLine: null,
  };
  let pos = 0;
  let line = 0;
  let records = 0;
  while (pos < n && records < maxRecords) {
    const first = bytes[pos] as number;
    // A blank line (LF, CRLF, or a CR that ends the text) is no record.
    if (first === LF || (first === CR && (pos + 1 === n || bytes[pos + 1] === LF))) {
      stats.blankLines++;
      pos += first === LF ? 1 : 2;
      if (pos <= n) line++;
      continue;
    }
    const startLine = line;
    let i = pos;
    let col = 0;
    let malformed = false;
    for (;;) {
      if (i < n && bytes[i] === QUOTE) {
        // Quoted: runs of text between quotes (newlines inside are data, and counted); `""` is a quote.
        let runStart = i + 1;
        let runEnd = n;
        let length = -1; // bytes put together in scratch; -1 while the value is one run of the text
        for (;;) {
          let q = runStart;
          while (q < n) {
            const c = bytes[q] as number;
            if (c === QUOTE) break;
            if (c === LF) line++;
            q++;
          }
          if (q === n) {
            // Unclosed quote: the rest of the text is this field.
            stats.unclosedQuoteLine ??= startLine;
            i = n;
            break;
          }
          if (bytes[q + 1] === QUOTE) {
            length = appendScratch(bytes, runStart, q + 1, Math.max(length, 0));
            runStart = q + 2;
            continue;
          }
          runEnd = q;
          i = q + 1;
          break;
        }
        // Text between the closing quote and the next delimiter is kept, but is malformed.
        const tailStart = i;
        while (i < n) {
          const c = bytes[i] as number;
          if (c === delimiter || c === LF || (c === CR && bytes[i + 1] === LF)) break;
          i++;
        }
        if (i > tailStart) malformed = true;
        if (length < 0 && i === tailStart) {
          sink.field(col++, bytes, runStart, runEnd);
        } else {
          length = appendScratch(bytes, runStart, runEnd, Math.max(length, 0));
          length = appendScratch(bytes, tailStart, i, length);
          sink.field(col++, scratch, 0, length);
        }
      } else {
        const fieldStart = i;
        while (i < n) {
          const c = bytes[i] as number;
          if (c === delimiter || c === LF) break;
          if (c === QUOTE) malformed = true;
          i++;
        }
        // A CR before the record's LF (or the end of the text) ends the line, not the field.
        const end = i > fieldStart && bytes[i - 1] === CR && (i === n || bytes[i] === LF) ? i - 1 : i;
        sink.field(col++, bytes, fieldStart, end);
      }
      if (i >= n) break;
      const c = bytes[i] as number;
      if (c === delimiter) {
        i++;
        continue;
      }
      if (c === CR) i++;
      // LF: the record ends.
      i++;
      line++;
      break;
    }
    if (malformed) {
      stats.malformed++;
      if (stats.malformedLines.length < MAX_REPORTED_LINES) stats.malformedLines.push(startLine);
    }
    sink.endRecord(col, startLine);
    records++;
    pos = i;
  }
  stats.consumed = Math.min(pos, n);
  stats.records = records;
  stats.lines = line;
  return stats;
}

/**
 * Where the last complete record in `bytes` ends (the index after its LF), following the
 * same quoting rules as parseRecords; -1 when no record ends in it. `bytes` must start
 * at a record boundary. Only quotes are visited (native indexOf), so it is cheap.
 */
export function lastRecordEnd(bytes: Uint8Array, delimiter: number): number {
  const n = bytes.length;
  // Quoted ranges [open, close] (close = n when still open at the end).
  let ranges = new Int32Array(64);
  let count = 0;
  let pos = 0;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, n);
  for (;;) {
    const open = buffer.indexOf(QUOTE, pos);
    if (open === -1) break;
    const before = open === 0 ? LF : (bytes[open - 1] as number);
    if (before !== delimiter && before !== LF) {
      pos = open + 1; // a literal quote inside an unquoted field
      continue;
    }
    let close = n;
    let from = open + 1;
    for (;;) {
      const q = buffer.indexOf(QUOTE, from);
      if (q === -1 || q === n - 1) break; // open, or cannot tell `"` from `""` yet
      if (bytes[q + 1] === QUOTE) {
        from = q + 2;
        continue;
      }
      close = q;
      break;
    }
    if (count * 2 + 2 > ranges.length) {
      const grown = new Int32Array(ranges.length * 2);
      grown.set(ranges);
      ranges = grown;
    }
    ranges[count * 2] = open;
    ranges[count * 2 + 1] = close;
    count++;
    if (close === n) break;
    pos = close + 1;
  }
  let candidate = buffer.lastIndexOf(LF, n - 1);
  for (let r = count - 1; r >= 0 && candidate !== -1; r--) {
    const open = ranges[r * 2] as number;
    const close = ranges[r * 2 + 1] as number;
    if (candidate > close) break;
    if (candidate > open) candidate = open === 0 ? -1 : buffer.lastIndexOf(LF, open - 1);
  }
  return candidate === -1 ? -1 : candidate + 1;
}

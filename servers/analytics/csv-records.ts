/**
 * RFC 4180 CSV records, read leniently: a `"` opens a quoted field only at the start of
 * a field, `""` inside one is a quote, delimiters and newlines inside one are data;
 * text after a closing quote, or a quote in the middle of an unquoted field, is kept
 * as data and counted as malformed. Records end at LF; a CR before it is dropped.
 */

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Receives the fields of each record; `field` is called with increasing `index`. */
export interface RecordSink {
  field(index: number, value: string): void;
  /** `line`: 0-based line of the record's first character, counted from the start of the text. */
  endRecord(fieldCount: number, line: number): void;
}

export interface ParseStats {
  /** Characters consumed (the start of the first record not parsed when a limit stopped it). */
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

/**
 * Parses complete records from `text`. Written for speed: a record without quotes is
 * split with indexOf (native scans) and cached delimiter/quote positions; only records
 * containing a quote take the character-by-character path.
 */
export function parseRecords(
  text: string,
  delimiter: string,
  sink: RecordSink,
  maxRecords = Number.POSITIVE_INFINITY,
  utf8?: Buffer,
): ParseStats {
  const n = text.length;
  const piece = slicer(text, utf8);
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
  let nextQuote = -1;
  let nextDelim = -1;
  while (pos < n && records < maxRecords) {
    let lineEnd = text.indexOf('\n', pos);
    if (lineEnd === -1) lineEnd = n;
    if (nextQuote < pos) {
      nextQuote = text.indexOf('"', pos);
      if (nextQuote === -1) nextQuote = n;
    }
    if (nextQuote >= lineEnd) {
      let end = lineEnd;
      if (end > pos && text.charCodeAt(end - 1) === CR) end--;
      if (end === pos) {
        stats.blankLines++;
      } else {
        let col = 0;
        let p = pos;
        for (;;) {
          if (nextDelim < p) {
            nextDelim = text.indexOf(delimiter, p);
            if (nextDelim === -1) nextDelim = n;
          }
          if (nextDelim >= end) {
            sink.field(col++, piece(p, end));
            break;
          }
          sink.field(col++, piece(p, nextDelim));
          p = nextDelim + 1;
        }
        sink.endRecord(col, line);
        records++;
      }
      pos = lineEnd + 1;
      if (lineEnd < n) line++;
    } else {
      const startLine = line;
      const result = parseQuotedRecord(text, piece, pos, delimiter.charCodeAt(0), sink, stats, startLine);
      line = startLine + result.lines;
      pos = result.end;
      sink.endRecord(result.fields, startLine);
      records++;
    }
  }
  stats.consumed = Math.min(pos, n);
  stats.records = records;
  stats.lines = line;
  return stats;
}

/** The slow path: one record that contains a quote, character by character. */
function parseQuotedRecord(
  text: string,
  piece: (start: number, end: number) => string,
  start: number,
  delim: number,
  sink: RecordSink,
  stats: ParseStats,
  startLine: number,
): { end: number; fields: number; lines: number } {
  const n = text.length;
  let i = start;
  let col = 0;
  let lines = 0;
  let malformed = false;
  for (;;) {
    let value: string;
    if (i < n && text.charCodeAt(i) === QUOTE) {
      value = '';
      let segment = i + 1;
      for (;;) {
        const q = text.indexOf('"', segment);
        const segmentEnd = q === -1 ? n : q;
        lines += countNewlines(text, segment, segmentEnd);
        if (q === -1) {
          // Unclosed quote: the rest of the text is this field.
          value += piece(segment, n);
          stats.unclosedQuoteLine ??= startLine;
          i = n;
          break;
        }
        if (text.charCodeAt(q + 1) === QUOTE) {
          value += piece(segment, q + 1);
          segment = q + 2;
          continue;
        }
        value += piece(segment, q);
        i = q + 1;
        break;
      }
      // Text between the closing quote and the next delimiter is kept, but is malformed.
      const tailStart = i;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === delim || c === LF || (c === CR && text.charCodeAt(i + 1) === LF)) break;
        i++;
      }
      if (i > tailStart) {
        value += piece(tailStart, i);
        malformed = true;
      }
    } else {
      const fieldStart = i;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === delim || c === LF) break;
        if (c === QUOTE) malformed = true;
        i++;
      }
      const end =
        i > fieldStart && text.charCodeAt(i - 1) === CR && (i === n || text.charCodeAt(i) === LF) ? i - 1 : i;
      value = piece(fieldStart, end);
    }
    sink.field(col++, value);
    if (i >= n) break;
    const c = text.charCodeAt(i);
    if (c === delim) {
      i++;
      continue;
    }
    if (c === CR) i++;
    // LF: the record ends.
    i++;
    lines++;
    break;
  }
  if (malformed) {
    stats.malformed++;
    if (stats.malformedLines.length < MAX_REPORTED_LINES) stats.malformedLines.push(startLine);
  }
  return { end: i, fields: col, lines };
}

/**
 * Returns how to cut a field out of the text. `utf8`: the text is the Latin-1 reading of
 * these UTF-8 bytes (one char per byte, a fast copy instead of a UTF-8 decode); the few
 * fields with a byte ≥ 0x80 are then decoded from the bytes, found with one native regex
 * scan ahead of the parser.
 */
function slicer(text: string, utf8: Buffer | undefined): (start: number, end: number) => string {
  if (!utf8) return (start, end) => text.slice(start, end);
  const high = /[\x80-\xff]/g;
  let nextHigh = -1;
  return (start, end) => {
    if (nextHigh < start) {
      high.lastIndex = start;
      nextHigh = high.exec(text)?.index ?? text.length;
    }
    return nextHigh < end ? utf8.toString('utf8', start, end) : text.slice(start, end);
  };
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  let i = text.indexOf('\n', from);
  while (i !== -1 && i < to) {
    count++;
    i = text.indexOf('\n', i + 1);
  }
  return count;
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

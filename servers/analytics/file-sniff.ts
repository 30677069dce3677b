import { isUtf8 } from 'node:buffer';

/** A file the profiler refuses, with a message that tells the user what it is instead. */
export class CsvInputError extends Error {
  override name = 'CsvInputError';
}

const SIGNATURES: [bytes: number[], what: string][] = [
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive (or an Excel .xlsx workbook): export it as CSV first'],
  [[0x1f, 0x8b], 'gzip-compressed: decompress it first'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'zstd-compressed: decompress it first'],
  [[0x42, 0x5a, 0x68], 'bzip2-compressed: decompress it first'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'an old Excel .xls (or other Office) file: export it as CSV first'],
  [[0x50, 0x41, 0x52, 0x31], 'a Parquet file'],
  [[0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], 'an SQLite database'],
  [[0x7f, 0x45, 0x4c, 0x46], 'an executable (ELF)'],
];

export interface TextEncoding {
  encoding: 'utf-8' | 'latin-1';
  /** Bytes of byte-order mark to skip. */
  bomLength: number;
}

/**
 * Decides from the first bytes of a file whether it is text we can read and how it is
 * encoded. Throws CsvInputError for binary files and for UTF-16/32 (which we do not
 * decode). `atEnd`: the head is the whole file (so a truncated last character is real).
 */
export function sniffText(head: Uint8Array, atEnd: boolean): TextEncoding {
  for (const [signature, what] of SIGNATURES) {
    if (signature.every((b, i) => head[i] === b))
      throw new CsvInputError(`This is not a CSV text file: it is ${what}.`);
  }
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new CsvInputError('The file is UTF-16 text, which is not supported: save it as UTF-8 CSV.');
  }
  const bomLength = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  let zeros = 0;
  let controls = 0;
  for (let i = bomLength; i < head.length; i++) {
    const b = head[i] as number;
    if (b === 0) zeros++;
    else if ((b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12) || b === 127) controls++;
  }
  if (zeros > 0) {
    // UTF-16 without a BOM has a zero in every other byte.
    const what =
      zeros * 3 > head.length
        ? 'UTF-16 text without a byte-order mark, which is not supported'
        : 'binary data';
    throw new CsvInputError(`This is not a CSV text file: it contains ${what} (NUL bytes).`);
  }
  if (controls * 100 > head.length) {
    throw new CsvInputError('This is not a CSV text file: it is binary data (many control characters).');
  }
  const body = head.subarray(bomLength, atEnd ? head.length : completeUtf8End(head));
  return { encoding: bomLength > 0 || isUtf8(body) ? 'utf-8' : 'latin-1', bomLength };
}

/** End of the last complete UTF-8 character, so a head cut mid-character still validates. */
function completeUtf8End(bytes: Uint8Array): number {
  const end = bytes.length;
  // Step back over at most three continuation bytes to the lead byte of the last character.
  for (let back = 1; back <= 4 && end - back >= 0; back++) {
    const b = bytes[end - back] as number;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? end - back : end;
  }
  return end;
}

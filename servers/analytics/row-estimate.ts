import { open } from 'node:fs/promises';
import { lastRecordEnd } from './csv-records.js';
import { detectDialect, sampleRecords } from './dialect.js';
import { sniffText } from './file-sniff.js';

/** Bytes read to estimate: enough for hundreds of typical rows, quick on any disk. */
const SAMPLE_BYTES = 64 * 1024;

/**
 * Estimated number of data rows (header excluded) of a CSV file, from its first 64 KB:
 * exact when the file fits in them, else file size divided by the mean record size of
 * the sample. For the host to decide between an inline call and a task (analyze_csv
 * answers files of at most 1000 rows inline). Rejects when the file cannot be read or
 * is not CSV text; the tool itself then reports why.
 */
export async function estimateCsvRows(path: string): Promise<number> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size === 0) return 0;
    const bytes = Buffer.allocUnsafe(Math.min(size, SAMPLE_BYTES));
    const { bytesRead } = await file.read(bytes, 0, bytes.length, 0);
    const head = bytes.subarray(0, bytesRead);
    const atEnd = bytesRead >= size;
    const encoding = sniffText(head, atEnd);
    const body = head.subarray(encoding.bomLength);
    const end = atEnd ? body.length : lastRecordEnd(body, ','.charCodeAt(0));
    // A first record longer than the sample: few, long rows.
    if (end === -1) return Math.max(1, Math.round(size / body.length));
    const text = body.subarray(0, end).toString(encoding.encoding === 'latin-1' ? 'latin1' : 'utf8');
    const dialect = detectDialect(text);
    const records = sampleRecords(text, dialect.delimiter, Number.POSITIVE_INFINITY).length;
    const dataRecords = records - (dialect.hasHeader ? 1 : 0);
    if (atEnd) return dataRecords;
    return Math.round((size - encoding.bomLength) / (end / records)) - (dialect.hasHeader ? 1 : 0);
  } finally {
    await file.close();
  }
}

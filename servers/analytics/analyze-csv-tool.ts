import { formatBytes } from '@taskdeck/node-common/format-bytes';
import { errorResult, type TaskServer, textResult } from '@taskdeck/task-runtime/task-server';
import { z } from 'zod';
import { profileCsv, summarizeProfile } from './csv-profiler.js';
import { CsvInputError } from './file-sniff.js';
import { profileSchema } from './profile-schema.js';

const DELIMITER_NAMES: Record<string, string> = {
  tab: '\t',
  '\\t': '\t',
  comma: ',',
  semicolon: ';',
  pipe: '|',
};

const delimiter = z
  .string()
  .transform((value) => DELIMITER_NAMES[value.toLowerCase()] ?? value)
  .refine((value) => value.length === 1 && !['"', '\r', '\n'].includes(value), {
    message: 'must be one character other than a quote or a line break (or "tab")',
  });

export const analyzeCsvInput = z.strictObject({
  filePath: z
    .string()
    .min(1)
    .describe('Absolute path of the CSV file (inside the folders and files you granted)'),
  columns: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe('Profile only these columns: header names, or column_1, column_2, … when there is no header'),
  delimiter: delimiter
    .optional()
    .describe('Field delimiter, e.g. "," ";" "|" or "tab"; detected from the file when omitted'),
  hasHeader: z.boolean().optional().describe('Whether the first row is a header; detected when omitted'),
  sampleRows: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Profile only the first N data rows (a quick look at a huge file)'),
});

export interface AnalyzeCsvOptions {
  /** Bundle to start profiler worker threads from; without it large files are profiled in one thread. */
  workerScript?: string | URL;
  workers?: number;
}

export function registerAnalyzeCsv(server: TaskServer, options: AnalyzeCsvOptions = {}): void {
  server.taskTool({
    name: 'analyze_csv',
    title: 'Profile a CSV file',
    description:
      'Profiles a CSV file in one streaming pass: dialect (delimiter, quoting, header, encoding), and per column ' +
      'the inferred type, counts, nulls, distinct values, min/max, mean, standard deviation, quartiles, top values, ' +
      'a histogram and text lengths. Handles files of any size in bounded memory; run it as a task for large ' +
      'files to see progress and cancel.',
    input: analyzeCsvInput,
    output: profileSchema,
    taskSupport: 'optional',
    annotations: { readOnlyHint: true, openWorldHint: false },
    async run(args, ctx) {
      let path: string;
      try {
        path = await server.roots.resolve(args.filePath, 'file');
      } catch (error) {
        return errorResult((error as Error).message);
      }
      ctx.progress(0, undefined, `Reading ${args.filePath}`);
      try {
        const profile = await profileCsv(path, {
          columns: args.columns,
          delimiter: args.delimiter,
          hasHeader: args.hasHeader,
          sampleRows: args.sampleRows,
          signal: ctx.signal,
          displayPath: args.filePath,
          workerScript: options.workerScript,
          workers: options.workers,
          onProgress: (bytesRead, totalBytes, rows) =>
            ctx.progress(bytesRead, totalBytes, readingMessage(bytesRead, totalBytes, rows)),
        });
        return textResult(summarizeProfile(profile), profile);
      } catch (error) {
        if (error instanceof CsvInputError)
          return errorResult(`Cannot profile ${args.filePath}: ${error.message}`);
        throw error;
      }
    },
  });
}

/**
 * The status beside the bar: bytes, as the bar measures them, and rows once they are counted
 * (worker threads count theirs only at the end, so "0 rows so far" would be untrue).
 */
export function readingMessage(bytesRead: number, totalBytes: number, rows: number): string {
  const read = `Read ${formatBytes(bytesRead)} of ${formatBytes(totalBytes)}`;
  return rows > 0 ? `${read} · ${rows.toLocaleString('en-US')} rows` : read;
}

import { randomInt } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { dataDir } from '@taskdeck/node-common/environment';
import { formatBytes } from '@taskdeck/node-common/format-bytes';
import { errorResult, type TaskServer, textResult } from '@taskdeck/task-runtime/task-server';
import { z } from 'zod';
import { writeSampleData } from './sample-data.js';

export const MAX_SAMPLE_RECORDS = 10_000_000;

export const generateSampleDataInput = z.strictObject({
  format: z.enum(['csv', 'json']).describe('csv: a header and one row per record; json: an array of objects'),
  recordCount: z.number().int().min(1).max(MAX_SAMPLE_RECORDS).describe('How many records, 1 to 10,000,000'),
  outputPath: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Absolute path of the file to write (its folder must be granted); default: the Taskdeck data folder',
    ),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .optional()
    .describe('Same seed, same data; random when omitted (the result tells which seed was used)'),
  overwrite: z.boolean().optional().describe('Replace outputPath if it exists (default false)'),
});

export const generateSampleDataOutput = z.object({
  path: z.string().describe('The file written'),
  format: z.enum(['csv', 'json']),
  recordCount: z.number().int(),
  bytes: z.number().int(),
  seed: z.number().int(),
  elapsedMs: z.number(),
});

export function registerGenerateSampleData(server: TaskServer): void {
  server.taskTool({
    name: 'generate_sample_data',
    title: 'Generate sample data',
    description:
      'Writes realistic order records (ids, names, e-mails, countries, categories, amounts, timestamps, free text ' +
      'with commas and quotes, some empty values) as CSV or JSON; the same seed gives the same file. Run as a task ' +
      'for large counts: progress by records written, and a cancel removes the partial file.',
    input: generateSampleDataInput,
    output: generateSampleDataOutput,
    taskSupport: 'optional',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    async run(args, ctx) {
      const started = performance.now();
      const seed = args.seed ?? randomInt(2 ** 32);
      let path: string;
      try {
        path = await outputPath(server, args, seed);
      } catch (error) {
        return errorResult((error as Error).message);
      }
      const { recordCount } = args;
      ctx.progress(0, recordCount, `Writing ${recordCount.toLocaleString('en-US')} records`);
      const { bytes } = await writeSampleData({
        format: args.format,
        recordCount,
        seed,
        path,
        signal: ctx.signal,
        onProgress: (written) =>
          ctx.progress(
            written,
            recordCount,
            `${written.toLocaleString('en-US')} of ${recordCount.toLocaleString('en-US')} records written`,
          ),
      });
      const result = {
        path,
        format: args.format,
        recordCount,
        bytes,
        seed,
        elapsedMs: Math.round(performance.now() - started),
      };
      return textResult(
        `Wrote ${recordCount.toLocaleString('en-US')} ${args.format.toUpperCase()} records (${formatBytes(bytes)}, seed ${seed}) to ${path}`,
        result,
      );
    },
  });
}

/** The checked output path: inside the roots when given (and not silently replaced), else in the data folder. */
async function outputPath(
  server: TaskServer,
  args: z.output<typeof generateSampleDataInput>,
  seed: number,
): Promise<string> {
  if (args.outputPath === undefined) {
    const folder = join(dataDir(), 'samples');
    await mkdir(folder, { recursive: true });
    // Same count and seed give the same content, so replacing that file is harmless.
    return join(folder, `sample-${args.recordCount}-seed${seed}.${args.format}`);
  }
  const path = await server.roots.resolveNew(args.outputPath);
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw new Error(`${args.outputPath} is a folder; give a file path.`);
  if (existing && !args.overwrite) {
    throw new Error(`${args.outputPath} already exists; choose another path or set overwrite to true.`);
  }
  return path;
}

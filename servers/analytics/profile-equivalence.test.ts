import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileCsv } from './csv-profiler.js';
import { type EquivalenceFile, writeEquivalenceFiles } from './test/equivalence-files.js';

/**
 * The profiler reads bytes (no string per field); before, it read every field as a
 * string. `test/golden/` holds what the string-based profiler said about these files,
 * in one thread and on two workers: the byte-based one must say exactly the same, field
 * by field (types, counts, nulls, distinct counts and their estimates, quantiles, top
 * values and their error bounds, histograms, lengths, min and max, dialect, ragged and
 * malformed rows, warnings). Estimates are equal too: the same values reach the same
 * sketches in the same order, hashed as before (a UTF-8 value hashes as its string did).
 */
const dir = mkdtempSync(join(tmpdir(), 'analytics-equivalence-'));
const script = join(dir, 'worker.mjs');
let files: EquivalenceFile[] = [];

beforeAll(async () => {
  files = await writeEquivalenceFiles(dir);
  const entry = join(dir, 'entry.ts');
  writeFileSync(
    entry,
    `import { isProfilerWorker, runProfilerWorker } from ${JSON.stringify(join(import.meta.dirname, 'profiler-worker.ts'))};\n` +
      'if (isProfilerWorker()) runProfilerWorker();\n',
  );
  await build({
    entryPoints: [entry],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'error',
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const golden = (name: string, mode: string) =>
  JSON.parse(
    readFileSync(
      join(import.meta.dirname, 'test', 'golden', `${name.replace(/\.csv$/, '')}.${mode}.json`),
      'utf8',
    ),
  );

describe('the byte-based profiler against the string-based one', () => {
  for (const mode of ['thread', 'workers'] as const) {
    it(`gives the same profiles, field by field (${mode === 'thread' ? 'in one thread' : 'on two workers'})`, async () => {
      expect(files.length).toBe(5);
      for (const file of files) {
        const options =
          mode === 'thread'
            ? { chunkBytes: file.chunkBytes }
            : { chunkBytes: file.chunkBytes, workerScript: script, workers: 2, workerMinBytes: 0 };
        const { elapsedMs, ...profile } = await profileCsv(file.path, { ...options, displayPath: file.name });
        expect(elapsedMs).toBeGreaterThan(0);
        // Through JSON, as the result travels (and as the golden files were written).
        expect(JSON.parse(JSON.stringify(profile)), file.name).toEqual(golden(file.name, mode));
      }
    });
  }
});

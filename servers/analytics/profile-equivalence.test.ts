import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileCsv } from './csv-profiler.js';
import type { ColumnProfile, CsvProfile } from './profile-schema.js';
import { type EquivalenceFile, writeEquivalenceFiles } from './test/equivalence-files.js';
import { columnValues, type Reference } from './test/reference-values.js';
import { bundleProfilerWorker } from './test/worker-bundle.js';

/**
 * The profiler reads bytes and counts low-cardinality columns in a dictionary; before, it
 * read every field as a string and streamed every value through every sketch.
 * `test/golden/` holds what that profiler said about these files, in one thread and on two
 * workers. The new profiles must say the same, field by field (types, counts, nulls,
 * distinct counts and their estimates, top values and their error bounds, min, max,
 * lengths, dialect, ragged and malformed rows, warnings). The numeric summaries are held
 * to the truth instead, computed here from the file: means and deviations to 1e-9, exact
 * quantiles exactly (and never less often exact than before), sampled ones within 2 % of
 * rank, every histogram bin's count exactly. (They differ from the golden ones: counted
 * columns now have exact quantiles, samples are drawn in another order, and a binning
 * fix put small negative values below zero.)
 */
const dir = mkdtempSync(join(tmpdir(), 'analytics-equivalence-'));
const script = join(dir, 'worker.mjs');
let files: EquivalenceFile[] = [];

beforeAll(async () => {
  files = await writeEquivalenceFiles(dir);
  await bundleProfilerWorker(script);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const golden = (name: string, mode: string): CsvProfile =>
  JSON.parse(
    readFileSync(
      join(import.meta.dirname, 'test', 'golden', `${name.replace(/\.csv$/, '')}.${mode}.json`),
      'utf8',
    ),
  );

/** The numeric summary left out, for comparing the rest with the golden profile. */
const withoutNumbers = (c: ColumnProfile) => ({ ...c, mean: 0, stddev: 0, quantiles: null, histogram: null });

/** A statistic as a number: dates and datetimes as epoch seconds. */
const toNumber = (x: number | string) => (typeof x === 'number' ? x : Date.parse(x) / 1000);

/** `actual` within 1e-9 of `expected`, or within `shownTo` (what its text shows: a day, a millisecond). */
function expectClose(
  actual: number | string | null,
  expected: number | null,
  what: string,
  shownTo = 0,
): void {
  if (expected === null || !Number.isFinite(expected)) {
    expect(actual, what).toBeNull();
    return;
  }
  const x = toNumber(actual as number | string);
  expect(Math.abs(x - expected), what).toBeLessThanOrEqual(shownTo + 1e-9 * Math.max(1, Math.abs(expected)));
}

function checkNumbers(c: ColumnProfile, ref: Reference, was: ColumnProfile, what: string): void {
  const days = c.type === 'date' || c.type === 'datetime' ? 86_400 : 1;
  const shownTo = c.type === 'date' ? 86_400 : c.type === 'datetime' ? 0.001 : 0;
  expectClose(c.mean, ref.mean, `${what} mean`, shownTo);
  expectClose(c.stddev === null ? null : c.stddev * days, ref.stddev, `${what} stddev`);
  const quantiles = c.quantiles as NonNullable<ColumnProfile['quantiles']>;
  if (was.quantiles?.exact) expect(quantiles.exact, `${what} quantiles stay exact`).toBe(true);
  for (const [q, shown] of [
    [0.25, quantiles.p25],
    [0.5, quantiles.p50],
    [0.75, quantiles.p75],
  ] as const) {
    if (quantiles.exact) {
      expectClose(shown, ref.quantile(q), `${what} p${q * 100}`, shownTo);
    } else {
      const [below, atMost] = ref.rank(toNumber(shown));
      expect(q, `${what} p${q * 100} rank`).toBeGreaterThanOrEqual(below - 0.02);
      expect(q, `${what} p${q * 100} rank`).toBeLessThanOrEqual(atMost + 0.02);
    }
  }
  const histogram = c.histogram as NonNullable<ColumnProfile['histogram']>;
  let total = 0;
  for (const bin of histogram.bins) {
    const [from, to] = [toNumber(bin.from), toNumber(bin.to)];
    // Date bins name whole days: the last second of `to` is in the bin.
    const upper = c.type === 'date' ? to + 86_400 : to;
    const count =
      histogram.inclusive && c.type !== 'date'
        ? ref.countIn(from, upper, true)
        : ref.countIn(from, upper, false);
    expect(bin.count, `${what} bin ${bin.from}…${bin.to}`).toBe(count);
    total += bin.count;
  }
  expect(total, `${what} histogram total`).toBe(ref.values.length);
}

describe('the byte-based profiler against the string-based one', () => {
  for (const mode of ['thread', 'workers'] as const) {
    it(`gives the same profiles, field by field, and the true numeric summaries (${mode === 'thread' ? 'in one thread' : 'on two workers'})`, async () => {
      expect(files.length).toBe(5);
      for (const file of files) {
        const options =
          mode === 'thread'
            ? { chunkBytes: file.chunkBytes }
            : { chunkBytes: file.chunkBytes, workerScript: script, workers: 2, workerMinBytes: 0 };
        const { elapsedMs, ...profile } = await profileCsv(file.path, { ...options, displayPath: file.name });
        expect(elapsedMs).toBeGreaterThan(0);
        // Through JSON, as the result travels (and as the golden files were written).
        const json: Omit<CsvProfile, 'elapsedMs'> = JSON.parse(JSON.stringify(profile));
        const was = golden(file.name, mode);
        expect({ ...json, columns: json.columns.map(withoutNumbers) }, file.name).toEqual({
          ...was,
          columns: was.columns.map(withoutNumbers),
        });
        for (const [i, c] of json.columns.entries()) {
          const what = `${file.name} ${c.name}`;
          const numeric = ['integer', 'float', 'date', 'datetime'].includes(c.type);
          if (!numeric) {
            expect([c.mean, c.stddev, c.quantiles, c.histogram], what).toEqual([null, null, null, null]);
            continue;
          }
          checkNumbers(c, columnValues(file.path, c, json.file), was.columns[i] as ColumnProfile, what);
        }
      }
    });
  }

  it('checks against the truth, not against itself: the string-based histograms fail it', () => {
    const was = golden('mixed.csv', 'thread');
    const column = was.columns.find((c) => c.name === 'int_col') as ColumnProfile;
    const file = files.find((f) => f.name === 'mixed.csv') as EquivalenceFile;
    expect(() =>
      checkNumbers(column, columnValues(file.path, column, was.file), column, 'string-based int_col'),
    ).toThrow(/bin/);
  });
});

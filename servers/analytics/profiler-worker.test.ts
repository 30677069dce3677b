import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileCsv } from './csv-profiler.js';
import type { CsvProfile } from './profile-schema.js';
import { bundleProfilerWorker } from './test/worker-bundle.js';

const dir = mkdtempSync(join(tmpdir(), 'analytics-workers-'));
const script = join(dir, 'worker.mjs');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => bundleProfilerWorker(script));

/** Merged means and deviations differ from sequential ones in the last bits of the double. */
const round = (x: number | string | null) => (typeof x === 'number' ? Number(x.toPrecision(12)) : x);
const comparable = (p: CsvProfile) => ({
  ...p,
  elapsedMs: 0,
  engine: { ...p.engine, workers: 0 },
  columns: p.columns.map((c) => ({ ...c, mean: round(c.mean), stddev: round(c.stddev) })),
});

describe('profiling on worker threads', () => {
  it('gives exactly the in-thread profile (chunks spread over workers, out-of-order reports)', async () => {
    const rows = Array.from(
      { length: 6000 },
      (_, i) =>
        `${i},"n${i % 97}, ""q""",${(i % 13) * 1.5},2024-01-${String((i % 28) + 1).padStart(2, '0')}${i % 500 === 0 ? ',extra' : ''}`,
    );
    const path = join(dir, 'data.csv');
    writeFileSync(path, `id,name,score,day\n${rows.join('\n')}\n`);
    const inThread = await profileCsv(path, { chunkBytes: 8 * 1024 });
    const threaded = await profileCsv(path, {
      chunkBytes: 8 * 1024,
      workerScript: script,
      workers: 3,
      workerMinBytes: 0,
    });
    expect(threaded.engine.workers).toBe(3);
    expect(inThread.raggedRows).toEqual({
      count: 12,
      firstLines: [2, 502, 1002, 1502, 2002, 2502, 3002, 3502, 4002, 4502],
    });
    expect(comparable(threaded)).toEqual(comparable(inThread));
  });

  it('counts the rows of a file read before any worker has reported', async () => {
    // A few chunks are read at once; the workers' reports come later, and the rows with them.
    const path = join(dir, 'small.csv');
    writeFileSync(path, 'name,score\na,1\nb,2\nc,3\n');
    const profile = await profileCsv(path, { workerScript: script, workers: 2, workerMinBytes: 0 });
    expect(profile.rows).toBe(3);
    expect(profile.columns.map((c) => c.count)).toEqual([3, 3]);
  });

  it('stops the workers when cancelled', async () => {
    const path = join(dir, 'big.csv');
    writeFileSync(path, `a,b\n${Array.from({ length: 200_000 }, (_, i) => `${i},x${i}`).join('\n')}\n`);
    const controller = new AbortController();
    let reads = 0;
    const run = profileCsv(path, {
      chunkBytes: 16 * 1024,
      workerScript: script,
      workers: 2,
      workerMinBytes: 0,
      signal: controller.signal,
      onProgress: () => {
        if (++reads === 3) controller.abort(new Error('cancelled by test'));
      },
    });
    await expect(run).rejects.toThrow('cancelled by test');
    expect(reads).toBe(3);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CountPool } from './count-pool.js';

describe('CountPool', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses work once its threads have died, instead of waiting for them forever', async () => {
    dir = mkdtempSync(join(tmpdir(), 'count-pool-'));
    const dying = join(dir, 'dying.mjs');
    writeFileSync(dying, 'process.exit(3);\n');
    const pool = new CountPool(1, pathToFileURL(dying));
    try {
      // The thread starts and exits on its own; wait until the pool has seen it go.
      const live = () => (pool as unknown as { workers: unknown[] }).workers.length;
      for (let waited = 0; live() > 0 && waited < 10_000; waited += 20)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const answer = Promise.race([
        pool.run([]),
        new Promise((_, reject) => setTimeout(() => reject(new Error('the batch never settled')), 5000)),
      ]);
      await expect(answer).rejects.toThrow('no file counter thread is left');
    } finally {
      pool.close();
    }
  });
});

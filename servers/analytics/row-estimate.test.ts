import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { estimateCsvRows } from './row-estimate.js';
import { writeSampleData } from './sample-data.js';

const dir = mkdtempSync(join(tmpdir(), 'analytics-estimate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('estimateCsvRows', () => {
  it('counts small files exactly, header excluded, quoted newlines included', async () => {
    const path = join(dir, 'small.csv');
    writeFileSync(path, 'a,b\n1,"x\ny"\n2,z\n');
    expect(await estimateCsvRows(path)).toBe(2);
    writeFileSync(path, '1,2\n3,4\n5,6\n');
    expect(await estimateCsvRows(path)).toBe(3);
    writeFileSync(path, '');
    expect(await estimateCsvRows(path)).toBe(0);
  });

  it('estimates large files within 10 % from their first 64 KB', async () => {
    const path = join(dir, 'large.csv');
    await writeSampleData({ format: 'csv', recordCount: 20_000, seed: 5, path });
    const estimate = await estimateCsvRows(path);
    expect(Math.abs(estimate - 20_000) / 20_000).toBeLessThan(0.1);
  });

  it('rejects what is not CSV text, and missing files', async () => {
    const path = join(dir, 'binary.bin');
    writeFileSync(path, Buffer.from([0, 1, 2, 3, 0, 0]));
    await expect(estimateCsvRows(path)).rejects.toThrow(/not a CSV text file/);
    await expect(estimateCsvRows(join(dir, 'missing.csv'))).rejects.toThrow(/ENOENT/);
  });
});

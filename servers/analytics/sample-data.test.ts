import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { profileCsv } from './csv-profiler.js';
import { SAMPLE_COLUMNS, writeSampleData } from './sample-data.js';

const dir = mkdtempSync(join(tmpdir(), 'analytics-sample-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeSampleData', () => {
  it('writes the same CSV for the same seed and a different one for another seed', async () => {
    const a = join(dir, 'a.csv');
    const b = join(dir, 'b.csv');
    const c = join(dir, 'c.csv');
    await writeSampleData({ format: 'csv', recordCount: 500, seed: 9, path: a });
    await writeSampleData({ format: 'csv', recordCount: 500, seed: 9, path: b });
    await writeSampleData({ format: 'csv', recordCount: 500, seed: 10, path: c });
    expect(readFileSync(a)).toEqual(readFileSync(b));
    expect(readFileSync(a)).not.toEqual(readFileSync(c));
  });

  it('produces realistic CSV that profiles with the expected types, quoting and empties', async () => {
    const path = join(dir, 'orders.csv');
    const { bytes } = await writeSampleData({ format: 'csv', recordCount: 3000, seed: 1, path });
    const text = readFileSync(path, 'utf8');
    expect(Buffer.byteLength(text)).toBe(bytes);
    expect(text).toMatch(/"[^"\n]*,[^"\n]*"/); // a quoted comma
    expect(text).toContain('""'); // an escaped quote
    const p = await profileCsv(path);
    expect(p.rows).toBe(3000);
    expect(p.raggedRows.count).toBe(0);
    expect(p.warnings).toEqual([]);
    const types = Object.fromEntries(p.columns.map((c) => [c.name, c.type]));
    expect(types).toEqual({
      order_id: 'integer',
      customer: 'string',
      email: 'string',
      country: 'string',
      category: 'string',
      amount: 'float',
      quantity: 'integer',
      ordered_at: 'datetime',
      ship_date: 'date',
      express: 'boolean',
      rating: 'integer',
      note: 'string',
    });
    const byName = Object.fromEntries(p.columns.map((c) => [c.name, c]));
    expect(byName.order_id).toMatchObject({ min: 1, max: 3000, distinct: { count: 3000, exact: true } });
    expect(byName.rating?.empty).toBeGreaterThan(0);
    expect(byName.note?.empty).toBeGreaterThan(0);
  });

  it('writes a JSON array of records', async () => {
    const path = join(dir, 'orders.json');
    await writeSampleData({ format: 'json', recordCount: 50, seed: 2, path });
    const records = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>[];
    expect(records).toHaveLength(50);
    expect(Object.keys(records[0] ?? {})).toEqual([...SAMPLE_COLUMNS]);
    expect(records[49]?.order_id).toBe(50);
  });

  it('removes the partial file when cancelled, and reports progress by records', async () => {
    const path = join(dir, 'cancelled.csv');
    const controller = new AbortController();
    const progress: number[] = [];
    const run = writeSampleData({
      format: 'csv',
      recordCount: 1_000_000,
      seed: 3,
      path,
      signal: controller.signal,
      onProgress: (written) => {
        progress.push(written);
        if (written >= 10_000) controller.abort(new Error('cancelled'));
      },
    });
    await expect(run).rejects.toThrow('cancelled');
    expect(progress.slice(0, 2)).toEqual([2000, 4000]);
    expect(readdirSync(dir).filter((f) => f.startsWith('cancelled'))).toEqual([]);
  });

  it('never replaces an existing file half-way: writes beside it and renames at the end', async () => {
    const path = join(dir, 'existing.csv');
    writeFileSync(path, 'keep');
    await writeSampleData({ format: 'csv', recordCount: 10, seed: 4, path });
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(12);
  });
});

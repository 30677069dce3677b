import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ProfileOptions, profileCsv, summarizeProfile } from './csv-profiler.js';
import { CsvInputError } from './file-sniff.js';
import type { ColumnProfile, CsvProfile } from './profile-schema.js';
import { profileSchema } from './profile-schema.js';

const dir = mkdtempSync(join(tmpdir(), 'analytics-profiler-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileNo = 0;
function fixture(content: string | Buffer, name = `f${++fileNo}.csv`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function profile(content: string | Buffer, options: ProfileOptions = {}): Promise<CsvProfile> {
  const result = await profileCsv(fixture(content), options);
  profileSchema.parse(result); // every profile matches the advertised outputSchema
  return result;
}

function column(p: CsvProfile, name: string): ColumnProfile {
  const c = p.columns.find((x) => x.name === name);
  if (!c) throw new Error(`no column ${name}`);
  return c;
}

async function rejects(
  content: string | Buffer,
  message: RegExp,
  options: ProfileOptions = {},
): Promise<void> {
  const path = fixture(content);
  await expect(profileCsv(path, options)).rejects.toThrow(CsvInputError);
  await expect(profileCsv(path, options)).rejects.toThrow(message);
}

describe('profileCsv on tricky files', () => {
  it('reads a BOM, CRLF, quoted delimiters, doubled quotes and embedded newlines, with exact statistics', async () => {
    const p = await profile(
      '\uFEFFid,name,score,joined,active,comment\r\n' +
        '1,"Smith, Ann",3.5,2024-01-15,true,"said ""hi""\r\nthen left"\r\n' +
        '2,Bob,4,2024-02-01,false,\r\n' +
        '3,"Chloé",,2024-02-29,true,plain\r\n',
    );
    expect(p.file).toMatchObject({
      encoding: 'utf-8',
      bom: true,
      lineEnding: 'crlf',
      delimiter: ',',
      hasHeader: true,
    });
    expect(p.rows).toBe(3);
    expect(p.columnCount).toBe(6);
    expect(p.complete).toBe(true);
    expect(p.raggedRows).toEqual({ count: 0, firstLines: [] });
    expect(p.warnings).toEqual([]);

    expect(column(p, 'id')).toEqual({
      name: 'id',
      index: 0,
      type: 'integer',
      count: 3,
      nulls: 0,
      empty: 0,
      typeCounts: { integer: 3, float: 0, boolean: 0, date: 0, datetime: 0, string: 0 },
      // All distinct: said so, instead of three "top" values seen once each.
      distinct: { count: 3, exact: true, allDistinct: true },
      min: 1,
      max: 3,
      mean: 2,
      stddev: 1,
      quantiles: { p25: 1.5, p50: 2, p75: 2.5, exact: true },
      topValues: { values: [], exact: true, maxError: 0 },
      // Integer bins hold whole numbers, both ends included: the axis reads 1 … 3, not 1 … 4.
      histogram: {
        bins: [
          { from: 1, to: 1, count: 1 },
          { from: 2, to: 2, count: 1 },
          { from: 3, to: 3, count: 1 },
        ],
        inclusive: true,
      },
      length: { min: 1, max: 1, mean: 1 },
      truncated: false,
    });

    const name = column(p, 'name');
    expect(name).toMatchObject({
      type: 'string',
      count: 3,
      min: 'Bob',
      max: 'Smith, Ann',
      mean: null,
      histogram: null,
    });
    expect(name.length).toEqual({ min: 3, max: 10, mean: 6 });
    expect(name.quantiles).toBeNull();

    const score = column(p, 'score');
    expect(score).toMatchObject({
      type: 'float',
      count: 2,
      empty: 1,
      nulls: 0,
      min: 3.5,
      max: 4,
      mean: 3.75,
    });
    expect(score.typeCounts).toMatchObject({ integer: 1, float: 1 });
    expect(score.stddev).toBeCloseTo(Math.sqrt(0.125), 12);
    expect(score.quantiles).toEqual({ p25: 3.625, p50: 3.75, p75: 3.875, exact: true });
    const scoreBins = score.histogram?.bins ?? [];
    expect(scoreBins.reduce((sum, b) => sum + b.count, 0)).toBe(2);
    expect(scoreBins.length).toBeLessThanOrEqual(40);
    expect(scoreBins[0]).toMatchObject({ from: 3.5, count: 1 });
    expect(scoreBins.at(-1)).toMatchObject({ from: 4, count: 1 });

    const joined = column(p, 'joined');
    expect(joined).toMatchObject({
      type: 'date',
      count: 3,
      min: '2024-01-15',
      max: '2024-02-29',
      mean: '2024-02-04',
    });
    expect(joined.quantiles).toEqual({
      p25: '2024-01-23',
      p50: '2024-02-01',
      p75: '2024-02-15',
      exact: true,
    });
    // Days 0, 17, 45: sample variance (20.67² + 3.67² + 24.33²) / 2.
    expect(joined.stddev).toBeCloseTo(Math.sqrt(1032.6667 / 2), 3);
    const joinedBins = joined.histogram?.bins ?? [];
    expect(joinedBins.reduce((sum, b) => sum + b.count, 0)).toBe(3);
    // Day bins hold whole days, both ends included; the outer edges are the first and last date.
    expect(joined.histogram?.inclusive).toBe(true);
    expect(joinedBins[0]?.from).toBe('2024-01-15');
    expect(joinedBins.at(-1)?.to).toBe('2024-02-29');
    for (const bin of joinedBins) {
      expect(bin.from).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(bin.from <= bin.to).toBe(true);
    }

    expect(column(p, 'active')).toMatchObject({
      type: 'boolean',
      count: 3,
      min: null,
      max: null,
      histogram: null,
      topValues: {
        values: [
          { value: 'true', count: 2 },
          { value: 'false', count: 1 },
        ],
        exact: true,
      },
    });
    const comment = column(p, 'comment');
    expect(comment).toMatchObject({
      type: 'string',
      count: 2,
      empty: 1,
      min: 'plain',
      max: 'said "hi"\r\nthen left',
    });
  });

  it('detects semicolons and reports ragged rows with their line numbers without failing', async () => {
    const p = await profile('a;b;c\n1;x;2.5\n2;y\n3;z;4;extra\n4;w;5\n');
    expect(p.file.delimiter).toBe(';');
    expect(p.file.lineEnding).toBe('lf');
    expect(p.rows).toBe(4);
    expect(p.raggedRows).toEqual({ count: 2, firstLines: [3, 4] });
    expect(p.warnings.join('\n')).toMatch(/2 row\(s\) do not have 3 fields \(lines 3, 4\)/);
    expect(column(p, 'c')).toMatchObject({ type: 'float', count: 3, nulls: 1, min: 2.5, max: 5 });
    expect(column(p, 'a')).toMatchObject({ type: 'integer', count: 4, min: 1, max: 4 });
  });

  it('reads tab- and pipe-delimited files and honours an explicit delimiter', async () => {
    expect((await profile('x\ty\n1\t2\n3\t4\n')).file.delimiter).toBe('\t');
    expect((await profile('x|y\n1|2\n3|4\n')).file.delimiter).toBe('|');
    const forced = await profile('x;y,z\n1;2,3\n', { delimiter: ',' });
    expect(forced.file.delimiter).toBe(',');
    expect(forced.columns.map((c) => c.name)).toEqual(['x;y', 'z']);
  });

  it('counts line numbers across quoted newlines and reports malformed quoting', async () => {
    const p = await profile('k,v\n1,"a\nb\nc"\n2,x"y\n3,"q"tail\n4,ok,extra\n5,ok\n');
    expect(p.rows).toBe(5);
    expect(p.raggedRows.firstLines).toEqual([7]);
    expect(p.warnings.join('\n')).toMatch(/2 row\(s\) have malformed quoting.*lines 5, 6/);
    expect(
      column(p, 'v')
        .topValues.values.map((v) => v.value)
        .sort(),
    ).toEqual(['a\nb\nc', 'ok', 'qtail', 'x"y']);
  });

  it('reports a quote that is never closed', async () => {
    const p = await profile('k,v\n1,ok\n2,"never closed\n3,x\n');
    expect(p.rows).toBe(2);
    expect(p.warnings.join('\n')).toMatch(/opened on line 3 is never closed/);
  });

  it('treats a first row with numbers as data, and names the columns column_N', async () => {
    const p = await profile('1,2\n3,4\n');
    expect(p.file.hasHeader).toBe(false);
    expect(p.rows).toBe(2);
    expect(p.columns.map((c) => c.name)).toEqual(['column_1', 'column_2']);
    const forced = await profile('a,b\nc,d\n', { hasHeader: false });
    expect(forced.rows).toBe(2);
  });

  it('names blank and duplicate headers', async () => {
    const p = await profile('a,,a\n1,2,3\n');
    expect(p.columns.map((c) => c.name)).toEqual(['a', 'column_2', 'a_2']);
    expect(p.warnings).toHaveLength(2);
  });

  it('decodes non-UTF-8 text as Latin-1 and says so', async () => {
    const p = await profile(Buffer.from('name,city\nJosé,Zürich\nAnn,Köln\n', 'latin1'));
    expect(p.file.encoding).toBe('latin-1');
    expect(p.warnings.join('\n')).toMatch(/not valid UTF-8.*Latin-1/);
    expect(column(p, 'name').max).toBe('José');
    expect(column(p, 'city').max).toBe('Zürich');
  });

  it('profiles a row with a 3 MB field (delimiters and newlines inside) and shows it cut, saying so', async () => {
    const huge = `${'x,y\n'.repeat(750_000)}`;
    const p = await profile(`id,text\n1,"${huge}"\n2,short\n3,short\n`, { chunkBytes: 64 * 1024 });
    expect(p.rows).toBe(3);
    const text = column(p, 'text');
    expect(text.length).toEqual({ min: 5, max: huge.length, mean: (huge.length + 10) / 3 });
    expect(text.truncated).toBe(true);
    const cut = `${huge.slice(0, 200)}… (3,000,000 chars`;
    expect(text.max).toBe(`${cut})`);
    expect(text.min).toBe('short');
    const top = text.topValues.values.map((v) => v.value);
    expect(top[0]).toBe('short');
    expect(top[1]?.startsWith(`${cut}, #`)).toBe(true);
    expect(Math.max(...top.map((k) => k.length))).toBeLessThan(300);
    expect(p.warnings.join('\n')).toMatch(
      /Text values longer than 200 characters are cut in min, max and top values .* in 1 column: "text"\./,
    );
    expect(summarizeProfile(p)).toMatch(/Text values longer than 200 characters are cut/);
    expect(column(p, 'id').truncated).toBe(false);
  });

  it('types a column with a few stray texts as string and warns with an example', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i}`);
    rows[7] = 'n.a.';
    const p = await profile(`v\n${rows.join('\n')}\n`);
    expect(column(p, 'v')).toMatchObject({ type: 'string', min: 'n.a.', max: 'n.a.' });
    expect(column(p, 'v').typeCounts).toMatchObject({ integer: 39, string: 1 });
    expect(p.warnings.join('\n')).toMatch(/"v": 1 of 40 values are text \(e\.g\. "n\.a\."\)/);
  });

  it('counts null tokens separately from empty values, and absent values of short rows as nulls', async () => {
    const p = await profile('a,b\nNULL,1\n ,2\nN/A,3\nx\n');
    expect(column(p, 'a')).toMatchObject({ count: 1, nulls: 2, empty: 1 });
    expect(column(p, 'b')).toMatchObject({ count: 3, nulls: 1, empty: 0 });
  });

  it('infers datetimes with zones, keeps zero-padded codes as text (min/max over the text values)', async () => {
    const p = await profile(
      't,zip\n2024-03-01T10:00:00Z,00501\n2024-03-01 12:30:00+02:00,02134\n2024-03-02T00:00:00.5,90210\n',
    );
    const t = column(p, 't');
    expect(t).toMatchObject({
      type: 'datetime',
      min: '2024-03-01T10:00:00Z',
      max: '2024-03-02T00:00:00.500Z',
    });
    expect(t.typeCounts.datetime).toBe(3);
    expect(column(p, 'zip')).toMatchObject({ type: 'string', min: '00501', max: '02134' });
    expect(column(p, 'zip').typeCounts).toMatchObject({ integer: 1, string: 2 });
  });

  it('warns about NUL bytes past the checked head', async () => {
    const head = `a,b\n${'1,2\n'.repeat(300_000)}`;
    const p = await profile(Buffer.concat([Buffer.from(head), Buffer.from([0x33, 0x00, 0x2c, 0x34, 0x0a])]));
    expect(p.rows).toBe(300_001);
    expect(p.warnings.join('\n')).toMatch(/NUL bytes \(binary data\) in the block read from byte/);
  });

  it('skips blank lines and says how many', async () => {
    const p = await profile('a\n1\n\n2\n\n');
    expect(p.rows).toBe(2);
    expect(p.warnings).toContain('2 blank line(s) were skipped.');
  });

  it('profiles only the selected columns, and stops after sampleRows', async () => {
    const body = Array.from({ length: 500 }, (_, i) => `${i},${i % 7},x${i}`).join('\n');
    const p = await profile(`a,b,c\n${body}\n`, { columns: ['c', 'a'], sampleRows: 100, chunkBytes: 1024 });
    expect(p.columns.map((c) => c.name)).toEqual(['a', 'c']);
    expect(p.rows).toBe(100);
    expect(p.complete).toBe(false);
    expect(column(p, 'a').max).toBe(99);
    expect(p.warnings).toContain('Only the first 100 rows were profiled (sampleRows).');
  });

  it('switches to approximate distinct counts, quantiles and top values beyond the exact limits', async () => {
    const rows = Array.from({ length: 60_000 }, (_, i) => `${i},${i % 3 === 0 ? 'hot' : `v${i}`}`);
    const p = await profile(`n,s\n${rows.join('\n')}\n`, { chunkBytes: 256 * 1024 });
    const n = column(p, 'n');
    expect(n.distinct.exact).toBe(false);
    expect(Math.abs(n.distinct.count - 60_000) / 60_000).toBeLessThan(0.03);
    expect(n.quantiles?.exact).toBe(false);
    expect(Math.abs((n.quantiles?.p50 as number) - 30_000)).toBeLessThan(60_000 * 0.02);
    expect(n.min).toBe(0);
    expect(n.max).toBe(59_999);
    expect(n.mean).toBeCloseTo(29_999.5, 6);
    const s = column(p, 's');
    expect(s.topValues.exact).toBe(false);
    const hot = s.topValues.values[0];
    expect(hot?.value).toBe('hot');
    // A lower bound, at most maxError below the true 20,000.
    expect(hot?.count).toBeLessThanOrEqual(20_000);
    expect((hot?.count ?? 0) + s.topValues.maxError).toBeGreaterThanOrEqual(20_000);
    // Histogram counts stay exact.
    expect((n.histogram?.bins ?? []).reduce((sum, b) => sum + b.count, 0)).toBe(60_000);
  });

  it('gives the same profile whatever the chunk size (chunk boundaries inside quoted fields)', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `${i},"q${i},""x""\ny",${(i * 0.37).toFixed(2)}`);
    const content = `a,b,c\n${rows.join('\r\n')}\r\n`;
    const small = await profile(content, { chunkBytes: 97 });
    const large = await profile(content);
    expect(small.rows).toBe(3000);
    expect({ ...small, elapsedMs: 0, file: { ...small.file, path: '' } }).toEqual({
      ...large,
      elapsedMs: 0,
      file: { ...large.file, path: '' },
    });
  });

  it('reports progress by bytes read with the rows so far, and stops at once when cancelled', async () => {
    const content = `a,b\n${Array.from({ length: 20_000 }, (_, i) => `${i},x${i}`).join('\n')}\n`;
    const path = fixture(content);
    const progress: [number, number, number][] = [];
    await profileCsv(path, { chunkBytes: 16 * 1024, onProgress: (...args) => progress.push(args) });
    expect(progress.length).toBeGreaterThan(5);
    expect(progress.at(-1)?.[0]).toBe(Buffer.byteLength(content));
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]?.[0]).toBeGreaterThan(progress[i - 1]?.[0] ?? 0);
      expect(progress[i]?.[2]).toBeGreaterThanOrEqual(progress[i - 1]?.[2] ?? 0);
    }
    // Reported on each read, before that chunk is profiled: rows lag by at most one chunk.
    expect(progress.at(-1)?.[2]).toBeGreaterThan(15_000);
    expect(progress.at(-1)?.[1]).toBe(Buffer.byteLength(content));

    const controller = new AbortController();
    let calls = 0;
    const run = profileCsv(path, {
      chunkBytes: 16 * 1024,
      signal: controller.signal,
      onProgress: () => {
        if (++calls === 2) controller.abort(new Error('stop'));
      },
    });
    await expect(run).rejects.toThrow('stop');
    expect(calls).toBe(2);
  });

  it('says an id column is all distinct, never estimating more values than rows, and bins a rating 1…5', async () => {
    // 248,370 unique ids: a HyperLogLog alone says 251,163 (issue 11, item 15).
    const rows = 248_370;
    const body = Array.from({ length: rows }, (_, i) => `${i + 1},${(i % 5) + 1}`).join('\n');
    const p = await profile(`id,rating\n${body}\n`);
    const id = column(p, 'id');
    expect(id.distinct).toEqual({ count: rows, exact: false, allDistinct: true });
    expect(id.topValues.values).toEqual([]);
    expect(id.histogram?.bins[0]?.from).toBe(1);
    expect(id.histogram?.bins.at(-1)?.to).toBe(rows);
    const rating = column(p, 'rating');
    expect(rating.distinct).toEqual({ count: 5, exact: true, allDistinct: false });
    expect(rating.histogram?.bins.map((b) => [b.from, b.to])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
      [5, 5],
    ]);
    const text = summarizeProfile(p);
    expect(text).toMatch(/- id: integer, 1 … 248370, all 248,370 distinct \(estimated\), 0 missing/);
    expect(text).toMatch(/- rating: integer, 1 … 5, 5 distinct, 0 missing/);
  });

  it('gives the columns of a wide file smaller sketches, and says so when it made a statistic approximate', async () => {
    const columns = 1000;
    const header = Array.from({ length: columns }, (_, j) => `c${j}`).join(',');
    const rows = Array.from({ length: 800 }, (_, r) => Array(columns).fill(r).join(',')).join('\n');
    const p = await profile(`${header}\n${rows}\n`);
    // 1,000 columns: 754 distinct values counted exactly, then a 4,096-register HyperLogLog.
    expect(column(p, 'c0').distinct).toEqual({ count: 800, exact: false, allDistinct: true });
    expect(column(p, 'c0').quantiles?.exact).toBe(true);
    expect(p.warnings).toContain(
      "With 1,000 columns, each column's statistics get less memory: distinct values are counted exactly up to 754 " +
        '(then estimated, about ±1.6 %), quantiles exactly up to 4,096 values (then from a sample of that many), ' +
        'top values by 128 counters.',
    );
    const narrow = await profile(`a,b\n${Array.from({ length: 800 }, (_, r) => `${r},${r}`).join('\n')}\n`);
    expect(narrow.warnings).toEqual([]);
  });

  it('summarizes a profile in a few readable lines', async () => {
    const p = await profile('city,pop\nOslo,700000\nBergen,285000\n');
    const text = summarizeProfile(p);
    expect(text).toMatch(/2 rows × 2 columns/);
    expect(text).toMatch(/- pop: integer, 285000 … 700000, all 2 distinct, 0 missing/);
  });
});

describe('profileCsv bad input', () => {
  it('rejects a missing file, a folder and a non-regular file', async () => {
    await expect(profileCsv(join(dir, 'nope.csv'))).rejects.toThrow(/File not found/);
    const folder = join(dir, 'folder.csv');
    mkdirSync(folder, { recursive: true });
    await expect(profileCsv(folder)).rejects.toThrow(/is a folder, not a file/);
    await expect(profileCsv('/dev/null')).rejects.toThrow(/not a regular file/);
  });

  it('rejects an empty file, a header without rows, and blank lines only', async () => {
    await rejects('', /empty \(0 bytes\)/);
    await rejects('a,b,c\n', /header row but no data rows/);
    await rejects('a,b,c', /header row but no data rows/);
    await rejects('\n\n\r\n', /no data: only blank lines/);
  });

  it('rejects binary files, naming what they are when known', async () => {
    await rejects(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), /PNG image/);
    await rejects(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), /ZIP archive \(or an Excel \.xlsx/);
    await rejects(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0]), /gzip-compressed/);
    const noise = Buffer.alloc(4096);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 256;
    await rejects(noise, /not a CSV text file: it contains binary data \(NUL bytes\)/);
    const controls = Buffer.from('a,b\n'.repeat(10) + '\x01\x02\x03\x04\x05'.repeat(20));
    await rejects(controls, /binary data \(many control characters\)/);
  });

  it('rejects UTF-16 and CR-only line endings with what to do instead', async () => {
    await rejects(
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n1,2\n', 'utf16le')]),
      /UTF-16.*save it as UTF-8/,
    );
    await rejects(Buffer.from('a,b\n1,2\n', 'utf16le'), /UTF-16 text without a byte-order mark/);
    await rejects('a,b\r1,2\r3,4\r', /CR-only line endings/);
  });

  it('refuses a record longer than the limit instead of reading it into memory', async () => {
    await rejects(
      `a,b\n1,${'x'.repeat(5000)}\n`,
      /record starting at byte 4 runs on for more than 1,000 bytes/,
      {
        maxRecordBytes: 1000,
        chunkBytes: 256,
      },
    );
    await rejects(`a,${'x'.repeat(5000)}\n1,2\n`, /byte 0 runs on for more than 1,000 bytes/, {
      maxRecordBytes: 1000,
    });
    await rejects(`a,"${'x'.repeat(5000)}\n`, /header row opens a quoted field that is never closed/);
  });

  it('refuses a 70 MB line at the default limit', async () => {
    const path = fixture(Buffer.alloc(70 * 1024 * 1024, 'a'));
    await expect(profileCsv(path)).rejects.toThrow(/runs on for more than 64 MB without ending/);
    rmSync(path);
  });

  it('names unknown columns and lists the ones the file has', async () => {
    await rejects('a,b\n1,2\n', /Unknown columns "x", "y"; the file has: a, b/, { columns: ['a', 'x', 'y'] });
  });
});

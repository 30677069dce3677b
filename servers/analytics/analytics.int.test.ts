import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { McpHarness, structured, textOf } from '../../test/mcp-harness.js';
import { generateSampleDataOutput } from './generate-sample-data-tool.js';
import { profileSchema } from './profile-schema.js';

const dir = mkdtempSync(join(tmpdir(), 'analytics-int-'));
const granted = join(dir, 'granted');
const other = join(dir, 'other');
mkdirSync(granted);
mkdirSync(other);
/** About 48 MB: above the size where the server profiles on worker threads. */
const bigFile = join(granted, 'big.csv');
const BIG_ROWS = 800_000;
const smallFile = join(granted, 'small.csv');

beforeAll(() => {
  const block = Array.from(
    { length: 10_000 },
    (_, i) =>
      `${i},"Name ${i % 300}, Jr.",${(i % 997) * 1.25},2024-05-${String((i % 28) + 1).padStart(2, '0')}T10:00:00,${i % 2 === 0},free text ${i % 50}`,
  ).join('\n');
  writeFileSync(bigFile, `id,name,amount,at,flag,note\n${`${block}\n`.repeat(BIG_ROWS / 10_000)}`);
  writeFileSync(
    smallFile,
    'city;population;founded\nOslo;709037;1040-01-01\n"Bergen";291940;1070-01-01\nTromsø;;1794-01-01\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let harness: McpHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(roots: string[] = [granted]): Promise<McpHarness> {
  harness = await McpHarness.start('analytics', { roots });
  return harness;
}

describe('analytics server over stdio', () => {
  it('lists both tools with input and output schemas and optional task support', async () => {
    const h = await start();
    const { tools } = await h.client.listTools();
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    for (const name of ['analyze_csv', 'generate_sample_data']) {
      expect(byName[name]?.execution?.taskSupport).toBe('optional');
      expect(byName[name]?.outputSchema?.type).toBe('object');
    }
    expect(Object.keys(byName.analyze_csv?.inputSchema.properties ?? {})).toEqual([
      'filePath',
      'columns',
      'delimiter',
      'hasHeader',
      'sampleRows',
    ]);
  });

  it('answers a small file inline with a profile and a readable summary', async () => {
    const h = await start();
    const { result } = await h.call('analyze_csv', { filePath: smallFile });
    expect(result.isError).toBeFalsy();
    const profile = structured(result, profileSchema);
    expect(profile.file).toMatchObject({ delimiter: ';', hasHeader: true, encoding: 'utf-8' });
    expect(profile.rows).toBe(3);
    const population = profile.columns.find((c) => c.name === 'population');
    expect(population).toMatchObject({
      type: 'integer',
      count: 2,
      empty: 1,
      min: 291940,
      max: 709037,
      mean: 500488.5,
    });
    expect(profile.columns.find((c) => c.name === 'founded')).toMatchObject({
      type: 'date',
      min: '1040-01-01',
    });
    expect(textOf(result)).toMatch(/small\.csv: 3 rows × 3 columns/);
  });

  it('completes a task on a small file at once', async () => {
    const h = await start();
    const { task } = await h.startTask('analyze_csv', { filePath: smallFile });
    const result = await h.result(task.taskId);
    expect(structured(result, profileSchema).rows).toBe(3);
    await h.waitForStatus(task.taskId, 'completed');
  });

  it('profiles a large file as a task with progress by bytes and rows so far', async () => {
    const h = await start();
    const { task, progressToken } = await h.startTask('analyze_csv', { filePath: bigFile });
    expect(task.status).toBe('working');
    const result = await h.result(task.taskId);
    const profile = structured(result, profileSchema);
    expect(profile.rows).toBe(BIG_ROWS);
    expect(profile.engine.workers).toBeGreaterThan(0);
    const id = profile.columns.find((c) => c.name === 'id');
    expect(id).toMatchObject({ min: 0, max: 9999, distinct: { count: 10_000, exact: true } });
    expect(id?.mean).toBeCloseTo(4999.5, 9);
    expect(profile.columns.find((c) => c.name === 'flag')?.topValues.values).toEqual([
      { value: 'false', count: BIG_ROWS / 2 },
      { value: 'true', count: BIG_ROWS / 2 },
    ]);
    await h.waitForStatus(task.taskId, 'completed');
    const progress = h.progressOf(progressToken).filter((p) => p.total !== undefined);
    expect(progress.length).toBeGreaterThan(2);
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(bigFile));
    expect(progress.every((p) => p.total === size)).toBe(true);
    // Progress came while it worked, not all at the end (how soon is bench/analytics' job).
    expect(progress[0]?.progress).toBeLessThan(size);
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]?.progress).toBeGreaterThan(progress[i - 1]?.progress ?? 0);
    }
    expect(progress.some((p) => /^[\d,]+ rows profiled so far$/.test(p.message ?? ''))).toBe(true);
  });

  it('stops reading when the task is cancelled, and keeps serving', async () => {
    const h = await start();
    const { task, progressToken } = await h.startTask('analyze_csv', { filePath: bigFile });
    await h.until(() => h.progressOf(progressToken).some((p) => (p.progress ?? 0) > 0), 'first progress');
    await h.client.experimental.tasks.cancelTask(task.taskId);
    await h.waitForStatus(task.taskId, 'cancelled');
    const after = h.progressOf(progressToken).length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.progressOf(progressToken).length).toBe(after);
    const { result } = await h.call('analyze_csv', { filePath: smallFile });
    expect(result.isError).toBeFalsy();
  });

  it('still answers a plain call on a larger file', async () => {
    const h = await start();
    const path = join(granted, 'medium.csv');
    writeFileSync(path, `n\n${Array.from({ length: 200_000 }, (_, i) => i).join('\n')}\n`);
    const { result } = await h.call('analyze_csv', { filePath: path });
    expect(structured(result, profileSchema).rows).toBe(200_000);
  });

  it('enforces the client roots, symlinks resolved, and follows roots changes', async () => {
    const h = await start([granted]);
    const outside = join(other, 'outside.csv');
    writeFileSync(outside, 'a\n1\n');
    const link = join(granted, 'link.csv');
    symlinkSync(outside, link);
    for (const filePath of [outside, link]) {
      const { result } = await h.call('analyze_csv', { filePath });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/Access denied: .* is outside the folders and files you granted/);
    }
    await h.setRoots([granted, other]);
    const { result } = await h.call('analyze_csv', { filePath: outside });
    expect(result.isError).toBeFalsy();
  });

  it('answers every bad input with a clear error and keeps running', async () => {
    const h = await start();
    const bad: [string | Buffer | null, RegExp][] = [
      [null, /File not found/],
      ['', /empty \(0 bytes\)/],
      ['a,b,c\n', /header row but no data rows/],
      [Buffer.from([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0, 0]), /not a CSV text file: it is a PDF document/],
      [Buffer.from([1, 0, 2, 0, 3, 0, 0, 0, 9]), /not a CSV text file/],
    ];
    for (const [i, [content, message]] of bad.entries()) {
      const path = join(granted, `bad-${i}.csv`);
      if (content !== null) writeFileSync(path, content);
      const { result } = await h.call('analyze_csv', { filePath: path });
      expect(result.isError, String(message)).toBe(true);
      expect(textOf(result)).toMatch(message);
    }
    const folder = await h.call('analyze_csv', { filePath: granted });
    expect(textOf(folder.result)).toMatch(/is a folder, not a file/);
    const relative = await h.call('analyze_csv', { filePath: 'data.csv' });
    expect(textOf(relative.result)).toMatch(/Path must be absolute/);
    const args = await h.call('analyze_csv', { filePath: smallFile, delimiter: ';;', sampleRows: 0 });
    expect(textOf(args.result)).toMatch(/delimiter: must be one character.*sampleRows/);
    const unknown = await h.call('analyze_csv', { filePath: smallFile, columns: ['nope'] });
    expect(textOf(unknown.result)).toMatch(/Unknown column "nope"; the file has: city, population, founded/);
    // As a task, a bad input ends the task failed with the same message.
    const { task } = await h.startTask('analyze_csv', { filePath: join(granted, 'bad-1.csv') });
    await h.waitForStatus(task.taskId, 'failed');
    const failed = await h.result(task.taskId);
    expect(textOf(failed)).toMatch(/empty/);
    const latin = join(granted, 'latin.csv');
    writeFileSync(latin, Buffer.from('name\nJosé\n', 'latin1'));
    const decoded = structured((await h.call('analyze_csv', { filePath: latin })).result, profileSchema);
    expect(decoded.file.encoding).toBe('latin-1');
    expect(decoded.warnings[0]).toMatch(/decoded as Latin-1/);
  });
});

describe('generate_sample_data over stdio', () => {
  it('writes a sample inside the roots as a task with progress, and the same seed gives the same file', async () => {
    const h = await start();
    const outputPath = join(granted, 'orders.csv');
    const { task, progressToken } = await h.startTask('generate_sample_data', {
      format: 'csv',
      recordCount: 20_000,
      outputPath,
      seed: 42,
    });
    const out = structured(await h.result(task.taskId), generateSampleDataOutput);
    expect(out).toMatchObject({ path: outputPath, recordCount: 20_000, seed: 42, format: 'csv' });
    const progress = h.progressOf(progressToken);
    expect(progress.at(-1)).toMatchObject({ progress: 20_000, total: 20_000 });
    expect(progress.some((p) => /of 20,000 records written/.test(p.message ?? ''))).toBe(true);
    const again = await h.call('generate_sample_data', {
      format: 'csv',
      recordCount: 20_000,
      outputPath: join(granted, 'orders-again.csv'),
      seed: 42,
    });
    expect(structured(again.result, generateSampleDataOutput).bytes).toBe(out.bytes);
    const profile = structured((await h.call('analyze_csv', { filePath: outputPath })).result, profileSchema);
    expect(profile.rows).toBe(20_000);
  });

  it('removes the partial file when the task is cancelled', async () => {
    const h = await start();
    const outputPath = join(granted, 'huge.json');
    const { task, progressToken } = await h.startTask('generate_sample_data', {
      format: 'json',
      recordCount: 10_000_000,
      outputPath,
    });
    await h.until(() => h.progressOf(progressToken).some((p) => p.progress > 0), 'first records written');
    await h.client.experimental.tasks.cancelTask(task.taskId);
    await h.waitForStatus(task.taskId, 'cancelled');
    await h.until(
      () => !readdirSync(granted).some((f) => f.startsWith('huge.json')),
      'partial file removed',
      5000,
    );
    expect(existsSync(outputPath)).toBe(false);
  });

  it('refuses paths outside the roots, existing files and bad counts; defaults to the data folder', async () => {
    const h = await start();
    const outside = await h.call('generate_sample_data', {
      format: 'csv',
      recordCount: 5,
      outputPath: join(other, 'x.csv'),
    });
    expect(textOf(outside.result)).toMatch(/Access denied/);
    const existing = join(granted, 'exists.csv');
    writeFileSync(existing, 'keep me');
    const clash = await h.call('generate_sample_data', {
      format: 'csv',
      recordCount: 5,
      outputPath: existing,
    });
    expect(textOf(clash.result)).toMatch(/already exists; choose another path or set overwrite to true/);
    const replaced = await h.call('generate_sample_data', {
      format: 'csv',
      recordCount: 5,
      outputPath: existing,
      overwrite: true,
    });
    expect(replaced.result.isError).toBeFalsy();
    const tooMany = await h.call('generate_sample_data', { format: 'csv', recordCount: 10_000_001 });
    expect(textOf(tooMany.result)).toMatch(/recordCount/);
    const badFormat = await h.call('generate_sample_data', { format: 'xml', recordCount: 5 });
    expect(textOf(badFormat.result)).toMatch(/format: must be one of "csv", "json"/);
    const inData = await h.call('generate_sample_data', { format: 'json', recordCount: 3, seed: 1 });
    const out = structured(inData.result, generateSampleDataOutput);
    expect(out.path).toBe(join(h.dataDir, 'samples', 'sample-3-seed1.json'));
    expect(existsSync(out.path)).toBe(true);
  });
});

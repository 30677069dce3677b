import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JsonFileWriter, loadJsonFile, writeJsonFileAtomic } from './json-file.js';

const Schema = z.object({ n: z.number() });

describe('json files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'json-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reports a missing file', async () => {
    expect(await loadJsonFile(join(dir, 'none.json'), Schema)).toEqual({ kind: 'missing' });
  });

  it('writes atomically into new folders and reads back', async () => {
    const path = join(dir, 'a', 'b', 'state.json');
    await writeJsonFileAtomic(path, { n: 1 });
    expect(await loadJsonFile(path, Schema)).toEqual({ kind: 'loaded', value: { n: 1 } });
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['state.json']);
  });

  it.each([
    ['truncated JSON', '{"n": 1', /not valid JSON/],
    ['wrong shape', '{"n": "one"}', /unexpected content \(n:/],
  ])('moves a corrupt file aside (%s)', async (_name, content, reason) => {
    const path = join(dir, 'state.json');
    writeFileSync(path, content);
    const result = await loadJsonFile(path, Schema);
    expect(result.kind).toBe('corrupt');
    if (result.kind !== 'corrupt') return;
    expect(result.reason).toMatch(reason);
    expect(readFileSync(result.backupPath, 'utf8')).toBe(content);
    expect(await loadJsonFile(path, Schema)).toEqual({ kind: 'missing' });
  });

  it('moves a folder standing in its place aside', async () => {
    const path = join(dir, 'state.json');
    mkdirSync(join(path, 'inside'), { recursive: true });
    const result = await loadJsonFile(path, Schema);
    expect(result).toMatchObject({
      kind: 'corrupt',
      reason: expect.stringMatching(/^cannot be read \(EISDIR/),
    });
    if (result.kind !== 'corrupt') return;
    expect(readdirSync(result.backupPath)).toEqual(['inside']);
    expect(await loadJsonFile(path, Schema)).toEqual({ kind: 'missing' });
  });

  it('leaves alone what it can neither read nor move aside, and says why', async () => {
    writeFileSync(join(dir, 'not-a-folder'), 'x');
    const result = await loadJsonFile(join(dir, 'not-a-folder', 'state.json'), Schema);
    expect(result).toEqual({
      kind: 'stuck',
      reason: expect.stringMatching(
        /^cannot be read \(ENOTDIR.*\) and could not be moved aside \(ENOTDIR.*\)$/,
      ),
    });
    expect(readFileSync(join(dir, 'not-a-folder'), 'utf8')).toBe('x');
  });

  it('serializes saves so the last call wins', async () => {
    const path = join(dir, 'state.json');
    const writer = new JsonFileWriter(path);
    const value = { n: 0 };
    const saves = [];
    for (let i = 1; i <= 20; i++) {
      value.n = i;
      saves.push(writer.save(value));
    }
    await Promise.all(saves);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ n: 20 });
  });

  it('writes owner-only when asked, and closes its folder again when it was made looser', async () => {
    const folder = join(dir, 'secrets');
    const path = join(folder, 'keys.json');
    const writer = new JsonFileWriter(path, { mode: 0o600, folderMode: 0o700 });
    await writer.save({ n: 1 });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    chmodSync(folder, 0o755);
    await writer.save({ n: 2 });
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ n: 2 });
  });
});

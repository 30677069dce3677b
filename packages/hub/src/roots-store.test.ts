import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RootsStore } from './roots-store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roots-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('RootsStore', () => {
  it('keeps grants across a reopen', async () => {
    const store = await RootsStore.open(dir);
    expect(await store.add(['/a', '/b'])).toBe(true);
    expect(await store.remove('/a')).toBe(true);
    const reopened = await RootsStore.open(dir);
    expect(reopened.list()).toEqual(['/b']);
    expect(reopened.notice).toBeUndefined();
  });

  it('takes back a grant it could not save, so what the user is told failed is not in effect', async () => {
    const store = await RootsStore.open(dir);
    await store.add(['/kept']);
    rmSync(join(dir, 'roots.json'));
    mkdirSync(join(dir, 'roots.json')); // a folder where the file goes: the save fails
    await expect(store.add(['/new'])).rejects.toThrow();
    expect(store.list()).toEqual(['/kept']);
  });

  it('saves every grant of concurrent grants (the last save holds them all)', async () => {
    const store = await RootsStore.open(dir);
    const paths = Array.from({ length: 20 }, (_, i) => `/granted/${i}`);
    await Promise.all(paths.map((path) => store.add([path])));
    expect((await RootsStore.open(dir)).list().sort()).toEqual([...paths].sort());
  });

  it('moves a damaged file aside and says so, then saves afresh', async () => {
    writeFileSync(join(dir, 'roots.json'), '{"roots": ["/home/me/pro');
    const store = await RootsStore.open(dir);
    const backup = readdirSync(dir).find((f) => f.startsWith('roots.json.corrupt-')) as string;
    expect(readFileSync(join(dir, backup), 'utf8')).toBe('{"roots": ["/home/me/pro');
    expect(store.list()).toEqual([]);
    expect(store.notice).toMatch(
      /^The list of granted files and folders .*roots\.json is not valid JSON \(.*\)\. It was moved to /,
    );
    expect(store.notice).toContain(`It was moved to ${join(dir, backup)}; nothing is granted now`);
    await store.add(['/c']);
    expect(JSON.parse(readFileSync(join(dir, 'roots.json'), 'utf8'))).toEqual({ roots: ['/c'] });
  });

  it('never writes over a file it could neither read nor move aside, and grants for this run only', async () => {
    // A file where the data dir should be: roots.json below it cannot be read, renamed or written.
    const notADir = join(dir, 'data');
    writeFileSync(notADir, 'keep me');
    const store = await RootsStore.open(notADir);
    expect(store.notice).toMatch(
      /^The list of granted files and folders .* cannot be read \(ENOTDIR.*\) and could not be moved aside \(ENOTDIR.*\)\. Nothing is granted now, and what you grant is forgotten when Taskdeck quits/,
    );
    expect(await store.add(['/d'])).toBe(true);
    expect(store.list()).toEqual(['/d']);
    expect(readFileSync(notADir, 'utf8')).toBe('keep me');
  });
});

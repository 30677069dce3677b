import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLock } from './data-dir-lock.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'taskdeck-lock-'));
  dirs.push(dir);
  return dir;
};

describe('DataDirLock', () => {
  it('gives the data dir to one of two hubs of one process that start at the same moment', async () => {
    const dir = dataDir();
    const results = await Promise.allSettled([DataDirLock.acquire(dir), DataDirLock.acquire(dir)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('does not take a lock another process has created but not written its pid to yet', async () => {
    const dir = dataDir();
    // Another hub has just created hub.lock ('wx') and writes its pid a moment later.
    const other = process.ppid;
    writeFileSync(join(dir, 'hub.lock'), '');
    setTimeout(() => writeFileSync(join(dir, 'hub.lock'), String(other)), 50);
    await expect(DataDirLock.acquire(dir)).rejects.toThrow(`Another Taskdeck (pid ${other})`);
  });

  it('takes over a lock whose process is gone, and one left empty by a crash', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'hub.lock'), '999999999');
    await (await DataDirLock.acquire(dir)).release();
    writeFileSync(join(dir, 'hub.lock'), '');
    await (await DataDirLock.acquire(dir)).release();
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  it.skipIf(process.platform !== 'linux')(
    'takes over a lock whose pid a reboot gave to another process, and keeps one whose process still runs',
    async () => {
      const dir = dataDir();
      // pid 1 runs, but it is not the process that wrote this lock (it started long before).
      writeFileSync(join(dir, 'hub.lock'), '1 1');
      await (await DataDirLock.acquire(dir)).release();
      // Our parent (vitest) runs and started when /proc says: its lock holds.
      const stat = readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
      const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
      const boot = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
      writeFileSync(join(dir, 'hub.lock'), `${process.ppid} ${boot * 1000 + ticks * 10}`);
      await expect(DataDirLock.acquire(dir)).rejects.toThrow(`Another Taskdeck (pid ${process.ppid})`);
    },
  );

  it('takes over a lock whose process is gone, and one left empty by a crash', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'hub.lock'), '999999999');
    await (await DataDirLock.acquire(dir)).release();
    writeFileSync(join(dir, 'hub.lock'), '');
    await (await DataDirLock.acquire(dir)).release();
  });
});

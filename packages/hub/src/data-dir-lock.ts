import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * One hub per data dir: two hubs would both append to the journal and both run the
 * servers' state files. The lock file holds the owner's pid; a lock whose process is
 * gone (a crashed hub) is taken over.
 */
export class DataDirLock {
  /** Lock files this process holds (a pid check cannot tell two hubs in one process apart). */
  private static readonly held = new Set<string>();

  private constructor(private readonly path: string) {}

  static async acquire(dataDir: string): Promise<DataDirLock> {
    const path = join(dataDir, 'hub.lock');
    if (DataDirLock.held.has(path)) throw inUse(process.pid, dataDir);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(path, 'wx');
        await handle.writeFile(String(process.pid));
        await handle.close();
        DataDirLock.held.add(path);
        return new DataDirLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw inUse(owner, dataDir);
      }
      await unlink(path).catch(() => {});
    }
    throw new Error(`Could not lock ${dataDir}`);
  }

  /** The pid of the live process holding the data dir, if any. */
  static async owner(dataDir: string): Promise<number | undefined> {
    const owner = Number((await readFile(join(dataDir, 'hub.lock'), 'utf8').catch(() => '')).trim());
    return Number.isInteger(owner) && owner > 0 && isAlive(owner) ? owner : undefined;
  }

  async release(): Promise<void> {
    DataDirLock.held.delete(this.path);
    await unlink(this.path).catch(() => {});
  }
}

function inUse(pid: number, dataDir: string): Error {
  return new Error(
    `Another Taskdeck (pid ${pid}) is using ${dataDir}. Quit it first, or set TASKDECK_DATA_DIR to another folder.`,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** How long an empty lock file counts as one whose owner is still writing its pid. */
const PID_WRITE_GRACE_MS = 500;

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
    // Reserved before the first await, so a second hub of this process cannot get past here.
    DataDirLock.held.add(path);
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          const handle = await open(path, 'wx');
          await handle.writeFile(String(process.pid));
          await handle.close();
          return new DataDirLock(path);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
        const owner = await ownerIn(path);
        if (owner !== undefined && owner !== process.pid && isAlive(owner)) throw inUse(owner, dataDir);
        await unlink(path).catch(() => {});
      }
      throw new Error(`Could not lock ${dataDir}`);
    } catch (error) {
      DataDirLock.held.delete(path);
      throw error;
    }
  }

  /** The pid of the live process holding the data dir, if any. */
  static async owner(dataDir: string): Promise<number | undefined> {
    const owner = await ownerIn(join(dataDir, 'hub.lock'));
    return owner !== undefined && isAlive(owner) ? owner : undefined;
  }

  async release(): Promise<void> {
    DataDirLock.held.delete(this.path);
    await unlink(this.path).catch(() => {});
  }
}

/**
 * The pid a lock file names. A hub creates the file, then writes its pid: an empty file is
 * read again for a moment before it counts as left by a crash (undefined).
 */
async function ownerIn(path: string): Promise<number | undefined> {
  const deadline = Date.now() + PID_WRITE_GRACE_MS;
  for (;;) {
    const read = await readFile(path, 'utf8').catch(() => undefined);
    if (read === undefined) return undefined; // no lock (or none readable)
    const text = read.trim();
    if (text !== '' || Date.now() >= deadline) {
      const pid = Number(text);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
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

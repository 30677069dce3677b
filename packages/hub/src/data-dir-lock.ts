import { readFileSync } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { delay } from '@taskdeck/node-common/environment';

/** How long an empty lock file counts as one whose owner is still writing its pid. */
const PID_WRITE_GRACE_MS = 500;

/**
 * One hub per data dir: two hubs would both append to the journal and both run the
 * servers' state files. The lock file holds the owner's pid and when that process started;
 * a lock whose process is gone (a crashed hub), or whose pid now names another process (a
 * reboot reused it), is taken over.
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
          await handle.writeFile(lockText(process.pid));
          await handle.close();
          return new DataDirLock(path);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
        const owner = await ownerIn(path);
        if (owner !== undefined && owner.pid !== process.pid && isAlive(owner))
          throw inUse(owner.pid, dataDir);
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
    return owner !== undefined && isAlive(owner) ? owner.pid : undefined;
  }

  async release(): Promise<void> {
    DataDirLock.held.delete(this.path);
    await unlink(this.path).catch(() => {});
  }
}

interface Owner {
  pid: number;
  /** When it started (ms since the epoch), where the system tells (Linux); absent in old locks. */
  startedAt?: number;
}

function lockText(pid: number): string {
  const startedAt = processStart(pid);
  return startedAt === undefined ? String(pid) : `${pid} ${startedAt}`;
}

/**
 * The owner a lock file names. A hub creates the file, then writes its pid: an empty file is
 * read again for a moment before it counts as left by a crash (undefined).
 */
async function ownerIn(path: string): Promise<Owner | undefined> {
  const deadline = Date.now() + PID_WRITE_GRACE_MS;
  for (;;) {
    const read = await readFile(path, 'utf8').catch(() => undefined);
    if (read === undefined) return undefined; // no lock (or none readable)
    const text = read.trim();
    if (text !== '' || Date.now() >= deadline) {
      const [pidText = '', startText] = text.split(/\s+/);
      const pid = Number(pidText);
      const startedAt = startText === undefined ? undefined : Number(startText);
      if (!Number.isInteger(pid) || pid <= 0) return undefined;
      return Number.isFinite(startedAt) ? { pid, startedAt } : { pid };
    }
    await delay(20);
  }
}

function inUse(pid: number, dataDir: string): Error {
  return new Error(
    `Another Taskdeck (pid ${pid}) is using ${dataDir}. Quit it first, or set TASKDECK_DATA_DIR to another folder.`,
  );
}

/** A live process with the lock's pid, and the same one that wrote it (when its start time tells). */
function isAlive(owner: Owner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch {
    // Gone (ESRCH), or another user's process (EPERM): no Taskdeck of ours holds this data dir.
    return false;
  }
  const startedAt = processStart(owner.pid);
  if (owner.startedAt === undefined || startedAt === undefined) return true;
  return Math.abs(startedAt - owner.startedAt) < 2000;
}

/** When a process started (ms since the epoch), from /proc on Linux; undefined elsewhere. */
function processStart(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime, in clock ticks since boot) counts from after the command's ")".
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const bootTime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    // USER_HZ is 100 on every Linux Node runs on.
    return Number.isFinite(ticks) && Number.isFinite(bootTime) ? bootTime * 1000 + ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

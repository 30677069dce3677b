import { type FSWatcher, watch } from 'node:fs';

/**
 * More folders than this in one source are not watched (each costs an inotify watch on
 * Linux, and the per-user limit may be as low as 8,192): its changes are then found by
 * the stat pass alone.
 */
export const MAX_WATCHED_FOLDERS = 4_000;

/**
 * Watches every folder of one indexed source, so a search knows without a stat pass
 * whether anything in it may have changed. A folder watch reports its files being
 * created, written, touched, renamed or deleted, and its sub-folders appearing; the
 * sub-folders have watches of their own. Each stat pass arms the watches of the folders
 * it reads, each just before reading it, and drops those of folders that are gone.
 *
 * `dirty` turns true on any event, on a watcher error and at first; a pass clears it
 * when it begins, so a change during the pass makes the next search walk again.
 * `usable` is false when the folders could not all be watched (too many, the system's
 * limit reached): the source is then checked by the stat pass alone.
 */
export class FolderWatch {
  dirty = true;
  private readonly watchers = new Map<string, FSWatcher>();
  private passSeen: Set<string> | undefined;
  private failed: string | undefined;
  private armed = false;

  constructor(
    private readonly maxFolders = MAX_WATCHED_FOLDERS,
    private readonly onFailure: (reason: string) => void = () => {},
  ) {}

  /** Whether the watches cover the whole source, so `dirty` can be trusted. */
  get usable(): boolean {
    return this.armed && this.failed === undefined;
  }

  beginPass(): void {
    this.dirty = false;
    this.passSeen = new Set();
  }

  /** A folder the pass is about to read. */
  folder(dir: string): void {
    this.passSeen?.add(dir);
    if (this.failed !== undefined || this.watchers.has(dir)) return;
    if (this.watchers.size >= this.maxFolders) {
      this.fail(`more than ${this.maxFolders} folders`);
      return;
    }
    try {
      const watcher = watch(dir, { persistent: false }, () => {
        this.dirty = true;
      });
      watcher.on('error', () => {
        // The folder went away or cannot be watched any more: walk it again.
        this.dirty = true;
        watcher.close();
        this.watchers.delete(dir);
      });
      this.watchers.set(dir, watcher);
    } catch (error) {
      this.fail((error as Error).message);
    }
  }

  /** The pass read every folder: watches of folders it did not meet are dropped. */
  endPass(): void {
    const seen = this.passSeen;
    this.passSeen = undefined;
    if (!seen) return;
    for (const [dir, watcher] of this.watchers) {
      if (seen.has(dir)) continue;
      watcher.close();
      this.watchers.delete(dir);
    }
    this.armed = this.failed === undefined;
  }

  /** The pass did not finish: nothing it found can be trusted. */
  abortPass(): void {
    this.passSeen = undefined;
    this.dirty = true;
  }

  close(): void {
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
    this.armed = false;
    this.dirty = true;
  }

  get watchedFolders(): number {
    return this.watchers.size;
  }

  private fail(reason: string): void {
    this.failed = reason;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
    this.onFailure(reason);
  }
}

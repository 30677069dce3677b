import { type FSWatcher, watch } from 'node:fs';
import { mkdir, readdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const CANCEL_PREFIX = 'cancel-';

/**
 * Lets another process (the CLI's `taskdeck cancel <id>`) ask the hub that owns the
 * data dir to cancel one of its tasks: it drops a file in `<dataDir>/control/`, the hub
 * sees it, cancels and deletes it. Local files only: no port to secure.
 */
export class ControlInbox {
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private scanning = false;

  private constructor(
    private readonly dir: string,
    private readonly onCancel: (taskId: string) => Promise<void>,
  ) {}

  static dirIn(dataDir: string): string {
    return join(dataDir, 'control');
  }

  static async open(dataDir: string, onCancel: (taskId: string) => Promise<void>): Promise<ControlInbox> {
    const inbox = new ControlInbox(ControlInbox.dirIn(dataDir), onCancel);
    await mkdir(inbox.dir, { recursive: true });
    try {
      inbox.watcher = watch(inbox.dir, () => void inbox.scan());
    } catch {
      // No watching here (some network file systems): the periodic scan still works.
    }
    inbox.timer = setInterval(() => void inbox.scan(), 1000);
    inbox.timer.unref();
    await inbox.scan();
    return inbox;
  }

  /** Asks the owning hub to cancel `taskId` (used by the CLI). */
  static async requestCancel(dataDir: string, taskId: string): Promise<void> {
    const dir = ControlInbox.dirIn(dataDir);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${CANCEL_PREFIX}${taskId}`), String(Date.now()));
  }

  close(): void {
    this.watcher?.close();
    clearInterval(this.timer);
  }

  private async scan(): Promise<void> {
    if (this.scanning) return;
    this.scanning = true;
    try {
      for (const name of await readdir(this.dir).catch(() => [] as string[])) {
        if (!name.startsWith(CANCEL_PREFIX)) continue;
        await unlink(join(this.dir, name)).catch(() => {});
        await this.onCancel(name.slice(CANCEL_PREFIX.length)).catch(() => {});
      }
    } finally {
      this.scanning = false;
    }
  }
}

import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TaskDetailSchema } from '@taskdeck/contract';
import { finish } from '../tasks/task-book.js';
import { isFinished, type TaskRecord } from '../tasks/task-record.js';

export interface JournalOptions {
  /** How many tasks the journal keeps; the oldest finished ones are dropped at compaction. */
  maxTasks?: number;
  /** Compact when the file grows past this many bytes and twice its live size. */
  compactBytes?: number;
  /** How often buffered lines are written (a hub killed with -9 loses at most this window). */
  flushMs?: number;
}

export interface JournalLoad {
  records: TaskRecord[];
  /** Lines that could not be read (a torn last line after a crash, or damage). */
  skippedLines: number;
  /** Tasks that were running when the previous hub stopped. */
  interrupted: number;
}

const INTERRUPTED_MESSAGE = 'Taskdeck stopped while this task was running; its outcome is unknown.';

/**
 * The task history: an append-only JSON-lines file with one full record per line (the
 * last line of an id wins). Appending whole lines means a crash can only tear the last
 * line, which loading skips. Compaction rewrites the live records to a new file and
 * renames it over the old one, so the journal never grows without bound.
 */
export class TaskJournal {
  private handle: FileHandle | undefined;
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private bytes = 0;
  private liveBytes = new Map<string, number>();
  private readonly opts: Required<JournalOptions>;

  private constructor(
    readonly path: string,
    options: JournalOptions,
  ) {
    this.opts = { maxTasks: 2000, compactBytes: 16 * 1024 * 1024, flushMs: 100, ...options };
  }

  static pathIn(dataDir: string): string {
    return join(dataDir, 'journal', 'tasks.jsonl');
  }

  /**
   * Reads the history without opening it for writing (the CLI's `tasks` and `show`).
   * `running: 'interrupted'` (after a crash) ends records that were running; `'keep'`
   * shows them as they are, for a journal whose hub is still alive.
   */
  static async read(path: string, running: 'interrupted' | 'keep' = 'interrupted'): Promise<JournalLoad> {
    const latest = new Map<string, TaskRecord>();
    let skippedLines = 0;
    try {
      await stat(path);
    } catch {
      return { records: [], skippedLines: 0, interrupted: 0 };
    }
    const lines = createInterface({
      input: createReadStream(path, 'utf8'),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    for await (const line of lines) {
      if (!line.trim()) continue;
      try {
        const record = TaskDetailSchema.parse(JSON.parse(line)) as TaskRecord;
        latest.delete(record.id); // re-insert: Map order follows the latest write
        latest.set(record.id, record);
      } catch {
        skippedLines++;
      }
    }
    let interrupted = 0;
    const now = Date.now();
    for (const record of latest.values()) {
      if (isFinished(record.status) || running === 'keep') continue;
      finish(record, 'interrupted', now, { message: INTERRUPTED_MESSAGE });
      interrupted++;
    }
    const records = [...latest.values()].sort((a, b) => a.createdAt - b.createdAt);
    return { records, skippedLines, interrupted };
  }

  /** Loads the history (running tasks become interrupted), then compacts it and opens it for appending. */
  static async open(
    dataDir: string,
    options: JournalOptions = {},
  ): Promise<{ journal: TaskJournal } & JournalLoad> {
    const path = TaskJournal.pathIn(dataDir);
    await mkdir(join(dataDir, 'journal'), { recursive: true });
    const loaded = await TaskJournal.read(path);
    const journal = new TaskJournal(path, options);
    const kept = journal.trim(loaded.records);
    await journal.rewrite(kept);
    return { journal, ...loaded, records: kept };
  }

  /** Records the current state of a task (buffered; written within flushMs). */
  write(record: TaskRecord): void {
    const line = `${JSON.stringify(stripInternal(record))}\n`;
    this.liveBytes.set(record.id, Buffer.byteLength(line));
    this.pending.push(line);
    this.timer ??= setTimeout(() => void this.flush(), this.opts.flushMs);
  }

  /** Writes buffered lines now; compacts when the file has grown enough. */
  flush(records?: () => TaskRecord[]): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const lines = this.pending;
    this.pending = [];
    this.chain = this.chain.then(async () => {
      if (lines.length > 0 && this.handle) {
        const text = lines.join('');
        await this.handle.appendFile(text);
        this.bytes += Buffer.byteLength(text);
      }
      if (records && this.needsCompaction()) await this.rewrite(this.trim(records()));
    });
    return this.chain;
  }

  needsCompaction(): boolean {
    let live = 0;
    for (const size of this.liveBytes.values()) live += size;
    return this.bytes > this.opts.compactBytes && this.bytes > 2 * live;
  }

  /** Rewrites the journal to hold exactly `records` (temp file + rename: atomic). */
  async compact(records: TaskRecord[]): Promise<void> {
    await this.flush();
    this.chain = this.chain.then(() => this.rewrite(this.trim(records)));
    return this.chain;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.handle?.close();
    this.handle = undefined;
  }

  /** The newest `maxTasks` records; running ones are always kept. */
  private trim(records: TaskRecord[]): TaskRecord[] {
    if (records.length <= this.opts.maxTasks) return records;
    const excess = records.length - this.opts.maxTasks;
    const drop = new Set(
      records
        .filter((r) => isFinished(r.status))
        .slice(0, excess)
        .map((r) => r.id),
    );
    return records.filter((r) => !drop.has(r.id));
  }

  private async rewrite(records: TaskRecord[]): Promise<void> {
    const temp = `${this.path}.compact`;
    const lines = records.map((r) => `${JSON.stringify(stripInternal(r))}\n`);
    const out = await open(temp, 'w');
    try {
      await out.writeFile(lines.join(''));
      await out.sync();
    } finally {
      await out.close();
    }
    await this.handle?.close();
    await rename(temp, this.path);
    this.handle = await open(this.path, 'a');
    this.bytes = lines.reduce((sum, line) => sum + Buffer.byteLength(line), 0);
    this.liveBytes = new Map(records.map((r, i) => [r.id, Buffer.byteLength(lines[i] as string)]));
  }
}

function stripInternal(record: TaskRecord): Omit<TaskRecord, 'serverUpdatedAt'> {
  const { serverUpdatedAt: _s, ...rest } = record;
  return rest;
}

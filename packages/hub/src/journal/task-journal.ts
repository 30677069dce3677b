import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { timestampForFileName } from '@taskdeck/node-common/json-file';
import { finish } from '../tasks/task-book.js';
import { isFinished, type TaskRecord } from '../tasks/task-record.js';
import { journalLine, parseJournalLine, rebaseJournalText } from './journal-record.js';

export interface JournalOptions {
  /** How many tasks the journal keeps; the oldest finished ones are dropped at compaction. */
  maxTasks?: number;
  /** Compact when the file grows past this many bytes and twice its live size. */
  compactBytes?: number;
  /** How often buffered lines are written (a hub killed with -9 loses at most this window). */
  flushMs?: number;
  /**
   * Writing failed (disk full, permissions...). Called once until the file is whole again:
   * the next flush given the records rewrites it from them.
   */
  onWriteError?: (error: Error) => void;
  /**
   * A running record that stays running when the journal is opened (a task on a remote server,
   * followed again by its id); every other running record ends `interrupted`.
   */
  resumable?: (record: TaskRecord) => boolean;
}

export interface JournalLoad {
  records: TaskRecord[];
  /** Complete lines that hold no readable record (damage, junk). */
  unreadableLines: number;
  /** The last line had no newline and no readable record: a write torn by a crash. */
  tornLastLine: boolean;
  /** Tasks that were running when the previous hub stopped. */
  interrupted: number;
}

export interface JournalOpen extends JournalLoad {
  journal: TaskJournal;
  /** Where the unreadable lines (and a torn last line) were moved, byte for byte. */
  quarantinePath?: string;
}

/** Receives each line that holds no record, as read. */
type UnreadableSink = (line: Buffer) => Promise<void>;

const INTERRUPTED_MESSAGE = 'Taskdeck stopped while this task was running; its outcome is unknown.';

/**
 * The task history: an append-only JSON-lines file with one full record per line (the
 * last line of an id wins). Appending whole lines means a crash can only tear the last
 * line. Compaction rewrites the live records to a new file and renames it over the old
 * one, so the journal never grows without bound. Opening never drops what it cannot read:
 * such lines go to a quarantine file beside the journal before the journal is rewritten.
 */
export class TaskJournal {
  private handle: FileHandle | undefined;
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private bytes = 0;
  private liveBytes = new Map<string, number>();
  /** A write failed: the file may lack lines or end in a torn one until it is rewritten. */
  private failing = false;
  private readonly opts: Required<Omit<JournalOptions, 'onWriteError' | 'resumable'>> & JournalOptions;

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
   * Reads the history without opening it for writing. Records that were running end
   * `interrupted` (the hub that ran them is gone), except those `resumable` says will be
   * followed again. Lines that hold no record are counted and handed to `unreadable` when given.
   */
  static async read(
    path: string,
    unreadable?: UnreadableSink,
    resumable: (record: TaskRecord) => boolean = () => false,
  ): Promise<JournalLoad> {
    const latest = new Map<string, TaskRecord>();
    let unreadableLines = 0;
    let tornLastLine = false;
    try {
      await stat(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return { records: [], unreadableLines, tornLastLine, interrupted: 0 };
      throw error;
    }
    for await (const { line, terminated } of readLines(path)) {
      if (line.length === 0) continue;
      const record = parseJournalLine(line);
      if (record) {
        latest.delete(record.id); // re-insert: Map order follows the latest write
        latest.set(record.id, record);
        continue;
      }
      if (terminated) unreadableLines++;
      else tornLastLine = true;
      await unreadable?.(line);
    }
    let interrupted = 0;
    const now = Date.now();
    for (const record of latest.values()) {
      if (isFinished(record.status) || resumable(record)) continue;
      finish(record, 'interrupted', now, { message: INTERRUPTED_MESSAGE });
      rebaseJournalText(record);
      interrupted++;
    }
    const records = [...latest.values()].sort((a, b) => a.createdAt - b.createdAt);
    return { records, unreadableLines, tornLastLine, interrupted };
  }

  /**
   * Loads the history (running tasks become interrupted), moves the lines it cannot read
   * to `tasks.quarantine-<time>.jsonl` beside it, then compacts it and opens it for appending.
   */
  static async open(dataDir: string, options: JournalOptions = {}): Promise<JournalOpen> {
    const path = TaskJournal.pathIn(dataDir);
    await mkdir(join(dataDir, 'journal'), { recursive: true });
    const quarantine = new QuarantineFile(
      join(dataDir, 'journal', `tasks.quarantine-${timestampForFileName()}.jsonl`),
    );
    let loaded: JournalLoad;
    try {
      loaded = await TaskJournal.read(path, (line) => quarantine.add(line), options.resumable);
    } finally {
      // Synced before the rewrite below replaces the only other copy of these lines.
      await quarantine.close();
    }
    const journal = new TaskJournal(path, options);
    const kept = journal.trim(loaded.records);
    try {
      await journal.rewrite(kept);
    } catch (error) {
      // The history is read; a disk that refuses writes must not stop the app (the next flush retries).
      journal.failing = true;
      options.onWriteError?.(error as Error);
    }
    return { journal, ...loaded, records: kept, ...(quarantine.used && { quarantinePath: quarantine.path }) };
  }

  /** Records the current state of a task (buffered; written within flushMs). */
  write(record: TaskRecord): void {
    const line = `${journalLine(record)}\n`;
    this.liveBytes.set(record.id, Buffer.byteLength(line));
    this.pending.push(line);
    this.timer ??= setTimeout(() => void this.flush(), this.opts.flushMs);
  }

  /**
   * Writes buffered lines now; compacts when the file has grown enough. Never rejects: a
   * failed write is reported through onWriteError, and the next flush given `records`
   * rewrites the file from them.
   */
  flush(records?: () => TaskRecord[]): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const lines = this.pending;
    this.pending = [];
    return this.enqueue(async () => {
      if (this.failing && records) {
        // The file may lack lines or end in a torn one: a rewrite from memory repairs it.
        await this.rewrite(this.trim(records()));
        return;
      }
      if (lines.length > 0 && this.handle) {
        // After a failed write, a newline first ends the line it may have torn.
        const text = (this.failing ? '\n' : '') + lines.join('');
        await this.handle.appendFile(text);
        this.bytes += Buffer.byteLength(text);
      }
      if (records && this.needsCompaction()) await this.rewrite(this.trim(records()));
    });
  }

  needsCompaction(): boolean {
    let live = 0;
    for (const size of this.liveBytes.values()) live += size;
    return this.bytes > this.opts.compactBytes && this.bytes > 2 * live;
  }

  /** Rewrites the journal to hold exactly `records` (temp file + rename: atomic). */
  async compact(records: TaskRecord[]): Promise<void> {
    await this.flush();
    return this.enqueue(() => this.rewrite(this.trim(records)));
  }

  /** Writes what is buffered (the whole file from `records` after a failed write) and closes. */
  async close(records?: () => TaskRecord[]): Promise<void> {
    await this.flush(records);
    await this.handle?.close();
    this.handle = undefined;
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(step).catch((error: Error) => {
      if (!this.failing) this.opts.onWriteError?.(error);
      this.failing = true;
    });
    return this.chain;
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
    const lines = records.map((r) => `${journalLine(r)}\n`);
    const out = await open(temp, 'w');
    try {
      await out.writeFile(lines.join(''));
      await out.sync();
    } finally {
      await out.close();
    }
    // Closed before the rename: Windows cannot rename over an open file.
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
    await rename(temp, this.path);
    this.handle = await open(this.path, 'a');
    this.failing = false;
    this.bytes = lines.reduce((sum, line) => sum + Buffer.byteLength(line), 0);
    this.liveBytes = new Map(records.map((r, i) => [r.id, Buffer.byteLength(lines[i] as string)]));
  }
}

/** Lines that could not be read, appended as read (each ended by a newline) and synced on close. */
class QuarantineFile {
  private handle: FileHandle | undefined;

  constructor(readonly path: string) {}

  get used(): boolean {
    return this.handle !== undefined;
  }

  async add(line: Buffer): Promise<void> {
    this.handle ??= await open(this.path, 'a');
    await this.handle.appendFile(Buffer.concat([line, NEWLINE]));
  }

  async close(): Promise<void> {
    if (!this.handle) return;
    try {
      await this.handle.sync();
    } finally {
      await this.handle.close();
    }
  }
}

const NEWLINE = Buffer.from('\n');

/** The file's lines as bytes (no decoding: a damaged line is kept exactly); `terminated`: a newline ended it. */
async function* readLines(path: string): AsyncGenerator<{ line: Buffer; terminated: boolean }> {
  let parts: Buffer[] = [];
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
      parts.push(chunk.subarray(start, end));
      yield { line: Buffer.concat(parts), terminated: true };
      parts = [];
      start = end + 1;
    }
    if (start < chunk.length) parts.push(chunk.subarray(start));
  }
  if (parts.length > 0) yield { line: Buffer.concat(parts), terminated: false };
}

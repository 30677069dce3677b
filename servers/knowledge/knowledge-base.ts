import { readFile, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { isInside } from '@taskdeck/node-common/paths';
import { FILES } from './data-files.js';
import type { DocumentIndex, DocumentRecord, NewDocument } from './document-index.js';
import { formatOf } from './file-kinds.js';
import { FolderWatch, MAX_WATCHED_FOLDERS } from './folder-watch.js';
import { extract, looksBinary } from './formats.js';
import { loadIndex, readSources, saveIndex, writeSources } from './index-files.js';
import { plural } from './plural.js';
import type { ParsedQuery } from './query.js';
import { type Ranked, rankDocuments } from './search.js';
import {
  diffFiles,
  type FileChanges,
  type FileEntry,
  hasChanges,
  type Source,
  scanSource,
  type WalkResult,
} from './walk.js';

/** What long work reports through (a tool's context, or nothing). */
export interface Work {
  readonly signal: AbortSignal;
  progress(done: number, total?: number, message?: string): void;
  status(message: string | null): void;
}

export interface KnowledgeBaseOptions {
  indexDir: string;
  guidesDir: string;
  /** Checks a folder against the client's roots: returns its real path or throws a message for the user. */
  resolveFolder(path: string): Promise<string>;
  log?(level: 'info' | 'warn' | 'error', message: string): void;
  /** Saving waits this long after a change, so a burst of changes is written once. */
  saveDelayMs?: number;
  /** How many times its own duration a stat pass is reused by searches (default 20; see SCAN_REUSE_FACTOR). */
  scanReuseFactor?: number;
  /** Most folders watched per source (default MAX_WATCHED_FOLDERS); 0 turns watching off. */
  maxWatchedFolders?: number;
}

export interface IndexChanges {
  added: number;
  updated: number;
  removed: number;
  /** Files left out (binary, too large, links, unreadable). */
  skipped: number;
}

export interface SourceStatus {
  path: string;
  kind: Source['kind'];
  documents: number;
  state: 'ready' | 'indexing' | 'unavailable';
  problem?: string;
  addedAt?: number;
}

interface SourcePlan {
  source: Source;
  changes: FileChanges;
  skipped: number;
}

const READ_BATCH = 16;
/**
 * For a source whose folders cannot all be watched (folder-watch.ts), a search reuses
 * the previous stat pass for 20 times as long as that pass took (at most 2 s), so the
 * pass costs at most ~5% of the time under a stream of searches: over 10,000 files
 * (~25 ms) a change there is seen by searches starting half a second later.
 */
const SCAN_REUSE_FACTOR = 20;
const MAX_SCAN_REUSE_MS = 2_000;
const NO_CHANGES: IndexChanges = { added: 0, updated: 0, removed: 0, skipped: 0 };

/**
 * The document set: the bundled guides plus the folders the user added, kept in step
 * with the disk by modification time. Every change to the index is one transaction,
 * so searches see either the old or the new state, and a cancel leaves the old one.
 */
export class KnowledgeBase {
  private readonly busy = new Set<string>();
  /** Sources that cannot be searched now (outside the roots, missing), with why. */
  private readonly problems = new Map<string, string>();
  private notices: string[] = [];
  private savedVersion: number;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  /** When the last full stat pass ended, and for how long a search may rely on it. */
  private lastScan: { endedAt: number; validMs: number } | undefined;
  /** Each source's folder watches: a search walks only sources that may have changed. */
  private readonly watches = new Map<string, FolderWatch>();

  private constructor(
    private readonly options: KnowledgeBaseOptions,
    private index: DocumentIndex,
    private folders: { path: string; addedAt: number }[],
  ) {
    this.savedVersion = index.version;
  }

  static async open(options: KnowledgeBaseOptions): Promise<KnowledgeBase> {
    const [loaded, listed] = await Promise.all([loadIndex(options.indexDir), readSources(options.indexDir)]);
    const base = new KnowledgeBase(options, loaded.index, listed.sources.folders);
    if (loaded.problem) {
      const folders = base.folders.length;
      base.notice(
        `${loaded.problem} It is rebuilt from the bundled guides and your ${plural(folders, 'folder')}; the damaged file was kept as ${FILES.index}.corrupt.`,
      );
    }
    if (listed.problem) base.notice(listed.problem);
    return base;
  }

  get documentCount(): number {
    return this.index.size;
  }

  sources(): Source[] {
    return [
      { path: this.options.guidesDir, kind: 'guides' },
      ...this.folders.map((f) => ({ path: f.path, kind: 'folder' as const })),
    ];
  }

  /** Messages for the user about something that happened on its own (a rebuilt index); each is told once. */
  takeNotices(): string[] {
    const notices = this.notices;
    this.notices = [];
    return notices;
  }

  /** Finds what changed on disk since the last indexing, source by source (all, or those given). */
  async plan(
    signal?: AbortSignal,
    toWalk: readonly Source[] = this.sources(),
  ): Promise<{ plans: SourcePlan[]; orphans: string[] }> {
    const all = this.sources();
    const plans: SourcePlan[] = [];
    for (const source of toWalk) {
      if (this.busy.has(source.path)) continue; // its own transaction brings it up to date
      const scan = await this.scan(source, all, signal);
      if (scan)
        plans.push({
          source,
          changes: diffFiles(scan.files, this.index.filesOf(source.path)),
          skipped: countSkipped(scan),
        });
    }
    // Documents of sources no longer listed (the guides moved, a folder's entry was lost).
    const listed = new Set(all.map((s) => s.path));
    const orphans = new Set<string>();
    for (const doc of this.index.documents())
      if (!listed.has(doc.source) && !this.busy.has(doc.source)) orphans.add(doc.source);
    return { plans, orphans: [...orphans] };
  }

  /** True when a search would first have to index changed files. */
  async isStale(signal?: AbortSignal): Promise<boolean> {
    const { plans, orphans } = await this.plan(signal);
    return orphans.length > 0 || plans.some((p) => hasChanges(p.changes));
  }

  /**
   * Brings every source up to date; returns what changed. With `reuseRecentScan`
   * (searches), a source is walked only when it may have changed: for a watched source,
   * when a watch reported something since its last pass; for one that cannot be watched,
   * when its last pass is not recent (see SCAN_REUSE_FACTOR). Whether each source may be
   * read is checked every time.
   *
   * The guarantee for watched sources: a file written before the search request was sent
   * is seen by that search. The kernel queues the watch event before the write returns,
   * hence before the request is sent; `afterQueuedEvents` lets every event already queued
   * be handled before the watches are read.
   */
  async refresh(work: Work, { reuseRecentScan = false } = {}): Promise<IndexChanges> {
    let toWalk = this.sources();
    if (reuseRecentScan) {
      await afterQueuedEvents();
      const before = [...this.problems.keys()].join('\n');
      await Promise.all(toWalk.map((s) => this.checkAvailable(s)));
      // A source that became readable again may have changed meanwhile: walk everything now.
      if ([...this.problems.keys()].join('\n') === before) {
        const recent =
          this.lastScan !== undefined && performance.now() - this.lastScan.endedAt < this.lastScan.validMs;
        toWalk = toWalk.filter((source) => {
          const watch = this.watches.get(source.path);
          return watch?.usable ? watch.dirty : !recent;
        });
        if (toWalk.length === 0) return NO_CHANGES;
      }
    }
    work.status('Checking the documents for changes…');
    const started = performance.now();
    const { plans, orphans } = await this.plan(work.signal, toWalk);
    const scanMs = performance.now() - started;
    const changed = plans.filter((p) => hasChanges(p.changes));
    const result =
      changed.length === 0 && orphans.length === 0 ? NO_CHANGES : await this.apply(changed, orphans, work);
    this.lastScan = {
      endedAt: performance.now(),
      validMs: Math.min(MAX_SCAN_REUSE_MS, scanMs * (this.options.scanReuseFactor ?? SCAN_REUSE_FACTOR)),
    };
    return result;
  }

  /** How many folders of each source are watched (0: checked by stat passes alone). */
  watchedFolders(): Map<string, number> {
    return new Map(this.sources().map((s) => [s.path, this.watches.get(s.path)?.watchedFolders ?? 0]));
  }

  async addFolder(
    path: string,
    work: Work,
  ): Promise<
    IndexChanges & { folder: string; documents: number; alreadyIndexed: boolean; absorbed: string[] }
  > {
    const real = await this.options.resolveFolder(path);
    if (isInside(real, this.options.guidesDir)) {
      throw new Error(`${path} holds the bundled guides, which are always indexed.`);
    }
    const covering = this.folders.find((f) => isInside(real, f.path));
    if (covering) {
      // Already indexed (itself or as part of a parent): bring it up to date instead.
      this.assertIdle([covering.path]);
      const source: Source = { path: covering.path, kind: 'folder' };
      const scan = await this.scanOrThrow(source, this.sources(), work);
      const plan = {
        source,
        changes: diffFiles(scan.files, this.index.filesOf(source.path)),
        skipped: countSkipped(scan),
      };
      const changes = await this.apply([plan], [], work);
      return {
        ...changes,
        folder: covering.path,
        documents: this.countOf(covering.path),
        alreadyIndexed: true,
        absorbed: [],
      };
    }
    const children = this.folders.filter((f) => isInside(f.path, real)).map((f) => f.path);
    this.assertIdle([real, ...children]);
    const source: Source = { path: real, kind: 'folder' };
    // The new folder absorbs indexed folders inside it: their unchanged files are kept.
    const others = this.sources().filter((s) => !children.includes(s.path));
    // The absorbed folders too: no search may re-index them meanwhile.
    for (const path of [real, ...children]) this.busy.add(path);
    let changes: IndexChanges;
    try {
      work.status(`Scanning ${real}…`);
      const scan = await this.scanOrThrow(source, [...others, source], work);
      const known = new Map(children.flatMap((child) => [...this.index.filesOf(child)]));
      const plan = { source, changes: diffFiles(scan.files, known), skipped: countSkipped(scan) };
      changes = await this.apply([plan], [], work, () => {
        for (const child of children) {
          this.index.reassign(child, real);
          this.unwatch(child);
        }
        this.folders = [
          ...this.folders.filter((f) => !children.includes(f.path)),
          { path: real, addedAt: Date.now() },
        ];
      });
    } finally {
      for (const path of [real, ...children]) this.busy.delete(path);
    }
    this.lastScan = undefined;
    await this.writeSources();
    return {
      ...changes,
      folder: real,
      documents: this.countOf(real),
      alreadyIndexed: false,
      absorbed: children,
    };
  }

  async removeFolder(path: string): Promise<{ folder: string; removed: number }> {
    const given = resolve(path);
    const real = await realpath(given).catch(() => undefined);
    if (given === this.options.guidesDir || real === this.options.guidesDir) {
      throw new Error('The bundled guides are part of Taskdeck and cannot be removed.');
    }
    const folder = this.folders.find((f) => f.path === given || f.path === real);
    if (!folder) {
      const listed = this.folders.map((f) => f.path).join(', ') || 'none';
      throw new Error(`${path} is not an indexed folder (indexed folders: ${listed}).`);
    }
    this.assertIdle([folder.path]);
    const removed = this.countOf(folder.path);
    const tx = this.index.begin();
    for (const path of this.index.filesOf(folder.path).keys()) tx.remove(path);
    tx.commit();
    this.folders = this.folders.filter((f) => f !== folder);
    this.problems.delete(folder.path);
    this.unwatch(folder.path);
    this.scheduleSave();
    await this.writeSources();
    return { folder: folder.path, removed };
  }

  /** Ranked search over the sources that may be read now. */
  search(parsed: ParsedQuery, filters: { category?: string; tags?: string[] }, limit: number): Ranked {
    const readable = new Set(
      this.sources()
        .filter((s) => !this.problems.has(s.path))
        .map((s) => s.path),
    );
    return rankDocuments(this.index, parsed, { ...filters, sources: readable }, limit);
  }

  /** Categories and tags in use, to tell the user what a filter could be. */
  facets(): { categories: string[]; tags: string[] } {
    const categories = new Set<string>();
    const tags = new Set<string>();
    for (const doc of this.index.documents()) {
      categories.add(doc.category);
      for (const tag of doc.tags) tags.add(tag);
    }
    return { categories: [...categories].sort(), tags: [...tags].sort() };
  }

  /** A document by path; its folder must still be readable (inside the roots). */
  async document(path: string): Promise<DocumentRecord> {
    const record = this.index.get(path) ?? this.index.get(resolve(path));
    if (!record) throw new Error(`No indexed document ${path}. Use the id of a search result.`);
    if (record.source !== this.options.guidesDir) await this.options.resolveFolder(record.source);
    return record;
  }

  async listSources(): Promise<{ sources: SourceStatus[]; documents: number; indexBytes: number }> {
    const counts = new Map<string, number>();
    for (const doc of this.index.documents()) counts.set(doc.source, (counts.get(doc.source) ?? 0) + 1);
    const all = this.sources();
    // Re-check each folder now, so a revoked root or a deleted folder shows.
    await Promise.all(all.map((s) => this.checkAvailable(s)));
    const sources = all.map((s): SourceStatus => {
      const problem = this.problems.get(s.path);
      const addedAt = this.folders.find((f) => f.path === s.path)?.addedAt;
      return {
        path: s.path,
        kind: s.kind,
        documents: counts.get(s.path) ?? 0,
        state: this.busy.has(s.path) ? 'indexing' : problem ? 'unavailable' : 'ready',
        ...(problem && { problem }),
        ...(addedAt !== undefined && { addedAt }),
      };
    });
    const indexBytes = await stat(join(this.options.indexDir, FILES.index)).then(
      (s) => s.size,
      () => 0,
    );
    return { sources, documents: this.index.size, indexBytes };
  }

  /** Writes pending changes now (at exit). */
  async flush(): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.save();
  }

  private notice(message: string): void {
    this.notices.push(message);
    this.options.log?.('warn', message);
  }

  private countOf(source: string): number {
    return this.index.countOf(source);
  }

  private assertIdle(paths: string[]): void {
    const busy = paths.find((p) => this.busy.has(p));
    if (busy)
      throw new Error(`${busy} is being indexed right now; wait for that task to finish or cancel it first.`);
  }

  /** Checks a source can be read now and records why not; the guides skip the roots check. */
  private async checkAvailable(source: Source): Promise<boolean> {
    try {
      if (source.kind === 'folder') await this.options.resolveFolder(source.path);
      else if (!(await stat(source.path)).isDirectory()) throw new Error(`${source.path} is not a folder`);
      this.problems.delete(source.path);
      return true;
    } catch (error) {
      const message =
        source.kind === 'guides'
          ? `The bundled guides are missing (${(error as Error).message}).`
          : (error as Error).message;
      if (this.problems.get(source.path) !== message)
        this.options.log?.('warn', `${source.path}: ${message}`);
      this.problems.set(source.path, message);
      return false;
    }
  }

  private async scan(source: Source, all: Source[], signal?: AbortSignal): Promise<WalkResult | undefined> {
    if (!(await this.checkAvailable(source))) return undefined;
    const watch = this.watchOf(source.path);
    watch.beginPass();
    try {
      const walked = await scanSource(source, all, { signal, onDirectory: (dir) => watch.folder(dir) });
      watch.endPass();
      return walked;
    } catch (error) {
      watch.abortPass();
      signal?.throwIfAborted();
      this.problems.set(source.path, (error as Error).message);
      return undefined;
    }
  }

  private watchOf(path: string): FolderWatch {
    let watch = this.watches.get(path);
    if (!watch) {
      watch = new FolderWatch(this.options.maxWatchedFolders ?? MAX_WATCHED_FOLDERS, (reason) =>
        this.options.log?.('info', `${path} is not watched (${reason}); changes are found by stat passes.`),
      );
      this.watches.set(path, watch);
    }
    return watch;
  }

  private unwatch(path: string): void {
    this.watches.get(path)?.close();
    this.watches.delete(path);
  }

  private async scanOrThrow(source: Source, all: Source[], work: Work): Promise<WalkResult> {
    return scanSource(source, all, {
      signal: work.signal,
      onFound: (count) => work.status(`Scanning ${source.path}: ${count} files found…`),
    });
  }

  /** One transaction: reads the added and changed files, drops the removed ones, commits or rolls back. */
  private async apply(
    plans: SourcePlan[],
    orphans: string[],
    work: Work,
    onCommit?: () => void,
  ): Promise<IndexChanges> {
    const toRead: { file: FileEntry; source: string }[] = plans.flatMap((p) =>
      [...p.changes.added, ...p.changes.changed].map((file) => ({ file, source: p.source.path })),
    );
    const result: IndexChanges = {
      added: 0,
      updated: 0,
      removed: 0,
      skipped: plans.reduce((n, p) => n + p.skipped, 0),
    };
    const locked = plans.map((p) => p.source.path).filter((p) => !this.busy.has(p));
    for (const path of locked) this.busy.add(path);
    const tx = this.index.begin();
    try {
      const total = toRead.length;
      if (total > 0) work.progress(0, total, `Indexing ${plural(total, 'file')}…`);
      for (let i = 0; i < total; i += READ_BATCH) {
        work.signal.throwIfAborted();
        const batch = toRead.slice(i, i + READ_BATCH);
        const docs = await Promise.all(batch.map(({ file, source }) => readDocument(file, source)));
        work.signal.throwIfAborted();
        for (const [j, doc] of docs.entries()) {
          const { file } = batch[j] as { file: FileEntry };
          if (doc) {
            tx.put(doc);
            if (this.index.get(file.path)) result.updated++;
            else result.added++;
          } else {
            result.skipped++;
            tx.skip({
              path: file.path,
              source: batch[j]?.source ?? '',
              mtimeMs: file.mtimeMs,
              size: file.size,
            });
          }
        }
        const done = Math.min(total, i + READ_BATCH);
        work.progress(done, total, `Indexed ${done} of ${total} files`);
      }
      for (const plan of plans) for (const path of plan.changes.removed) tx.remove(path);
      for (const orphan of orphans) for (const path of this.index.filesOf(orphan).keys()) tx.remove(path);
      result.removed = plans.reduce((n, p) => n + p.changes.removed.length, 0);
      work.signal.throwIfAborted();
      tx.commit();
      onCommit?.();
    } catch (error) {
      tx.rollback();
      throw error;
    } finally {
      for (const path of locked) this.busy.delete(path);
    }
    this.scheduleSave();
    return result;
  }

  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.save();
    }, this.options.saveDelayMs ?? 1000);
    this.saveTimer.unref();
  }

  private save(): Promise<void> {
    this.saving = this.saving.then(async () => {
      const version = this.index.version;
      if (version === this.savedVersion) return;
      try {
        await saveIndex(this.options.indexDir, this.index);
        this.savedVersion = version;
      } catch (error) {
        this.options.log?.('error', `Cannot save the search index: ${(error as Error).message}`);
      }
    });
    return this.saving;
  }

  private async writeSources(): Promise<void> {
    await writeSources(this.options.indexDir, { format: 1, folders: this.folders });
  }
}

/**
 * Resolves after the event loop has polled for I/O at least once more: a file-watch event
 * the kernel queued before this call has then been handled. One `setImmediate` is not
 * enough: called from an I/O callback it runs in the same loop turn, before the next
 * poll; the second one runs in the following turn, after a poll.
 */
async function afterQueuedEvents(): Promise<void> {
  await nextTurn();
  await nextTurn();
}

function countSkipped(scan: WalkResult): number {
  return scan.skipped.tooLarge + scan.skipped.symlinks + scan.skipped.unreadable;
}

/** Reads and extracts one file; undefined when it is binary or vanished since the scan. */
async function readDocument(file: FileEntry, source: string): Promise<NewDocument | undefined> {
  const format = formatOf(file.path);
  if (!format) return undefined;
  let bytes: Buffer;
  try {
    bytes = await readFile(file.path);
  } catch {
    return undefined;
  }
  if (looksBinary(bytes)) return undefined;
  const extracted = extract(file.path, bytes.toString('utf8'), format);
  return {
    ...extracted,
    path: file.path,
    source,
    mtimeMs: file.mtimeMs,
    size: file.size,
    indexedAt: Date.now(),
  };
}

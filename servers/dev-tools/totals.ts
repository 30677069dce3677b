import type { FileResult } from './file-analyzer.js';
import type { ManifestInfo } from './manifests.js';
import type { LanguageStats, ScanReport } from './report-schema.js';
import { TODO_MARKERS, type TodoMarker } from './todo-finder.js';
import type { WalkStats } from './walker.js';

/**
 * What a scan keeps from its files: counters and short top-N lists, never contents.
 * Counter threads fill one per batch and send its plain `TotalsState` back, which the
 * main thread merges: a few hundred bytes per batch instead of one object per file.
 */

const TOP_FILES = 20;
const FIRST_TODOS = 20;
const GENERATED_LISTED = 50;
const ERRORS_LISTED = 50;

type TodoLocation = ScanReport['todos']['first'][number];

export interface TotalsState {
  files: number;
  languages: LanguageStats[];
  bytes: number;
  counted: number;
  binary: number;
  unrecognized: number;
  empty: number;
  largest: ScanReport['largestFiles'];
  todoCounts: Record<TodoMarker, number>;
  todoFirst: TodoLocation[];
  generatedCount: number;
  generatedByReason: Record<string, number>;
  generatedFirst: ScanReport['generated']['files'];
  readErrors: ScanReport['errors']['items'];
  readErrorCount: number;
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class Totals {
  private readonly languages = new Map<string, LanguageStats>();
  private s: Omit<TotalsState, 'languages'> = {
    files: 0,
    bytes: 0,
    counted: 0,
    binary: 0,
    unrecognized: 0,
    empty: 0,
    largest: [],
    todoCounts: { TODO: 0, FIXME: 0, HACK: 0 },
    todoFirst: [],
    generatedCount: 0,
    generatedByReason: {},
    generatedFirst: [],
    readErrors: [],
    readErrorCount: 0,
  };

  /** Files added or merged so far. */
  get files(): number {
    return this.s.files;
  }

  add(r: FileResult): void {
    const s = this.s;
    s.files++;
    if (r.kind === 'error') {
      s.readErrorCount++;
      if (s.readErrors.length < ERRORS_LISTED && r.error) s.readErrors.push({ path: r.rel, ...r.error });
      return;
    }
    s.bytes += r.bytes;
    if (r.bytes === 0) s.empty++;
    if (r.kind === 'binary') s.binary++;
    else if (r.kind === 'unrecognized') s.unrecognized++;
    keepLargest(s.largest, { path: r.rel, bytes: r.bytes, language: r.language ?? null });
    if (r.generated) {
      s.generatedCount++;
      s.generatedByReason[r.generated] = (s.generatedByReason[r.generated] ?? 0) + 1;
      keepFirst(
        s.generatedFirst,
        { path: r.rel, reason: r.generated, language: r.language ?? null },
        GENERATED_LISTED,
      );
    }
    if (r.kind !== 'counted' || !r.language) return;
    s.counted++;
    this.addLanguage({
      language: r.language,
      files: 1,
      code: r.code,
      comment: r.comment,
      blank: r.blank,
      bytes: r.bytes,
      commentSyntax: r.commentSyntax ?? false,
    });
    for (const todo of r.todos ?? []) {
      s.todoCounts[todo.marker]++;
      keepFirst(s.todoFirst, { ...todo, path: r.rel }, FIRST_TODOS);
    }
  }

  state(): TotalsState {
    return { ...this.s, languages: [...this.languages.values()] };
  }

  merge(other: TotalsState): void {
    const s = this.s;
    s.files += other.files;
    s.bytes += other.bytes;
    s.counted += other.counted;
    s.binary += other.binary;
    s.unrecognized += other.unrecognized;
    s.empty += other.empty;
    for (const f of other.largest) keepLargest(s.largest, f);
    for (const m of TODO_MARKERS) s.todoCounts[m] += other.todoCounts[m];
    for (const t of other.todoFirst) keepFirst(s.todoFirst, t, FIRST_TODOS);
    s.generatedCount += other.generatedCount;
    for (const [reason, n] of Object.entries(other.generatedByReason)) {
      s.generatedByReason[reason] = (s.generatedByReason[reason] ?? 0) + n;
    }
    for (const g of other.generatedFirst) keepFirst(s.generatedFirst, g, GENERATED_LISTED);
    s.readErrorCount += other.readErrorCount;
    for (const e of other.readErrors) if (s.readErrors.length < ERRORS_LISTED) s.readErrors.push(e);
    for (const l of other.languages) this.addLanguage(l);
  }

  private addLanguage(l: LanguageStats): void {
    const mine = this.languages.get(l.language);
    if (!mine) {
      this.languages.set(l.language, { ...l });
      return;
    }
    mine.files += l.files;
    mine.code += l.code;
    mine.comment += l.comment;
    mine.blank += l.blank;
    mine.bytes += l.bytes;
  }

  report(
    directory: string,
    walk: WalkStats,
    manifests: ManifestInfo[],
    manifestCount: number,
    elapsedMs: number,
  ): ScanReport {
    const s = this.s;
    const languages = [...this.languages.values()].sort(
      (a, b) => b.code - a.code || compare(a.language, b.language),
    );
    const sum = (key: 'code' | 'comment' | 'blank') => languages.reduce((n, l) => n + l[key], 0);
    return {
      directory,
      elapsedMs: Math.round(elapsedMs),
      truncated: walk.truncated,
      totals: {
        files: walk.files,
        directories: walk.directories,
        bytes: s.bytes,
        countedFiles: s.counted,
        binaryFiles: s.binary,
        unrecognizedFiles: s.unrecognized,
        emptyFiles: s.empty,
        skippedByIgnoreRules: walk.skippedIgnored,
        skippedHidden: walk.skippedHidden,
        symlinksSkipped: walk.symlinksSkipped,
        symlinkLoops: walk.symlinkLoops,
        specialFiles: walk.specialFiles,
        code: sum('code'),
        comment: sum('comment'),
        blank: sum('blank'),
      },
      languages,
      largestFiles: s.largest,
      todos: { counts: { ...s.todoCounts }, first: s.todoFirst },
      manifests: { count: manifestCount, items: manifests },
      generated: { count: s.generatedCount, byReason: s.generatedByReason, files: s.generatedFirst },
      errors: {
        count: walk.errorCount + s.readErrorCount,
        items: [...walk.errors, ...s.readErrors]
          .sort((a, b) => compare(a.path, b.path))
          .slice(0, ERRORS_LISTED),
      },
    };
  }
}

function keepLargest(list: ScanReport['largestFiles'], entry: ScanReport['largestFiles'][number]): void {
  const last = list[list.length - 1];
  if (
    list.length === TOP_FILES &&
    last &&
    (last.bytes > entry.bytes || (last.bytes === entry.bytes && last.path <= entry.path))
  ) {
    return;
  }
  const at = list.findIndex((f) => f.bytes < entry.bytes || (f.bytes === entry.bytes && f.path > entry.path));
  if (at === -1) list.push(entry);
  else list.splice(at, 0, entry);
  if (list.length > TOP_FILES) list.pop();
}

/**
 * Keeps the `limit` smallest items by path (then line), whatever order files finish in,
 * so the report does not depend on thread timing.
 */
function keepFirst<T extends { path: string; line?: number }>(list: T[], item: T, limit: number): void {
  const before = (a: T, b: T) => a.path < b.path || (a.path === b.path && (a.line ?? 0) < (b.line ?? 0));
  const last = list[list.length - 1];
  if (list.length >= limit && last && !before(item, last)) return;
  const at = list.findIndex((x) => before(item, x));
  if (at === -1) list.push(item);
  else list.splice(at, 0, item);
  if (list.length > limit) list.pop();
}

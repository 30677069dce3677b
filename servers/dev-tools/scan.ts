import { availableParallelism } from 'node:os';
import { CountPool } from './count-pool.js';
import { FileAnalyzer, type FileJob } from './file-analyzer.js';
import { isManifest, type ManifestInfo, readManifest } from './manifests.js';
import type { ScanReport } from './report-schema.js';
import { compare, Totals, type TotalsState } from './totals.js';
import { newWalkStats, type WalkOptions, type WalkStats, walk } from './walker.js';

/**
 * A project scan: walks the tree while counting files, inline for small trees and on
 * worker threads once the tree proves big. Only counters and small top-N lists are
 * kept, never file contents.
 */

export interface ScanOptions
  extends Pick<
    WalkOptions,
    'respectGitignore' | 'includeHidden' | 'followSymlinks' | 'maxFiles' | 'signal' | 'mayRead'
  > {
  /** Real path of the folder (already checked against the roots). */
  directory: string;
  /** Module that starts a counter thread (see count-pool); without it, files are counted inline. */
  workerEntry?: URL;
  /** Counter threads for big trees; default: the number of cores. */
  workers?: number;
}

export interface ScanProgress {
  phase: 'walking' | 'counting';
  walk: WalkStats;
  filesCounted: number;
}

/** Below this many files, starting threads costs more than it saves. */
const POOL_THRESHOLD = 2000;
const BATCH = 256;
/** Batches queued per thread before the walk waits (bounds memory on huge trees). */
const QUEUED_BATCHES_PER_WORKER = 8;
const YIELD_EVERY_MS = 20;
const MANIFESTS_READ = 50;

export async function scanProject(
  options: ScanOptions,
  progress?: (p: ScanProgress) => void,
): Promise<ScanReport> {
  const started = performance.now();
  const { signal } = options;
  const stats = newWalkStats();
  const state: ScanProgress = { phase: 'walking', walk: stats, filesCounted: 0 };
  const totals = new Totals();
  const manifests: { path: string; rel: string; name: string }[] = [];
  const threads = options.workers ?? availableParallelism();
  const analyzer = new FileAnalyzer();
  let pool: CountPool | undefined;
  let pending: FileJob[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: Error | undefined;
  let lastYield = performance.now();

  const take = (batch: TotalsState) => {
    totals.merge(batch);
    state.filesCounted = totals.files;
  };
  const dispatch = async (batch: FileJob[]) => {
    if (!pool && options.workerEntry && threads > 0 && stats.files >= POOL_THRESHOLD) {
      pool = new CountPool(threads, options.workerEntry);
    }
    if (!pool) {
      for (const job of batch) {
        totals.add(analyzer.analyze(job));
        state.filesCounted = totals.files;
        // Counting inline blocks the event loop: let a cancel (and progress) through every few ms.
        if (performance.now() - lastYield > YIELD_EVERY_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = performance.now();
          signal?.throwIfAborted();
        }
      }
      return;
    }
    const job = pool.run(batch).then(take, (error: Error) => {
      failure ??= error;
    });
    inFlight.add(job);
    void job.finally(() => inFlight.delete(job));
    // Back-pressure: the walk waits while the threads have enough queued.
    while (inFlight.size >= threads * QUEUED_BATCHES_PER_WORKER) await Promise.race(inFlight);
  };
  const onAbort = () => pool?.close();
  signal?.addEventListener('abort', onAbort, { once: true });

  const ticker = progress && setInterval(() => progress(state), 100);
  // Every phase is reported at least at its start and end, however fast the tree is.
  progress?.(state);
  try {
    await walk(
      options.directory,
      {
        respectGitignore: options.respectGitignore,
        includeHidden: options.includeHidden,
        followSymlinks: options.followSymlinks,
        maxFiles: options.maxFiles,
        signal,
        mayRead: options.mayRead,
      },
      {
        onFile: (file) => {
          if (isManifest(file.name)) manifests.push({ path: file.path, rel: file.rel, name: file.name });
          pending.push(file);
          if (pending.length < BATCH) return;
          const batch = pending;
          pending = [];
          return dispatch(batch);
        },
      },
      stats,
    );
    progress?.(state);
    state.phase = 'counting';
    if (pending.length > 0) await dispatch(pending);
    pending = [];
    while (inFlight.size > 0) await Promise.race(inFlight);
    signal?.throwIfAborted();
    if (failure) throw failure;
    const manifestInfos = await readManifests(manifests, signal);
    signal?.throwIfAborted();
    progress?.(state);
    return totals.report(
      options.directory,
      stats,
      manifestInfos,
      manifests.length,
      performance.now() - started,
    );
  } finally {
    if (ticker) clearInterval(ticker);
    signal?.removeEventListener('abort', onAbort);
    pool?.close();
  }
}

/** The shallowest manifests first (the project's own before its vendored ones). */
async function readManifests(
  found: { path: string; rel: string; name: string }[],
  signal?: AbortSignal,
): Promise<ManifestInfo[]> {
  const depth = (rel: string) => rel.split('/').length;
  const chosen = [...found]
    .sort((a, b) => depth(a.rel) - depth(b.rel) || compare(a.rel, b.rel))
    .slice(0, MANIFESTS_READ);
  const infos: ManifestInfo[] = [];
  for (const m of chosen) {
    signal?.throwIfAborted();
    infos.push(await readManifest(m.path, m.rel, m.name));
  }
  return infos;
}

import { newWalkStats, type WalkOptions, walk } from './walker.js';

/**
 * A bounded pre-count the hub runs before calling scan_project, to choose between a
 * plain call (small folder, answered inline) and a task (large folder, live progress).
 * It walks with the scan's own rules but stops at `limit` files or `timeoutMs`, reads
 * no file contents, and imports nothing from the server runtime.
 */

export interface PrecountOptions
  extends Pick<WalkOptions, 'respectGitignore' | 'includeHidden' | 'followSymlinks' | 'mayRead'> {
  /** Stop after this many files (default 2000). */
  limit?: number;
  /** Stop after this long (default 300 ms): a slow disk means a task anyway. */
  timeoutMs?: number;
}

export interface Precount {
  files: number;
  directories: number;
  /** The limit or the time budget stopped the count: the folder is at least this big. */
  incomplete: boolean;
  elapsedMs: number;
  /** Run the scan as a task (the folder is big, or slow to list). */
  suggestTask: boolean;
}

export const DEFAULT_PRECOUNT_LIMIT = 2000;
const DEFAULT_TIMEOUT_MS = 300;

export async function precountFiles(directory: string, options: PrecountOptions): Promise<Precount> {
  const limit = options.limit ?? DEFAULT_PRECOUNT_LIMIT;
  const started = performance.now();
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const stats = newWalkStats();
  let timedOut = false;
  try {
    await walk(directory, { ...options, maxFiles: limit, signal: timeout }, { onFile: () => {} }, stats);
  } catch (error) {
    if (!timeout.aborted) throw error;
    timedOut = true;
  }
  const incomplete = timedOut || stats.truncated;
  return {
    files: stats.files,
    directories: stats.directories,
    incomplete,
    elapsedMs: Math.round(performance.now() - started),
    suggestTask: incomplete,
  };
}

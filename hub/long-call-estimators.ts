import { estimateCsvRows } from '../servers/analytics/row-estimate.js';
import { precountFiles } from '../servers/dev-tools/precount.js';
import { needsReindex } from '../servers/knowledge/freshness.js';
import type { LongCallEstimator } from './hub.js';

/** Files of at most this many rows are profiled inline (issue: "small files answer inline"). */
const CSV_INLINE_ROWS = 1000;

/**
 * How the hub decides, for the bundled tools whose taskSupport is `optional`, whether
 * a call is long enough to run as a task (live progress, cancel) or answers inline.
 * A tool not listed here runs as a task.
 */
export const BUNDLED_LONG_CALL_ESTIMATORS: Record<string, LongCallEstimator> = {
  /** A CSV file of over 1000 rows, estimated from a sample of the file. */
  analyze_csv: async (args) =>
    typeof args.filePath === 'string' && (await estimateCsvRows(args.filePath)) > CSV_INLINE_ROWS,
  /** A large folder (over the pre-count's bound, or slow to list). */
  scan_project: async (args) => {
    if (typeof args.directory !== 'string') return false;
    const count = await precountFiles(args.directory, {
      respectGitignore: args.respectGitignore !== false,
      includeHidden: args.includeHidden === true,
      followSymlinks: args.followSymlinks === true,
    });
    return count.suggestTask;
  },
  /** A search that must first (re)index changed files: the server's own freshness check. */
  search_documents: async (_args, { env, roots }) => (await needsReindex({ env, roots })).stale,
};

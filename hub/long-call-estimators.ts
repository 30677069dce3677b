import { precountFiles } from '../servers/dev-tools/precount.js';
import type { LongCallEstimator } from './hub.js';

/**
 * How the hub decides, for the bundled tools whose taskSupport is `optional`, whether
 * a call is long enough to run as a task (live progress, cancel) or answers inline.
 * A tool not listed here runs as a task.
 */
export const BUNDLED_LONG_CALL_ESTIMATORS: Record<string, LongCallEstimator> = {
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
};

import { isInside } from '@taskdeck/node-common/paths';
import { type TaskServer, textResult } from '@taskdeck/task-runtime/task-server';
import { z } from 'zod';
import { scanReportSchema } from './report-schema.js';
import { type ScanProgress, scanProject } from './scan.js';
import { formatSummary } from './summary.js';

export const scanProjectInput = z.strictObject({
  directory: z
    .string()
    .min(1, 'must not be empty')
    .describe(
      'Absolute path of the project folder to scan; it must lie inside the folders the client granted (MCP roots).',
    ),
  respectGitignore: z
    .boolean()
    .default(true)
    .describe(
      'Skip what git ignores: nested .gitignore files (negations included), .git/info/exclude, and .git/ itself.',
    ),
  includeHidden: z
    .boolean()
    .default(false)
    .describe('Also scan files and folders whose name starts with a dot.'),
  maxFiles: z
    .number()
    .int('must be a whole number')
    .positive('must be at least 1')
    .max(10_000_000)
    .optional()
    .describe('Stop after this many files and report a partial result (default: no limit).'),
  followSymlinks: z
    .boolean()
    .default(false)
    .describe('Follow symbolic links to folders and files (each real folder is scanned once, so loops end).'),
});

/**
 * scan_project: the shape of a project folder (languages, code/comment/blank lines,
 * largest files, TODOs, manifests, generated files). Task support is optional: Taskdeck's
 * hub calls it as a task; other clients may call it plainly.
 */
export function registerScanProject(server: TaskServer, workerEntry: URL | undefined): void {
  server.taskTool({
    name: 'scan_project',
    title: 'Scan project folder',
    description:
      'Scans a project folder like cloc/tokei/scc: files, folders and bytes; code, comment and blank lines per language ' +
      '(each language’s comment syntax); the 20 largest files; TODO/FIXME/HACK markers in comments; manifests ' +
      '(package.json, Cargo.toml, pyproject.toml, go.mod, pom.xml, ...) with dependency counts; generated and minified ' +
      'files; unreadable entries. Run big folders as a task for live progress and cancel.',
    input: scanProjectInput,
    output: scanReportSchema,
    taskSupport: 'optional',
    annotations: { readOnlyHint: true, openWorldHint: false },
    run: async (args, ctx) => {
      const directory = await server.roots.resolve(args.directory, 'directory');
      const roots = await server.roots.roots();
      ctx.status(`Walking ${directory}`);
      const report = await scanProject(
        {
          directory,
          respectGitignore: args.respectGitignore,
          includeHidden: args.includeHidden,
          followSymlinks: args.followSymlinks,
          maxFiles: args.maxFiles,
          signal: ctx.signal,
          mayRead: roots && ((path) => roots.some((root) => isInside(path, root))),
          workerEntry,
        },
        (p) => reportProgress(ctx, p),
      );
      return textResult(formatSummary(report), report);
    },
  });
}

/**
 * Two phases on one rising scale: while walking, entries found (no total yet); then
 * entries plus files counted, out of entries plus files to count, so the bar fills.
 */
function reportProgress(
  ctx: { progress(done: number, total?: number, message?: string): void },
  p: ScanProgress,
): void {
  const w = p.walk;
  const entries = w.files + w.directories + w.skippedIgnored + w.skippedHidden + w.symlinksSkipped;
  if (p.phase === 'walking') {
    ctx.progress(
      entries + p.filesCounted,
      undefined,
      `Walking: ${entries} entries found, in ${w.currentDirectory || '.'}`,
    );
  } else {
    ctx.progress(
      entries + p.filesCounted,
      entries + w.files,
      `Counting: ${p.filesCounted} of ${w.files} files`,
    );
  }
}

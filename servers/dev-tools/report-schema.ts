import { z } from 'zod';

/** The structured result of scan_project (its outputSchema). */

const count = z.number().int().nonnegative();

export const languageStatsSchema = z.object({
  language: z.string().describe('GitHub Linguist language name'),
  files: count,
  code: count,
  comment: count,
  blank: count,
  bytes: count,
  commentSyntax: z
    .boolean()
    .describe('False when comments are not recognized for this language: non-blank lines count as code'),
});

export const scanReportSchema = z.object({
  directory: z.string().describe('The scanned folder (real path)'),
  elapsedMs: z.number().nonnegative(),
  truncated: z.boolean().describe('True when maxFiles stopped the walk early'),
  totals: z.object({
    files: count.describe('Files found (after ignore rules)'),
    directories: count,
    bytes: count,
    countedFiles: count.describe('Text files of a recognized language, lines counted'),
    binaryFiles: count,
    unrecognizedFiles: count.describe('Text files of no recognized language'),
    emptyFiles: count,
    skippedByIgnoreRules: count,
    skippedHidden: count,
    symlinksSkipped: count,
    symlinkLoops: count,
    specialFiles: count.describe('Sockets, FIFOs and devices (never read)'),
    code: count,
    comment: count,
    blank: count,
  }),
  languages: z.array(languageStatsSchema).describe('Per language, most code first'),
  largestFiles: z.array(z.object({ path: z.string(), bytes: count, language: z.string().nullable() })),
  todos: z.object({
    counts: z.object({ TODO: count, FIXME: count, HACK: count }),
    first: z
      .array(
        z.object({
          marker: z.enum(['TODO', 'FIXME', 'HACK']),
          path: z.string(),
          line: count,
          text: z.string(),
        }),
      )
      .describe('The first locations, by path'),
  }),
  manifests: z.object({
    count,
    items: z.array(
      z.object({
        path: z.string(),
        ecosystem: z.string(),
        name: z.string().optional(),
        version: z.string().optional(),
        dependencies: z.record(z.string(), count),
        totalDependencies: count,
        error: z.string().optional(),
      }),
    ),
  }),
  generated: z.object({
    count,
    byReason: z.record(z.string(), count),
    files: z.array(z.object({ path: z.string(), reason: z.string(), language: z.string().nullable() })),
  }),
  errors: z.object({
    count,
    items: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })),
  }),
});

export type ScanReport = z.infer<typeof scanReportSchema>;
export type LanguageStats = z.infer<typeof languageStatsSchema>;

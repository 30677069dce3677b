/**
 * The structured results the UI draws specially, as lenient schemas: only the fields the
 * views use. A result that does not match falls back to the generic view, so a server that
 * changes its output degrades to plain JSON instead of breaking the detail pane.
 */
import { z } from 'zod';

const typed = z.union([z.number(), z.string()]);

export const CsvProfileShape = z.object({
  file: z.object({
    path: z.string(),
    bytes: z.number(),
    encoding: z.string(),
    delimiter: z.string(),
    hasHeader: z.boolean(),
  }),
  rows: z.number(),
  columnCount: z.number(),
  complete: z.boolean(),
  elapsedMs: z.number(),
  raggedRows: z.object({ count: z.number() }),
  warnings: z.array(z.string()),
  detail: z.object({ omittedColumns: z.number() }).optional(),
  columns: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      count: z.number(),
      nulls: z.number(),
      empty: z.number(),
      distinct: z.object({ count: z.number(), exact: z.boolean(), allDistinct: z.boolean().optional() }),
      min: typed.nullable(),
      max: typed.nullable(),
      mean: typed.nullable(),
      stddev: z.number().nullable(),
      topValues: z.object({ values: z.array(z.object({ value: z.string(), count: z.number() })) }),
      histogram: z
        .object({
          bins: z.array(z.object({ from: typed, to: typed, count: z.number() })),
          inclusive: z.boolean().optional(),
        })
        .nullable(),
      truncated: z.boolean().optional(),
    }),
  ),
});
export type CsvProfile = z.infer<typeof CsvProfileShape>;

export const ScanReportShape = z.object({
  directory: z.string(),
  elapsedMs: z.number(),
  truncated: z.boolean(),
  totals: z.object({
    files: z.number(),
    directories: z.number(),
    bytes: z.number(),
    code: z.number(),
    comment: z.number(),
    blank: z.number(),
  }),
  languages: z.array(
    z.object({
      language: z.string(),
      files: z.number(),
      code: z.number(),
      comment: z.number(),
      blank: z.number(),
    }),
  ),
  largestFiles: z.array(z.object({ path: z.string(), bytes: z.number(), language: z.string().nullable() })),
  todos: z.object({
    counts: z.record(z.string(), z.number()),
    first: z.array(z.object({ marker: z.string(), path: z.string(), line: z.number(), text: z.string() })),
  }),
  errors: z
    .object({ count: z.number(), items: z.array(z.object({ path: z.string(), message: z.string() })) })
    .optional(),
});
export type ScanReport = z.infer<typeof ScanReportShape>;

export const DeployShape = z.object({
  service: z.string(),
  environment: z.string(),
  fromVersion: z.string(),
  toVersion: z.string(),
  dryRun: z.boolean().optional(),
  outcome: z.string(),
  steps: z.array(
    z.object({
      name: z.string(),
      status: z.string(),
      message: z.string(),
      startedAt: z.string(),
      finishedAt: z.string(),
    }),
  ),
});
export type DeployResult = z.infer<typeof DeployShape>;

const Range = z.object({ start: z.number(), end: z.number() });
export const SearchShape = z.object({
  query: z.string(),
  total: z.number(),
  relaxed: z.boolean().optional(),
  notices: z.array(z.string()).optional(),
  results: z.array(
    z.object({
      title: z.string(),
      titleHighlights: z.array(Range).optional(),
      path: z.string(),
      source: z.string().optional(),
      score: z.number().optional(),
      snippet: z.object({ text: z.string(), highlights: z.array(Range) }),
    }),
  ),
});
export type SearchResults = z.infer<typeof SearchShape>;

/** A data file a tool wrote for the user (generate_sample_data): where, what and how big. */
export const SampleDataShape = z.object({
  path: z.string(),
  format: z.string(),
  recordCount: z.number(),
  bytes: z.number(),
  seed: z.number().optional(),
});
export type SampleData = z.infer<typeof SampleDataShape>;

export type ResultKind =
  | { kind: 'csv-profile'; data: CsvProfile }
  | { kind: 'scan-report'; data: ScanReport }
  | { kind: 'deploy'; data: DeployResult }
  | { kind: 'search'; data: SearchResults }
  | { kind: 'sample-data'; data: SampleData }
  | { kind: 'generic' };

/** Picks the view for a tool's structured result: by tool name first, then by shape. */
export function classifyResult(tool: string, structured: unknown): ResultKind {
  if (structured === undefined || structured === null) return { kind: 'generic' };
  const tries: [string, ResultKind['kind'], z.ZodType][] = [
    ['analyze_csv', 'csv-profile', CsvProfileShape],
    ['scan_project', 'scan-report', ScanReportShape],
    ['deploy_service', 'deploy', DeployShape],
    ['search_documents', 'search', SearchShape],
    ['generate_sample_data', 'sample-data', SampleDataShape],
  ];
  const ordered = [...tries.filter(([name]) => name === tool), ...tries.filter(([name]) => name !== tool)];
  for (const [, kind, shape] of ordered) {
    const parsed = shape.safeParse(structured);
    if (parsed.success) return { kind, data: parsed.data } as ResultKind;
  }
  return { kind: 'generic' };
}

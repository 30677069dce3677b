import { errorResult, type TaskServer, textResult } from '@taskdeck/task-runtime/task-server';
import { z } from 'zod';
import type { KnowledgeBase } from '../knowledge-base.js';
import { plural } from '../plural.js';
import { parseQuery, QUERY_SYNTAX, QueryError } from '../query.js';
import { highlightAll, makeSnippet } from '../snippets.js';

const Highlight = z.object({ start: z.number().int(), end: z.number().int() });
export const SearchOutput = z.object({
  query: z.string(),
  total: z.number().int().describe('Matching documents; `results` holds the best `limit` of them.'),
  totalIsEstimate: z
    .boolean()
    .describe('True when `total` is estimated (a phrase query over very many candidates).'),
  relaxed: z
    .boolean()
    .describe('True when no document had every word, so documents with some of them are shown.'),
  ignoredWords: z.array(z.string()).describe('Common words left out of the search.'),
  results: z.array(
    z.object({
      id: z.string().describe('Pass to get_document.'),
      title: z.string(),
      titleHighlights: z.array(Highlight),
      path: z.string(),
      source: z.string(),
      format: z.string(),
      category: z.string(),
      tags: z.array(z.string()),
      score: z.number(),
      snippet: z.object({
        text: z.string(),
        highlights: z.array(Highlight).describe('Ranges of snippet.text that matched.'),
        offset: z.number().int().describe('Where the snippet starts in the document text.'),
      }),
    }),
  ),
  reindexed: z
    .object({ added: z.number(), updated: z.number(), removed: z.number(), skipped: z.number() })
    .describe('Files indexed before searching because they changed on disk.'),
  notices: z.array(z.string()),
});

export function registerSearchDocuments(server: TaskServer, knowledge: () => Promise<KnowledgeBase>): void {
  server.taskTool({
    name: 'search_documents',
    title: 'Search documents',
    description:
      'Ranked full-text search (BM25) over the bundled Taskdeck guides and the folders added with add_folder. ' +
      `${QUERY_SYNTAX} Returns snippets with highlight ranges. Runs inline when the index is up to date; ` +
      'if files changed on disk it re-indexes them first, with progress (call it as a task then).',
    input: z.strictObject({
      query: z.string().describe(`What to look for. ${QUERY_SYNTAX}`),
      category: z
        .string()
        .trim()
        .min(1)
        .max(100)
        .optional()
        .describe(
          'Only documents in this category: guide, markdown, text, html, code, or one set in a front matter.',
        ),
      tags: z
        .array(z.string().trim().min(1).max(100))
        .max(20)
        .optional()
        .describe(
          'Only documents carrying all these tags (front-matter tags; source files are tagged with their language).',
        ),
      limit: z
        .number()
        .int()
        .min(1)
        .max(50)
        .default(10)
        .describe('How many results to return, 1 to 50 (default 10).'),
    }),
    output: SearchOutput,
    taskSupport: 'optional',
    pollIntervalMs: 250,
    async run(args, ctx) {
      let parsed: ReturnType<typeof parseQuery>;
      try {
        parsed = parseQuery(args.query);
      } catch (error) {
        if (error instanceof QueryError) return errorResult(error.message);
        throw error;
      }
      const base = await knowledge();
      const reindexed = await base.refresh(ctx, { reuseRecentScan: true });
      const ranked = base.search(parsed, { category: args.category, tags: args.tags }, args.limit);
      const notices = base.takeNotices();
      if (ranked.total === 0 && (args.category || args.tags))
        notices.push(describeFilters(base, args.category, args.tags));
      const results = ranked.hits.map(({ record, score, terms }) => {
        const matched = new Set(terms);
        return {
          id: record.path,
          title: record.title,
          titleHighlights: highlightAll(record.title, matched, ranked.phrases),
          path: record.path,
          source: record.source,
          format: record.format,
          category: record.category,
          tags: record.tags,
          score: Math.round(score * 1000) / 1000,
          snippet: makeSnippet(record.text, matched, ranked.phrases),
        };
      });
      const output: z.output<typeof SearchOutput> = {
        query: args.query,
        total: ranked.total,
        totalIsEstimate: ranked.totalIsEstimate,
        relaxed: ranked.relaxed,
        ignoredWords: [...new Set(parsed.ignored)],
        results,
        reindexed,
        notices,
      };
      return textResult(describe(output), output);
    },
  });
}

function describeFilters(
  base: KnowledgeBase,
  category: string | undefined,
  tags: string[] | undefined,
): string {
  const facets = base.facets();
  const parts: string[] = [];
  if (category && !facets.categories.includes(category.toLowerCase())) {
    parts.push(
      `no document has category "${category}" (categories: ${facets.categories.join(', ') || 'none'})`,
    );
  }
  const unknown = (tags ?? []).filter((t) => !facets.tags.includes(t.toLowerCase()));
  if (unknown.length > 0)
    parts.push(
      `no document has tag ${unknown.map((t) => `"${t}"`).join(', ')} (tags: ${facets.tags.join(', ') || 'none'})`,
    );
  return parts.length > 0
    ? `Nothing matched because ${parts.join('; ')}.`
    : 'No document matches the query together with these filters.';
}

/** The answer first (its first line is the task's closing status), then how it was reached. */
function describe(output: z.output<typeof SearchOutput>): string {
  const { added, updated, removed } = output.reindexed;
  const indexed =
    added + updated + removed > 0
      ? [`Indexed changes first: ${added} added, ${updated} updated, ${removed} removed.`]
      : [];
  if (output.total === 0)
    return [`No document matches "${output.query}".`, ...output.notices, ...indexed].join('\n');
  const shown = output.results.length;
  const lines = [
    `${output.totalIsEstimate ? 'About ' : ''}${plural(output.total, 'document')} ${output.total === 1 ? 'matches' : 'match'} "${output.query}"${shown < output.total ? ` (best ${shown} shown)` : ''}.`,
    ...output.notices,
    ...indexed,
  ];
  if (output.relaxed) lines.push('No document has all the words; showing documents with some of them.');
  for (const [i, r] of output.results.entries())
    lines.push(`${i + 1}. ${r.title} (${r.path})`, `   ${r.snippet.text}`);
  return lines.join('\n');
}

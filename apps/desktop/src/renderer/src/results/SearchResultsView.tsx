import type { ReactNode } from 'react';
import { plural } from '../lib/format';
import { plainSnippet } from '../lib/plain-snippet';
import type { SearchResults } from './shapes';

/** Text with the given [start, end) ranges wrapped in <mark>; bad ranges are ignored. */
export function Highlighted({
  text,
  ranges,
}: {
  text: string;
  ranges: readonly { start: number; end: number }[];
}) {
  const sorted = [...ranges]
    .filter((r) => r.start >= 0 && r.end > r.start && r.end <= text.length)
    .sort((a, b) => a.start - b.start);
  const parts: ReactNode[] = [];
  let at = 0;
  for (const range of sorted) {
    if (range.start < at) continue;
    if (range.start > at) parts.push(text.slice(at, range.start));
    parts.push(<mark key={range.start}>{text.slice(range.start, range.end)}</mark>);
    at = range.end;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}

/** search_documents: ranked results with highlighted titles and snippets. */
export function SearchResultsView({ search }: { search: SearchResults }) {
  return (
    <div className="space-y-3" data-testid="search-results">
      <p className="text-sm">
        {search.total === 0
          ? `No document matches “${search.query}”.`
          : `${plural(search.total, 'document')} ${search.total === 1 ? 'matches' : 'match'} “${search.query}”`}
        {search.relaxed && ' (no document has every word; showing partial matches)'}
      </p>
      {search.notices?.map((notice) => (
        <p key={notice} className="text-xs text-amber-700 dark:text-amber-300">
          {notice}
        </p>
      ))}
      <ol className="space-y-3">
        {search.results.map((result) => {
          const snippet = plainSnippet(result.snippet.text, result.snippet.highlights);
          return (
            <li key={result.path} className="space-y-0.5" data-testid="search-result">
              <p className="font-medium">
                <Highlighted text={result.title} ranges={result.titleHighlights ?? []} />
              </p>
              <p
                className="truncate font-mono text-[11px] text-neutral-600 dark:text-neutral-400"
                title={result.path}
              >
                {result.path}
              </p>
              <p className="text-sm text-neutral-700 dark:text-neutral-300">
                <Highlighted text={snippet.text} ranges={snippet.highlights} />
              </p>
            </li>
          );
        })}
      </ol>
    </div>
  );
}

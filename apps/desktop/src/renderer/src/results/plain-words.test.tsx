// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { reactRoot } from '../../test/react-root';
import { ScanReportView } from './ScanReportView';
import { SearchResultsView } from './SearchResultsView';
import { classifyResult, type ScanReport, type SearchResults } from './shapes';

// The result views in plain words (issue 12, item 10): counts agree with their nouns, and a
// chart's legend never lists a share that reads "0 %".

const dom = reactRoot();

function search(total: number): SearchResults {
  const result = { title: 'Cancel a task', path: 'tasks.md', snippet: { text: 'cancel', highlights: [] } };
  const classified = classifyResult('search_documents', {
    query: 'cancel',
    total,
    results: Array.from({ length: total }, () => result),
  });
  if (classified.kind !== 'search') throw new Error('not recognised as search results');
  return classified.data;
}

function scan(languages: { language: string; code: number }[]): ScanReport {
  const classified = classifyResult('scan_project', {
    directory: '/src/app',
    elapsedMs: 40,
    truncated: false,
    totals: { files: 3, directories: 1, bytes: 1000, code: 10_000, comment: 0, blank: 0 },
    languages: languages.map((l) => ({ ...l, files: 1, comment: 0, blank: 0 })),
    largestFiles: [],
    todos: { counts: {}, first: [] },
  });
  if (classified.kind !== 'scan-report') throw new Error('not recognised as a scan report');
  return classified.data;
}

describe('result views in plain words', () => {
  it('says "1 document matches" and "2 documents match"', () => {
    act(() => dom.root.render(<SearchResultsView search={search(1)} />));
    expect(dom.container.textContent).toContain('1 document matches “cancel”');
    expect(dom.container.textContent).not.toContain('1 documents');
    act(() => dom.root.render(<SearchResultsView search={search(2)} />));
    expect(dom.container.textContent).toContain('2 documents match “cancel”');
  });

  it('leaves a language under half a percent out of the legend, and keeps it in the table', () => {
    const report = scan([
      { language: 'TypeScript', code: 9_970 },
      { language: 'Shell', code: 30 },
    ]);
    act(() => dom.root.render(<ScanReportView report={report} />));
    const legend = dom.container.querySelector('[data-testid=language-chart] ul');
    expect(legend?.textContent).toContain('TypeScript');
    expect(legend?.textContent).not.toContain('Shell');
    expect(legend?.textContent).not.toMatch(/\b0 %/);
    expect(dom.container.textContent).toContain('Shell');
  });
});

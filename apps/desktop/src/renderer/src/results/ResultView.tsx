import type { ToolResult } from '@taskdeck/contract';
import { useMemo } from 'react';
import { ScrollingText } from '../components/ui';
import { CsvProfileView } from './CsvProfileView';
import { DeployView } from './DeployView';
import { SampleDataView } from './SampleDataView';
import { ScanReportView } from './ScanReportView';
import { SearchResultsView } from './SearchResultsView';
import { classifyResult } from './shapes';

/** The result's text blocks as one string (what a tool says in words). */
export function resultText(result: ToolResult): string {
  return textOf(result.content).join('\n\n');
}

function textOf(content: unknown[]): string[] {
  return content.flatMap((block) =>
    typeof block === 'object' &&
    block !== null &&
    (block as { type?: unknown }).type === 'text' &&
    typeof (block as { text?: unknown }).text === 'string'
      ? [(block as { text: string }).text]
      : [],
  );
}

/** Any tool: its text content and its structured content as JSON. */
function GenericResult({ result }: { result: ToolResult }) {
  const texts = textOf(result.content);
  const others = result.content.length - texts.length;
  return (
    <div className="space-y-3" data-testid="generic-result">
      {texts.length > 0 && (
        <pre className="whitespace-pre-wrap break-words rounded-md bg-neutral-100 p-3 font-mono text-xs dark:bg-neutral-950">
          {texts.join('\n\n')}
        </pre>
      )}
      {others > 0 && (
        <p className="text-xs text-neutral-600 dark:text-neutral-400">
          {others === 1 ? '1 part of the result' : `${others} parts of the result`} (images, files) not shown.
        </p>
      )}
      {result.structuredContent && (
        <details open={texts.length === 0}>
          <summary className="cursor-pointer text-xs text-neutral-600 dark:text-neutral-400">Data</summary>
          <ScrollingText className="mt-1 max-h-96 rounded-md bg-neutral-100 p-3 font-mono text-xs dark:bg-neutral-950">
            {JSON.stringify(result.structuredContent, null, 2)}
          </ScrollingText>
        </details>
      )}
      {texts.length === 0 && !result.structuredContent && (
        <p className="text-sm text-neutral-600 dark:text-neutral-400">The tool returned nothing to show.</p>
      )}
    </div>
  );
}

/**
 * The result drawn for what it is, or the generic view when its shape is not one we know.
 * `error`: the task's error, shown above the result already, so its text is not repeated.
 */
export function ResultView({ tool, result, error }: { tool: string; result: ToolResult; error?: string }) {
  const classified = useMemo(
    () => classifyResult(tool, result.structuredContent),
    [tool, result.structuredContent],
  );
  switch (classified.kind) {
    case 'csv-profile':
      return <CsvProfileView profile={classified.data} />;
    case 'scan-report':
      return <ScanReportView report={classified.data} />;
    case 'deploy':
      return (
        <div className="space-y-3">
          <DeployView deploy={classified.data} />
          {result.isError && resultText(result) !== error && (
            <GenericResult result={{ content: result.content }} />
          )}
        </div>
      );
    case 'search':
      return <SearchResultsView search={classified.data} />;
    case 'sample-data':
      return <SampleDataView sample={classified.data} />;
    default:
      return <GenericResult result={result} />;
  }
}

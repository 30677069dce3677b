import { formatBytes } from '@taskdeck/client/format';
import { formatDuration, formatNumber } from '../lib/format';
import type { ScanReport } from './shapes';

const PALETTE = [
  'bg-sky-500',
  'bg-emerald-500',
  'bg-amber-500',
  'bg-violet-500',
  'bg-rose-500',
  'bg-teal-500',
  'bg-orange-500',
  'bg-neutral-400',
];

function relative(path: string, root: string): string {
  return path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
}

/** Share of code lines per language: one stacked bar plus a legend with the numbers. */
function LanguageChart({ report }: { report: ScanReport }) {
  const total = report.languages.reduce((sum, l) => sum + l.code, 0);
  const shown = report.languages.slice(0, PALETTE.length - 1);
  const rest = report.languages.slice(PALETTE.length - 1);
  const slices = [
    ...shown.map((l) => ({ name: l.language, code: l.code, files: l.files })),
    ...(rest.length > 0
      ? [
          {
            name: `${rest.length} more`,
            code: rest.reduce((s, l) => s + l.code, 0),
            files: rest.reduce((s, l) => s + l.files, 0),
          },
        ]
      : []),
  ];
  if (total === 0) return <p className="text-sm text-neutral-500">No code lines in a recognised language.</p>;
  return (
    <figure className="space-y-2" aria-label="Languages by lines of code" data-testid="language-chart">
      <div className="flex h-3 overflow-hidden rounded-full">
        {slices.map((slice, i) => (
          <div
            key={slice.name}
            className={PALETTE[i]}
            style={{ width: `${(slice.code / total) * 100}%` }}
            title={`${slice.name}: ${formatNumber(slice.code)} lines`}
          />
        ))}
      </div>
      <ul className="grid grid-cols-2 gap-x-4 gap-y-0.5 text-xs sm:grid-cols-3">
        {/* A language under half a percent would read "0 %": it stays in the table below. */}
        {slices
          .map((slice, i) => ({ slice, i }))
          .filter(({ slice }) => Math.round((slice.code / total) * 100) > 0)
          .map(({ slice, i }) => (
            <li key={slice.name} className="flex items-center gap-1.5">
              <span className={`size-2 shrink-0 rounded-full ${PALETTE[i]}`} />
              <span className="truncate">{slice.name}</span>
              <span className="ml-auto tabular-nums text-neutral-500">
                {Math.round((slice.code / total) * 100)} %
              </span>
            </li>
          ))}
      </ul>
    </figure>
  );
}

/** scan_project: totals, the language breakdown, the largest files and TODO markers. */
export function ScanReportView({ report }: { report: ScanReport }) {
  const { totals } = report;
  const todoCounts = Object.entries(report.todos.counts).filter(([, n]) => n > 0);
  return (
    <div className="space-y-4" data-testid="scan-report">
      <p className="text-sm">
        <strong>{formatNumber(totals.files)}</strong> files in {formatNumber(totals.directories)} folders ·{' '}
        {formatBytes(totals.bytes)} · {formatNumber(totals.code)} code, {formatNumber(totals.comment)}{' '}
        comment, {formatNumber(totals.blank)} blank lines · {formatDuration(report.elapsedMs)}
        {report.truncated && ' · stopped at the file limit'}
      </p>
      <LanguageChart report={report} />
      <table className="w-full text-left text-xs">
        <caption className="pb-1 text-left text-xs font-semibold text-neutral-500">Languages</caption>
        <thead className="text-neutral-500">
          <tr>
            <th className="py-0.5 font-medium">Language</th>
            <th className="text-right font-medium">Files</th>
            <th className="text-right font-medium">Code</th>
            <th className="text-right font-medium">Comments</th>
            <th className="text-right font-medium">Blank</th>
          </tr>
        </thead>
        <tbody className="tabular-nums">
          {report.languages.slice(0, 15).map((l) => (
            <tr key={l.language} className="border-t border-neutral-100 dark:border-neutral-800">
              <td className="py-0.5">{l.language}</td>
              <td className="text-right">{formatNumber(l.files)}</td>
              <td className="text-right">{formatNumber(l.code)}</td>
              <td className="text-right">{formatNumber(l.comment)}</td>
              <td className="text-right">{formatNumber(l.blank)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.largestFiles.length > 0 && (
        <div className="space-y-1">
          <h4 className="text-xs font-semibold text-neutral-500">Largest files</h4>
          <ol className="space-y-0.5 text-xs">
            {report.largestFiles.slice(0, 10).map((file) => (
              <li key={file.path} className="flex gap-2">
                <span className="min-w-0 flex-1 truncate font-mono" title={file.path}>
                  {relative(file.path, report.directory)}
                </span>
                <span className="text-neutral-500">{file.language ?? ''}</span>
                <span className="w-16 text-right tabular-nums">{formatBytes(file.bytes)}</span>
              </li>
            ))}
          </ol>
        </div>
      )}
      <div className="space-y-1">
        <h4 className="text-xs font-semibold text-neutral-500">
          TODOs {todoCounts.length > 0 && `(${todoCounts.map(([marker, n]) => `${n} ${marker}`).join(', ')})`}
        </h4>
        {report.todos.first.length === 0 ? (
          <p className="text-xs text-neutral-500">No TODO, FIXME or HACK markers in comments.</p>
        ) : (
          <ul className="space-y-0.5 text-xs" data-testid="todo-list">
            {report.todos.first.slice(0, 20).map((todo) => (
              <li key={`${todo.path}:${todo.line}`} className="flex gap-2">
                <span className="shrink-0 rounded bg-amber-100 px-1 font-mono text-[10px] text-amber-900 dark:bg-amber-950 dark:text-amber-200">
                  {todo.marker}
                </span>
                <span className="shrink-0 font-mono text-neutral-500">
                  {relative(todo.path, report.directory)}:{todo.line}
                </span>
                <span className="truncate">{todo.text}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      {report.errors && report.errors.count > 0 && (
        <p className="text-xs text-amber-700 dark:text-amber-300">
          {report.errors.count} entries could not be read (first: {report.errors.items[0]?.path}:{' '}
          {report.errors.items[0]?.message})
        </p>
      )}
    </div>
  );
}

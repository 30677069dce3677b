import { formatBytes } from '@taskdeck/client/format';
import { formatDuration, formatNumber } from '../lib/format';
import type { CsvProfile } from './shapes';

type Column = CsvProfile['columns'][number];

const show = (value: number | string | null): string =>
  value === null ? '—' : typeof value === 'number' ? formatNumber(value) : value;

function Histogram({ column }: { column: Column }) {
  const bins = column.histogram?.bins ?? [];
  if (bins.length === 0) return null;
  const peak = Math.max(1, ...bins.map((bin) => bin.count));
  return (
    <figure className="space-y-1" aria-label={`Histogram of ${column.name}`}>
      <div className="flex h-12 items-end gap-px" data-testid="histogram">
        {bins.map((bin) => (
          <div
            key={`${bin.from}`}
            title={`${bin.from === bin.to ? show(bin.from) : `${show(bin.from)} – ${show(bin.to)}`}: ${formatNumber(bin.count)}`}
            className="min-w-0 flex-1 rounded-t-sm bg-sky-500/80 dark:bg-sky-400/70"
            style={{ height: `${Math.max(bin.count > 0 ? 4 : 0, (bin.count / peak) * 100)}%` }}
          />
        ))}
      </div>
      <figcaption className="flex justify-between text-[10px] text-neutral-500">
        <span>{show(bins[0]?.from ?? null)}</span>
        <span>{show(bins.at(-1)?.to ?? null)}</span>
      </figcaption>
    </figure>
  );
}

function ColumnCard({ column, rows }: { column: Column; rows: number }) {
  const stats: [string, string][] = [
    ['values', formatNumber(column.count)],
    [
      'nulls',
      `${formatNumber(column.nulls)}${rows > 0 ? ` (${Math.round((column.nulls / rows) * 100)} %)` : ''}`,
    ],
    ['empty', formatNumber(column.empty)],
    // All distinct: as many as the values shown beside it, so the word alone fits the card.
    [
      'distinct',
      `${column.distinct.exact ? '' : '≈'}${column.distinct.allDistinct ? 'all' : formatNumber(column.distinct.count)}`,
    ],
    ['min', show(column.min)],
    ['max', show(column.max)],
  ];
  if (column.mean !== null) stats.push(['mean', show(column.mean)]);
  if (column.stddev !== null) stats.push(['std dev', formatNumber(column.stddev)]);
  const top = column.topValues.values.slice(0, 5);
  const topPeak = Math.max(1, ...top.map((t) => t.count));
  return (
    <article
      data-testid="column-card"
      className="space-y-3 rounded-lg border border-neutral-200 p-3 dark:border-neutral-800"
    >
      <header className="flex items-center gap-2">
        <h4 className="truncate font-medium" title={column.name}>
          {column.name}
        </h4>
        <span className="rounded bg-neutral-100 px-1.5 py-0.5 font-mono text-[11px] dark:bg-neutral-800">
          {column.type}
        </span>
      </header>
      <dl className="grid grid-cols-2 gap-x-3 gap-y-0.5 text-xs">
        {stats.map(([label, value]) => (
          <div key={label} className="flex justify-between gap-2">
            <dt className="text-neutral-500">{label}</dt>
            <dd className="truncate text-right tabular-nums" title={value}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
      {column.truncated && (
        <p className="text-[11px] text-neutral-500">
          Long text values are cut to their first 200 characters.
        </p>
      )}
      <Histogram column={column} />
      {column.distinct.allDistinct && (
        <p className="text-[11px] text-neutral-500">Every value occurs once: no top values.</p>
      )}
      {top.length > 0 && (
        <div className="space-y-0.5">
          <p className="text-[11px] font-medium text-neutral-500">Top values</p>
          <ul className="space-y-0.5 text-xs">
            {top.map((item) => (
              <li
                key={item.value}
                className="relative flex justify-between gap-2 overflow-hidden rounded px-1"
              >
                <span
                  className="absolute inset-y-0 left-0 bg-emerald-500/15"
                  style={{ width: `${(item.count / topPeak) * 100}%` }}
                />
                <span className="relative truncate" title={item.value}>
                  {item.value === '' ? '(empty)' : item.value}
                </span>
                <span className="relative tabular-nums text-neutral-500">{formatNumber(item.count)}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </article>
  );
}

/** analyze_csv: the file's dialect and a card per column (type, counts, range, histogram, top values). */
export function CsvProfileView({ profile }: { profile: CsvProfile }) {
  const delimiter = profile.file.delimiter === '\t' ? 'tab' : `"${profile.file.delimiter}"`;
  return (
    <div className="space-y-3" data-testid="csv-profile">
      <p className="text-sm">
        <strong>{formatNumber(profile.rows)}</strong> rows × <strong>{profile.columnCount}</strong> columns ·{' '}
        {formatBytes(profile.file.bytes)} · {profile.file.encoding} · delimiter {delimiter} ·{' '}
        {profile.file.hasHeader ? 'header row' : 'no header'} · {formatDuration(profile.elapsedMs)}
        {!profile.complete && ' · sampled (not the whole file)'}
        {(profile.detail?.omittedColumns ?? 0) > 0 &&
          ` · ${formatNumber(profile.detail?.omittedColumns ?? 0)} columns not shown`}
      </p>
      {(profile.warnings.length > 0 || profile.raggedRows.count > 0) && (
        <ul className="list-inside list-disc rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-200">
          {profile.raggedRows.count > 0 && (
            <li>
              {formatNumber(profile.raggedRows.count)} rows have a different number of fields than the header
            </li>
          )}
          {profile.warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      )}
      <div className="grid grid-cols-[repeat(auto-fill,minmax(15rem,1fr))] gap-3">
        {profile.columns.map((column) => (
          <ColumnCard key={column.name} column={column} rows={profile.rows} />
        ))}
      </div>
    </div>
  );
}

import { formatBytes } from '@taskdeck/node-common/format-bytes';
import type { ScanReport } from './report-schema.js';

/** The readable text that accompanies scan_project's structured result. */
export function formatSummary(report: ScanReport): string {
  const t = report.totals;
  const n = (x: number) => x.toLocaleString('en-US');
  const lines: string[] = [];
  lines.push(
    `Scanned ${report.directory} in ${(report.elapsedMs / 1000).toFixed(2)} s${report.truncated ? ' (stopped at maxFiles: partial result)' : ''}.`,
    `${n(t.files)} files in ${n(t.directories)} folders, ${formatBytes(t.bytes)}; ${n(t.countedFiles)} counted, ${n(t.binaryFiles)} binary, ${n(t.unrecognizedFiles)} of no known language, ${n(t.emptyFiles)} empty.`,
    `Skipped: ${n(t.skippedByIgnoreRules)} by ignore rules, ${n(t.skippedHidden)} hidden, ${n(t.symlinksSkipped)} symlinks${t.symlinkLoops ? `, ${n(t.symlinkLoops)} symlink loops` : ''}.`,
    '',
  );
  if (report.languages.length > 0) {
    const rows = report.languages
      .slice(0, 25)
      .map((l) => [l.language, n(l.files), n(l.code), n(l.comment), n(l.blank)]);
    rows.unshift(['Language', 'Files', 'Code', 'Comment', 'Blank']);
    rows.push(['Total', n(t.countedFiles), n(t.code), n(t.comment), n(t.blank)]);
    lines.push(...table(rows));
    if (report.languages.length > 25)
      lines.push(`(${report.languages.length - 25} more languages in the structured result)`);
    lines.push('');
  }
  if (report.largestFiles.length > 0) {
    lines.push('Largest files:');
    for (const f of report.largestFiles.slice(0, 10))
      lines.push(`  ${formatBytes(f.bytes).padStart(9)}  ${f.path}`);
    lines.push('');
  }
  const todo = report.todos.counts;
  if (todo.TODO + todo.FIXME + todo.HACK > 0) {
    lines.push(
      `Markers in comments: ${n(todo.TODO)} TODO, ${n(todo.FIXME)} FIXME, ${n(todo.HACK)} HACK. First:`,
    );
    for (const m of report.todos.first.slice(0, 5)) lines.push(`  ${m.path}:${m.line}  ${m.text}`);
    lines.push('');
  }
  if (report.manifests.count > 0) {
    lines.push(
      `Manifests: ${n(report.manifests.count)}${report.manifests.count > report.manifests.items.length ? ` (first ${report.manifests.items.length} read)` : ''}`,
    );
    for (const m of report.manifests.items.slice(0, 10)) {
      const what = m.error
        ? `unreadable: ${m.error}`
        : `${n(m.totalDependencies)} dependencies${describeGroups(m.dependencies)}`;
      lines.push(`  ${m.path} (${m.ecosystem}${m.name ? `, ${m.name}` : ''}): ${what}`);
    }
    lines.push('');
  }
  if (report.generated.count > 0) {
    const reasons = Object.entries(report.generated.byReason).map(([r, c]) => `${n(c)} ${r}`);
    lines.push(`Generated or minified: ${n(report.generated.count)} (${reasons.join(', ')}).`, '');
  }
  if (report.errors.count > 0) {
    lines.push(`Errors (${n(report.errors.count)}), not fatal:`);
    for (const e of report.errors.items.slice(0, 10)) lines.push(`  ${e.path}: ${e.message}`);
  }
  return lines.join('\n').trimEnd();
}

function describeGroups(groups: Record<string, number>): string {
  const parts = Object.entries(groups).map(([g, c]) => `${c} ${g}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

function table(rows: string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, col) => (col === 0 ? cell.padEnd(widths[col] ?? 0) : cell.padStart(widths[col] ?? 0)))
      .join('  '),
  );
}

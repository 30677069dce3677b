import { MAX_REPORTED_BINS } from './histogram.js';
import type { CsvProfile } from './profile-schema.js';

/** How much of each column a profile shows (a wide file's result shows less, to stay small). */
export interface ProfileDetail {
  topValues: number;
  /** Histogram bins at most; 0 leaves histograms out. */
  histogramBins: number;
}

export const FULL_DETAIL: ProfileDetail = { topValues: 10, histogramBins: MAX_REPORTED_BINS };

/**
 * The structured result at most, in bytes of JSON. With the text summary (below) the whole
 * tools/call result stays under 6 MB: an MCP client reads one message of at most 10 MB
 * (the SDK's stdio read buffer) and drops the connection above.
 */
export const STRUCTURED_BUDGET_BYTES = 5.5 * 1024 * 1024;
/** The text summary at most, in characters. */
export const SUMMARY_BUDGET_CHARS = 256 * 1024;
const RESULT_LIMIT = '6 MB';

/**
 * The detail the column profiles are built with for `columns` columns: all of it while
 * about 2.5 KB per column fits the budget (a full histogram and ten top values), less for
 * wider files, so that a 20,000-column file never builds tens of MB of profiles first.
 */
export function detailFor(columns: number): ProfileDetail {
  const perColumn = STRUCTURED_BUDGET_BYTES / Math.max(1, columns);
  if (perColumn >= 2500) return FULL_DETAIL;
  if (perColumn >= 1000) return { topValues: 5, histogramBins: 10 };
  return { topValues: 0, histogramBins: 0 };
}

/**
 * The profile made to fit the budget: as built if it fits, else with at most three top
 * values, then without histograms, then without top values, and last without the columns
 * at the end that do not fit. `detail` and a warning say what was left out. Sizes are
 * measured column by column: a wide profile is never serialized whole to be measured.
 */
export function fitProfile(profile: CsvProfile, budget = STRUCTURED_BUDGET_BYTES): CsvProfile {
  const built = profile.detail;
  const fewer = Math.min(built.topValues, 3);
  const candidates: ProfileDetail[] = [
    built,
    { ...built, topValues: fewer },
    { topValues: fewer, histogramBins: 0 },
  ];
  for (const detail of candidates) {
    const columns = profile.columns.map((c) => showColumn(c, detail));
    const room = budget - jsonBytes(assemble(profile, detail, [], 0));
    if (columns.reduce((sum, c) => sum + jsonBytes(c) + 1, 0) <= room)
      return assemble(profile, detail, columns, 0);
  }
  // Without top values, and if still too large (thousands of columns with long names or long
  // values) without the last columns. The warning naming them is measured at its longest.
  const least: ProfileDetail = { topValues: 0, histogramBins: 0 };
  const columns = profile.columns.map((c) => showColumn(c, least));
  const total = columns.length;
  let room = budget - jsonBytes(assemble(profile, least, [], total)) - 64;
  let kept = 0;
  for (; kept < total; kept++) {
    const size = jsonBytes(columns[kept]) + 1;
    if (size > room) break;
    room -= size;
  }
  return assemble(profile, least, columns.slice(0, kept), total - kept);
}

function showColumn(
  column: CsvProfile['columns'][number],
  detail: ProfileDetail,
): CsvProfile['columns'][number] {
  const values = column.topValues.values;
  if (values.length <= detail.topValues && (detail.histogramBins > 0 || column.histogram === null))
    return column;
  return {
    ...column,
    topValues: { ...column.topValues, values: values.slice(0, detail.topValues) },
    histogram: detail.histogramBins === 0 ? null : column.histogram,
  };
}

/** The profile with `columns` shown at `detail`, the last `omitted` of its columns left out. */
function assemble(
  profile: CsvProfile,
  detail: ProfileDetail,
  columns: CsvProfile['columns'],
  omitted: number,
): CsvProfile {
  const firstOmitted = omitted > 0 ? profile.columns[profile.columns.length - omitted]?.name : undefined;
  const note = detailWarning(profile.columns.length, detail, omitted, firstOmitted);
  return {
    ...profile,
    warnings: note ? [...profile.warnings, note] : profile.warnings,
    detail: { ...detail, omittedColumns: omitted },
    columns,
  };
}

/** What the result leaves out, and how to see it. */
function detailWarning(
  columns: number,
  detail: ProfileDetail,
  omitted: number,
  firstOmitted: string | undefined,
): string | undefined {
  const parts: string[] = [];
  if (detail.histogramBins === 0) parts.push('histograms are left out');
  else if (detail.histogramBins < FULL_DETAIL.histogramBins)
    parts.push(`histograms have at most ${detail.histogramBins} bins`);
  if (detail.topValues === 0) parts.push('top values are left out');
  else if (detail.topValues < FULL_DETAIL.topValues)
    parts.push(`at most ${detail.topValues} top values are listed`);
  if (omitted > 0) {
    const from = (firstOmitted ?? '').length > 40 ? `${firstOmitted?.slice(0, 40)}…` : firstOmitted;
    parts.push(
      `the last ${omitted.toLocaleString('en-US')} columns are left out (from ${JSON.stringify(from)} on)`,
    );
  }
  if (parts.length === 0) return undefined;
  return (
    `To keep the result of ${columns.toLocaleString('en-US')} columns under ${RESULT_LIMIT}, ${parts.join(', ')}: ` +
    'profile fewer columns at a time (the columns argument) to see everything.'
  );
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

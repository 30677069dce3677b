// Turns the vitest and Playwright JSON reports plus the exit codes of the other steps into
// one `N passed, N failed[, N skipped]` line. A missing or unreadable report is a failure,
// never "0 tests passed".
import { existsSync, readFileSync } from 'node:fs';

/** @typedef {{ passed: number, failed: number, skipped: number, note?: string }} Counts */

/**
 * @param {string} file
 * @returns {any}
 */
function readJson(file) {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** @param {unknown} value */
const count = (value) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/**
 * Counts from a vitest JSON report (jest-compatible format).
 * @param {string} file
 * @param {number | null} exitCode
 * @returns {Counts}
 */
export function vitestCounts(file, exitCode) {
  const report = readJson(file);
  if (!report || typeof report.numTotalTests !== 'number') {
    return { passed: 0, failed: 1, skipped: 0, note: `no vitest report (${file}): the run crashed` };
  }
  const counts = {
    passed: count(report.numPassedTests),
    failed: count(report.numFailedTests),
    skipped: count(report.numPendingTests) + count(report.numTodoTests),
  };
  // Failed files (import errors), unhandled errors or "no test files" fail the run without failing a test.
  if (counts.failed === 0 && (exitCode !== 0 || report.success === false)) {
    return { ...counts, failed: 1, note: 'vitest failed outside of any test (see its output)' };
  }
  return counts;
}

/**
 * Counts from a Playwright JSON report.
 * @param {string} file
 * @param {number | null} exitCode
 * @returns {Counts}
 */
export function playwrightCounts(file, exitCode) {
  const report = readJson(file);
  const stats = report?.stats;
  if (!stats || typeof stats.expected !== 'number') {
    return { passed: 0, failed: 1, skipped: 0, note: `no Playwright report (${file}): the run crashed` };
  }
  const counts = {
    passed: count(stats.expected) + count(stats.flaky),
    failed: count(stats.unexpected),
    skipped: count(stats.skipped),
  };
  // Global setup errors, "no tests found", or a crash after the report was written.
  if (counts.failed === 0 && (exitCode !== 0 || (Array.isArray(report.errors) && report.errors.length > 0))) {
    return { ...counts, failed: 1, note: 'Playwright failed outside of any test (see its output)' };
  }
  return counts;
}

/**
 * Counts from scripts/conformance.mjs's results file (one per scenario; an expected failure
 * is counted as skipped).
 * @param {string} file
 * @param {number | null} exitCode
 * @returns {Counts}
 */
export function conformanceCounts(file, exitCode) {
  const results = readJson(file);
  if (!results || typeof results.passed !== 'number') {
    return { passed: 0, failed: 1, skipped: 0, note: `no conformance results (${file}): the run crashed` };
  }
  const counts = {
    passed: count(results.passed),
    failed: count(results.failed),
    skipped: count(results.skipped),
  };
  if (counts.failed === 0 && exitCode !== 0) {
    return {
      ...counts,
      failed: 1,
      note: 'the conformance run failed outside of any scenario (see its output)',
    };
  }
  return counts;
}

/**
 * A step without a test report (lint, typecheck, build): a failure counts as one failed test.
 * @param {number | null} exitCode
 * @returns {Counts}
 */
export function stepCounts(exitCode) {
  return exitCode === 0 ? { passed: 0, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 };
}

/**
 * @param {Counts[]} parts
 * @returns {Counts}
 */
export function total(parts) {
  return parts.reduce(
    (sum, part) => ({
      passed: sum.passed + part.passed,
      failed: sum.failed + part.failed,
      skipped: sum.skipped + part.skipped,
    }),
    { passed: 0, failed: 0, skipped: 0 },
  );
}

/**
 * @param {Counts} counts
 * @returns {string}
 */
export function formatCounts(counts) {
  const line = `${counts.passed} passed, ${counts.failed} failed`;
  return counts.skipped > 0 ? `${line}, ${counts.skipped} skipped` : line;
}

// The one table `npm run bench` ends with: every goal of every benchmark's results file,
// its figure, the goal, met or not, and how loaded the machine was (a figure taken while
// other work ran on the 2 cores says so).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @typedef {{ id: string, what: string, value: number | null, unit: string, goal: string, met: boolean | null, basis: string }} Goal
 * @typedef {{ name: string, commit?: string, finishedAt?: string, machine?: { cores?: number }, load?: { atStart?: number[], atEnd?: number[] }, goals?: Goal[] }} Results
 */

/** Reads every bench/results/<name>.json that has goals, sorted by name. @param {string} dir @returns {Results[]} */
export function readResults(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))
    .filter((r) => Array.isArray(r.goals));
}

/** @param {Results[]} results @returns {string} */
export function goalsTable(results) {
  const rows = [
    ['benchmark', 'goal', 'figure', 'target', 'verdict', 'basis', 'load 1m (start→end)', 'commit'],
  ];
  for (const r of results) {
    const cores = r.machine?.cores ?? 0;
    const loads = [r.load?.atStart?.[0], r.load?.atEnd?.[0]];
    // Load above half the cores as the benchmark began: other work (or the previous benchmark) was running.
    const busy = cores > 0 && (loads[0] ?? 0) > cores * 0.5;
    const load = `${loads.map((l) => l ?? '?').join('→')}${busy ? ' (under load)' : ''}`;
    for (const g of r.goals ?? []) {
      const verdict = g.met === null ? 'not measured' : g.met ? 'met' : 'NOT MET';
      rows.push([
        r.name,
        g.what,
        g.value === null ? '–' : `${g.value} ${g.unit}`,
        g.goal,
        verdict,
        g.basis,
        load,
        r.commit ?? '?',
      ]);
    }
  }
  const header = /** @type {string[]} */ (rows[0]);
  const widths = header.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  /** @param {string[]} row */
  const line = (row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join(' │ ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...rows.slice(1).map(line)].join('\n');
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { goalsTable, readResults } from './goals-table.mjs';
import { goal } from './results.js';

describe('goal', () => {
  it('judges at-most and at-least goals, and says when nothing was measured', () => {
    expect(goal('a', 'x', 50, 'ms', { atMost: 50 }, 'worst round').met).toBe(true);
    expect(goal('a', 'x', 50.01, 'ms', { atMost: 50 }, 'worst round').met).toBe(false);
    expect(goal('a', 'x', 4.9, 'x', { atLeast: 5 }, 'median').met).toBe(false);
    expect(goal('a', 'x', null, 'ms', { atMost: 50 }, 'worst round')).toMatchObject({
      met: null,
      value: null,
    });
    expect(goal('a', 'x', Number.NaN, 'ms', { atMost: 50 }, 'worst round').met).toBeNull();
  });
});

describe('goalsTable', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every goal of every results file with its verdict and the load it was measured under', () => {
    dir = mkdtempSync(join(tmpdir(), 'goals-'));
    const results = (name: string, loadAtStart: number, goals: unknown[]) =>
      writeFileSync(
        join(dir, `${name}.json`),
        JSON.stringify({
          name,
          commit: 'abc',
          machine: { cores: 2 },
          load: { atStart: [loadAtStart], atEnd: [1] },
          goals,
        }),
      );
    results('search', 0.3, [goal('p99', 'search p99', 42, 'ms', { atMost: 50 }, 'worst of 3 rounds')]);
    results('hub', 6.5, [
      goal('p50', 'status → event p50', 7, 'ms', { atMost: 5 }, 'median round'),
      goal('p99', 'status → event p99', null, 'ms', { atMost: 25 }, 'median round'),
    ]);
    writeFileSync(join(dir, 'old.json'), JSON.stringify({ name: 'old', figures: 1 })); // no goals: not listed
    const table = goalsTable(readResults(dir));
    const lines = table.split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[2]).toMatch(/^hub .*status → event p50 .*7 ms .*≤ 5 .*NOT MET .*6\.5→1 \(under load\)/);
    expect(lines[3]).toMatch(/status → event p99 .*– .*not measured/);
    expect(lines[4]).toMatch(/^search .*42 ms .*≤ 50 .*met .*0\.3→1 +│ abc$/);
    expect(table).not.toContain('old');
  });

  it('is empty but for its header without results', () => {
    expect(goalsTable(readResults(join(tmpdir(), 'no-such-dir-for-goals'))).split('\n')).toHaveLength(2);
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conformanceCounts,
  formatCounts,
  playwrightCounts,
  stepCounts,
  total,
  vitestCounts,
} from './test-summary.mjs';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'taskdeck-summary-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function report(name: string, content: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('vitestCounts', () => {
  it('reads passed, failed and skipped tests', async () => {
    const file = await report('v1.json', {
      numTotalTests: 9,
      numPassedTests: 6,
      numFailedTests: 1,
      numPendingTests: 1,
      numTodoTests: 1,
      success: false,
    });
    expect(vitestCounts(file, 1)).toEqual({ passed: 6, failed: 1, skipped: 2 });
  });

  it('counts a missing or corrupt report as a failure, never as 0 passing', async () => {
    expect(vitestCounts(join(dir, 'absent.json'), 1)).toMatchObject({ passed: 0, failed: 1 });
    expect(vitestCounts(await report('v2.json', '{"numTotal'), 0)).toMatchObject({ passed: 0, failed: 1 });
  });

  it('counts a failing run without failed tests (import error, no test files) as a failure', async () => {
    const file = await report('v3.json', {
      numTotalTests: 3,
      numPassedTests: 3,
      numFailedTests: 0,
      success: false,
    });
    expect(vitestCounts(file, 1)).toMatchObject({ passed: 3, failed: 1 });
  });
});

describe('conformanceCounts', () => {
  it('reads passed, failed and expected failures (as skipped)', async () => {
    const file = await report('c1.json', { passed: 17, failed: 1, skipped: 2, outcomes: [] });
    expect(conformanceCounts(file, 1)).toEqual({ passed: 17, failed: 1, skipped: 2 });
  });

  it('counts a missing results file, or a failing run without a failed scenario, as a failure', async () => {
    expect(conformanceCounts(join(dir, 'absent.json'), 1)).toMatchObject({ passed: 0, failed: 1 });
    const file = await report('c2.json', { passed: 18, failed: 0, skipped: 0, outcomes: [] });
    expect(conformanceCounts(file, 1)).toMatchObject({ passed: 18, failed: 1 });
  });
});

describe('playwrightCounts', () => {
  it('reads expected, unexpected, flaky and skipped', async () => {
    const file = await report('p1.json', {
      stats: { expected: 3, unexpected: 1, flaky: 1, skipped: 2 },
      errors: [],
    });
    expect(playwrightCounts(file, 1)).toEqual({ passed: 4, failed: 1, skipped: 2 });
  });

  it('counts a missing report or a global error as a failure', async () => {
    expect(playwrightCounts(join(dir, 'absent.json'), 1)).toMatchObject({ passed: 0, failed: 1 });
    const file = await report('p2.json', {
      stats: { expected: 0, unexpected: 0, flaky: 0, skipped: 0 },
      errors: [{ message: 'globalSetup failed' }],
    });
    expect(playwrightCounts(file, 1)).toMatchObject({ passed: 0, failed: 1 });
  });
});

describe('summary line', () => {
  it('adds steps and omits skipped when there are none', () => {
    const sum = total([stepCounts(0), stepCounts(2), { passed: 5, failed: 0, skipped: 0 }]);
    expect(formatCounts(sum)).toBe('5 passed, 1 failed');
    expect(formatCounts({ ...sum, skipped: 2 })).toBe('5 passed, 1 failed, 2 skipped');
  });
});

import type { TaskSummary } from '@taskdeck/contract';
import { describe, expect, it } from 'vitest';
import { formatDuration } from './format';
import { elapsedMs, etaMs, fractionDone } from './progress';

const base: TaskSummary = {
  id: 't',
  server: 's',
  tool: 'x',
  mode: 'task',
  status: 'working',
  createdAt: 0,
  updatedAt: 0,
};

describe('progress', () => {
  it('is indeterminate without a total and clamps to [0, 1]', () => {
    expect(fractionDone({ ...base, progress: 5 })).toBeUndefined();
    expect(fractionDone({ ...base, progress: 5, total: 10 })).toBe(0.5);
    expect(fractionDone({ ...base, progress: 15, total: 10 })).toBe(1);
    expect(fractionDone({ ...base, status: 'completed' })).toBe(1);
  });

  it('estimates the remaining time from the rate so far', () => {
    const task = { ...base, progress: 25, total: 100, updatedAt: 10_000 };
    expect(etaMs(task, 10_000)).toBe(30_000);
    expect(etaMs(task, 15_000)).toBe(25_000);
    expect(etaMs({ ...task, updatedAt: 500 }, 500)).toBeUndefined();
    expect(etaMs({ ...task, total: undefined }, 10_000)).toBeUndefined();
    expect(etaMs({ ...task, status: 'cancelled' }, 10_000)).toBeUndefined();
  });

  it('freezes elapsed time at the end', () => {
    expect(elapsedMs({ ...base, status: 'completed', finishedAt: 4000, updatedAt: 4000 }, 99_000)).toBe(4000);
    expect(elapsedMs(base, 7000)).toBe(7000);
  });

  it('formats durations briefly', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_400)).toBe('12 s');
    expect(formatDuration(185_000)).toBe('3 m 05 s');
    expect(formatDuration(2 * 3600_000 + 7 * 60_000)).toBe('2 h 07 m');
  });
});

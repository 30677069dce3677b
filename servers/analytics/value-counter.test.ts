import { describe, expect, it } from 'vitest';
import { ColumnAccumulator } from './column-profile.js';
import { HyperLogLog, hashNumber } from './distinct-counter.js';
import { FULL_LIMITS, type SketchLimits } from './sketch-limits.js';

/** A column of these values, counted as the profiler counts them (a dictionary, then the counter). */
function columnOf(values: Iterable<string | number>, limits: SketchLimits = FULL_LIMITS): ColumnAccumulator {
  const column = new ColumnAccumulator(1, limits);
  for (const value of values) {
    const bytes = Buffer.from(String(value));
    column.add(bytes, 0, bytes.length);
  }
  return column;
}

/** The column's distinct count and top values, as its profile shows them. */
function summaryOf(column: ColumnAccumulator) {
  const { distinct, topValues } = column.profile('c', 0).profile;
  return { ...distinct, top: topValues.values, maxError: topValues.maxError };
}

function* range(n: number, f: (i: number) => string | number = (i) => i): Generator<string | number> {
  for (let i = 0; i < n; i++) yield f(i);
}

describe('ValueCounter distinct counts and top values', () => {
  it('never estimates more distinct values than there are values, and says all are distinct', () => {
    // 248,370 unique ids: the HyperLogLog alone says 251,163, more than there are values.
    const ids = 248_370;
    const raw = new HyperLogLog();
    for (let i = 1; i <= ids; i++) raw.addHash(hashNumber(i));
    expect(raw.estimate()).toBeGreaterThan(ids);
    const summary = summaryOf(columnOf(range(ids, (i) => i + 1)));
    expect(summary).toMatchObject({ count: ids, exact: false, allDistinct: true, top: [] });
  });

  it('lists, once approximate, only values counted more than once, and keeps the count below the certain repeats', () => {
    const summary = summaryOf(columnOf(range(30_000, (i) => (i % 3 === 0 ? 'hot' : `v${i}`))));
    expect(summary.exact).toBe(false);
    expect(summary.allDistinct).toBe(false);
    expect(summary.top.map((t) => t.value)).toEqual(['hot']);
    const hot = summary.top[0]?.count ?? 0;
    expect(hot).toBeLessThanOrEqual(10_000);
    expect(hot + summary.maxError).toBeGreaterThanOrEqual(10_000);
    expect(summary.count).toBeLessThanOrEqual(30_000 - (hot - 1));
    expect(Math.abs(summary.count - 20_001) / 20_001).toBeLessThan(0.03);
  });

  it('does not call a column with many repeats all distinct, whatever its counters show', () => {
    // Every value twice, the second time after the exact counting ended: the seen-filter
    // loses the first occurrence of each, so no counter passes 1.
    const summary = summaryOf(columnOf(range(40_000, (i) => i % 20_000)));
    expect(summary.allDistinct).toBe(false);
    expect(summary.top).toEqual([]);
    expect(Math.abs(summary.count - 20_000) / 20_000).toBeLessThan(0.03);
  });

  it('is exact while small: all distinct only when every value occurs once', () => {
    expect(summaryOf(columnOf(['a', 'b', 'c']))).toEqual({
      count: 3,
      exact: true,
      allDistinct: true,
      top: [],
      maxError: 0,
    });
    expect(summaryOf(columnOf(['a', 'b', 'a']))).toMatchObject({
      count: 2,
      allDistinct: false,
      top: [
        { value: 'a', count: 2 },
        { value: 'b', count: 1 },
      ],
    });
    expect(summaryOf(columnOf(['a']))).toMatchObject({
      count: 1,
      allDistinct: false,
      top: [{ value: 'a', count: 1 }],
    });
  });

  it('counts numbers and dates by value, shown as first written, however many ways they are written', () => {
    const summary = summaryOf(columnOf(['1.0', '1', '1e0', '2', '+1', '2024-01-01', '2024/01/01', '3']));
    expect(summary).toMatchObject({ count: 4, exact: true });
    expect(summary.top).toEqual([
      { value: '1.0', count: 4 },
      { value: '2024-01-01', count: 2 },
      { value: '2', count: 1 },
      { value: '3', count: 1 },
    ]);
  });

  it('counts distinct values without heavy hitters when the result shows no top values', () => {
    const limits: SketchLimits = { ...FULL_LIMITS, exactDistinct: 32, topValues: 0 };
    const summary = summaryOf(columnOf(range(1000), limits));
    // Repeats are unknown without counters: a distinct count, but no claim that all are distinct.
    expect(summary).toMatchObject({ exact: false, allDistinct: false, top: [], maxError: 0 });
    expect(summary.count).toBeLessThanOrEqual(1000);
    expect(Math.abs(summary.count - 1000) / 1000).toBeLessThan(0.03);
  });

  it('merges counts moved across threads, values counted included', () => {
    const a = columnOf(range(4000, (i) => 2 * i + 1));
    const b = columnOf(range(4000, (i) => 2 * i));
    a.merge(ColumnAccumulator.from(structuredClone(b.state()), 1));
    expect(summaryOf(a)).toMatchObject({ count: 8000, exact: true, allDistinct: true });
    a.add(Buffer.from('1'), 0, 1);
    const summary = summaryOf(a);
    expect(summary).toMatchObject({ count: 8000, allDistinct: false });
    expect(summary.top[0]).toEqual({ value: '1', count: 2 });
  });

  it('hands the exact counts over to the estimates when a merge passes the limits', () => {
    const limits: SketchLimits = { ...FULL_LIMITS, exactDistinct: 100 };
    const a = columnOf(
      range(600, (i) => `a${i % 60}`),
      limits,
    );
    const b = columnOf(
      range(600, (i) => `b${i % 60}`),
      limits,
    );
    a.merge(ColumnAccumulator.from(structuredClone(b.state()), 1, limits));
    const summary = summaryOf(a);
    expect(summary.exact).toBe(false);
    expect(Math.abs(summary.count - 120) / 120).toBeLessThan(0.05);
    // Every value 10 times: counted exactly before the hand-over, so no error but the first epoch.
    expect(summary.top.slice(0, 3)).toEqual([
      { value: 'a0', count: 10 },
      { value: 'a1', count: 10 },
      { value: 'a10', count: 10 },
    ]);
    expect(summary.maxError).toBe(1);
  });
});

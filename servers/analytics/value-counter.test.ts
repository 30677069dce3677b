import { describe, expect, it } from 'vitest';
import { HyperLogLog, hashNumber } from './distinct-counter.js';
import { FULL_LIMITS, type SketchLimits } from './sketch-limits.js';
import { ValueCounter } from './value-counter.js';

const addInteger = (counter: ValueCounter, n: number) => {
  const bytes = Buffer.from(String(n));
  counter.addNumber(n, bytes, 0, bytes.length);
};
const addText = (counter: ValueCounter, s: string) => {
  const bytes = Buffer.from(s);
  counter.addText(bytes, 0, bytes.length);
};

describe('ValueCounter distinct counts and top values', () => {
  it('never estimates more distinct values than there are values, and says all are distinct', () => {
    // 248,370 unique ids: the HyperLogLog alone says 251,163, more than there are values.
    const ids = 248_370;
    const raw = new HyperLogLog();
    const counter = new ValueCounter();
    for (let i = 1; i <= ids; i++) {
      raw.addHash(hashNumber(i));
      addInteger(counter, i);
    }
    expect(raw.estimate()).toBeGreaterThan(ids);
    const summary = counter.summary(10);
    expect(summary).toMatchObject({ distinct: ids, exact: false, allDistinct: true, top: [] });
  });

  it('lists, once approximate, only values counted more than once, and keeps the count below the certain repeats', () => {
    const counter = new ValueCounter();
    for (let i = 0; i < 30_000; i++) addText(counter, i % 3 === 0 ? 'hot' : `v${i}`);
    const summary = counter.summary(10);
    expect(summary.exact).toBe(false);
    expect(summary.allDistinct).toBe(false);
    expect(summary.top.map((t) => t.value)).toEqual(['hot']);
    const hot = summary.top[0]?.count ?? 0;
    expect(hot).toBeLessThanOrEqual(10_000);
    expect(hot + summary.maxError).toBeGreaterThanOrEqual(10_000);
    expect(summary.distinct).toBeLessThanOrEqual(30_000 - (hot - 1));
    expect(Math.abs(summary.distinct - 20_001) / 20_001).toBeLessThan(0.03);
  });

  it('does not call a column with many repeats all distinct, whatever its counters show', () => {
    // Every value twice: the seen-filter loses the first occurrence, so no counter passes 1.
    const counter = new ValueCounter();
    for (let i = 0; i < 40_000; i++) addInteger(counter, i % 20_000);
    const summary = counter.summary(10);
    expect(summary.allDistinct).toBe(false);
    expect(summary.top).toEqual([]);
    expect(Math.abs(summary.distinct - 20_000) / 20_000).toBeLessThan(0.03);
  });

  it('is exact while small: all distinct only when every value occurs once', () => {
    const unique = new ValueCounter();
    for (const s of ['a', 'b', 'c']) addText(unique, s);
    expect(unique.summary(10)).toEqual({ distinct: 3, exact: true, allDistinct: true, top: [], maxError: 0 });
    const repeated = new ValueCounter();
    for (const s of ['a', 'b', 'a']) addText(repeated, s);
    expect(repeated.summary(10)).toMatchObject({
      distinct: 2,
      allDistinct: false,
      top: [
        { value: 'a', count: 2 },
        { value: 'b', count: 1 },
      ],
    });
    const single = new ValueCounter();
    addText(single, 'a');
    expect(single.summary(10)).toMatchObject({
      distinct: 1,
      allDistinct: false,
      top: [{ value: 'a', count: 1 }],
    });
  });

  it('counts distinct values without heavy hitters when the result shows no top values', () => {
    const limits: SketchLimits = { ...FULL_LIMITS, exactDistinct: 32, topValues: 0 };
    const counter = new ValueCounter(limits);
    for (let i = 0; i < 1000; i++) addInteger(counter, i);
    const summary = counter.summary(0);
    // Repeats are unknown without counters: a distinct count, but no claim that all are distinct.
    expect(summary).toMatchObject({ exact: false, allDistinct: false, top: [], maxError: 0 });
    expect(summary.distinct).toBeLessThanOrEqual(1000);
    expect(Math.abs(summary.distinct - 1000) / 1000).toBeLessThan(0.03);
  });

  it('merges counters moved across threads, values counted included', () => {
    const a = new ValueCounter();
    const b = new ValueCounter();
    for (let i = 0; i < 8000; i++) addInteger(i % 2 ? a : b, i);
    a.merge(ValueCounter.from(structuredClone(b.state())));
    expect(a.summary(10)).toMatchObject({ distinct: 8000, exact: true, allDistinct: true });
    addInteger(a, 1);
    const summary = a.summary(10);
    expect(summary).toMatchObject({ distinct: 8000, allDistinct: false });
    expect(summary.top[0]).toEqual({ value: '1', count: 2 });
  });
});

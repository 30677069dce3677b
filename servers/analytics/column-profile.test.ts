import { Random } from '@taskdeck/node-common/random';
import { describe, expect, it } from 'vitest';
import { ColumnAccumulator } from './column-profile.js';
import { FULL_LIMITS, type SketchLimits } from './sketch-limits.js';

function accumulate(values: string[], limits: SketchLimits = FULL_LIMITS): ColumnAccumulator {
  const column = new ColumnAccumulator(1, limits);
  for (const value of values) {
    const bytes = Buffer.from(value);
    column.add(bytes, 0, bytes.length);
  }
  return column;
}

const profileOf = (values: string[], limits?: SketchLimits) =>
  accumulate(values, limits).profile('c', 0).profile;

describe('ColumnAccumulator histograms', () => {
  it('gives integer columns whole-number bins, both ends included, from the min to the max', () => {
    // A 1–5 rating: five bins 1…5, not an axis 1…6.
    const rating = profileOf(Array.from({ length: 100 }, (_, i) => String((i % 5) + 1)));
    expect(rating.histogram).toEqual({
      bins: [1, 2, 3, 4, 5].map((v) => ({ from: v, to: v, count: 20 })),
      inclusive: true,
    });
    // Wider bins keep round inner edges; the outer ones are the min and max.
    const bins = profileOf(Array.from({ length: 95 }, (_, i) => String(i + 3))).histogram?.bins ?? [];
    expect(bins[0]).toEqual({ from: 3, to: 4, count: 2 });
    expect(bins[1]).toEqual({ from: 5, to: 9, count: 5 });
    expect(bins.at(-1)).toEqual({ from: 95, to: 97, count: 3 });
    expect(bins.reduce((sum, b) => sum + b.count, 0)).toBe(95);
  });

  it('gives date columns whole-day bins from the first to the last date', () => {
    const days = profileOf(['2024-03-01', '2024-03-02', '2024-03-02', '2024-03-04']);
    expect(days.histogram).toEqual({
      bins: [
        { from: '2024-03-01', to: '2024-03-01', count: 1 },
        { from: '2024-03-02', to: '2024-03-02', count: 2 },
        { from: '2024-03-03', to: '2024-03-03', count: 0 },
        { from: '2024-03-04', to: '2024-03-04', count: 1 },
      ],
      inclusive: true,
    });
  });

  it('keeps float bins half-open with round edges', () => {
    const floats = profileOf(['0.5', '1.25', '2.75', '3.5']);
    expect(floats.histogram?.inclusive).toBe(false);
    expect(floats.histogram?.bins[0]?.from).toBe(0.5);
    expect(floats.histogram?.bins.at(-1)).toEqual({ from: 3.5, to: 3.6, count: 1 });
  });

  it('draws the histogram from the kept values until they overflow the sample, with the same bins', () => {
    const random = new Random(5);
    const values = Array.from({ length: 1000 }, () => (random.next() * 500).toFixed(2));
    // Past 32 distinct values the column streams, and past 64 values the sample is a sample.
    const small: SketchLimits = { ...FULL_LIMITS, exactDistinct: 32, sampleSize: 64 };
    const expected = profileOf(values).histogram;
    expect(profileOf(values, small).histogram).toEqual(expected);
    // Merged across threads: exact into sampled, sampled into exact, both exact but overflowing together.
    for (const cut of [30, 970, 50]) {
      const a = accumulate(values.slice(0, cut), small);
      a.merge(accumulate(values.slice(cut), small));
      expect(a.profile('c', 0).profile.histogram?.bins.map((b) => b.count)).toEqual(
        expected?.bins.map((b) => b.count),
      );
    }
    const both = accumulate(values.slice(0, 40), small);
    both.merge(accumulate(values.slice(40, 80), small));
    expect(both.profile('c', 0).profile.histogram).toEqual(profileOf(values.slice(0, 80)).histogram);
  });

  it('keeps a histogram only as fine as the result shows, and none when it shows none', () => {
    const values = Array.from({ length: 200 }, (_, i) => String(i));
    const streamed = { ...FULL_LIMITS, exactDistinct: 32, sampleSize: 64 };
    const ten = accumulate(values, { ...streamed, histogramBins: 10 });
    expect(ten.state().stream?.numbers?.histogram?.counts).toHaveLength(64);
    expect(ten.profile('c', 0).profile.histogram?.bins).toHaveLength(10);
    expect(accumulate(values, streamed).state().stream?.numbers?.histogram?.counts).toHaveLength(256);
    const none = profileOf(values, { ...streamed, histogramBins: 0 });
    expect(
      accumulate(values, { ...streamed, histogramBins: 0 }).state().stream?.numbers?.histogram,
    ).toBeNull();
    expect(none.histogram).toBeNull();
    expect(none.quantiles?.exact).toBe(false);
    expect(none.min).toBe(0);
    expect(none.max).toBe(199);
  });
});

describe('ColumnAccumulator dictionary', () => {
  it('derives from its counts what streaming every value computes, with exact quantiles', () => {
    const random = new Random(9);
    // 40 distinct values, 20,000 of them: more than a sample holds.
    const values = Array.from({ length: 20_000 }, () => String(random.int(1, 40) * 2.5));
    const counted = accumulate(values);
    const streamed = accumulate(values, { ...FULL_LIMITS, exactDistinct: 32 });
    expect(counted.state().dictionary?.hashes).toHaveLength(40);
    expect(streamed.state().dictionary).toBeNull();
    const c = counted.profile('c', 0).profile;
    const s = streamed.profile('c', 0).profile;
    expect({ ...c, mean: 0, stddev: 0, quantiles: null, distinct: null, topValues: null }).toEqual({
      ...s,
      mean: 0,
      stddev: 0,
      quantiles: null,
      distinct: null,
      topValues: null,
    });
    expect(c.mean).toBeCloseTo(s.mean as number, 9);
    expect(c.stddev).toBeCloseTo(s.stddev as number, 9);
    expect(s.quantiles?.exact).toBe(false);
    const sorted = values.map(Number).sort((a, b) => a - b);
    const at = (q: number) => {
      const pos = q * (sorted.length - 1);
      const lo = Math.floor(pos);
      return (sorted[lo] as number) + ((sorted[lo + 1] as number) - (sorted[lo] as number)) * (pos - lo);
    };
    expect(c.quantiles).toEqual({ p25: at(0.25), p50: at(0.5), p75: at(0.75), exact: true });
    expect(c.distinct).toEqual({ count: 40, exact: true, allDistinct: false });
  });

  it('counts a value missing from a short row as a null, and empty values as empty', () => {
    const column = accumulate(['1', '', ' ', 'NULL', '2']);
    column.addAbsent();
    expect(column.profile('c', 0).profile).toMatchObject({ count: 2, nulls: 2, empty: 2, type: 'integer' });
  });
});

describe('ColumnAccumulator text values', () => {
  it('cuts long min and max values to 200 characters with their length, and says so', () => {
    const long = `b${'x'.repeat(4999)}`;
    const p = profileOf(['a'.repeat(300), long, 'short']);
    expect(p.truncated).toBe(true);
    expect(p.min).toBe(`${'a'.repeat(200)}… (300 chars)`);
    expect(p.max).toBe('short');
    expect(p.length).toEqual({ min: 5, max: 5000, mean: 5305 / 3 });
    const top = p.topValues.values.map((v) => v.value);
    expect(top).toEqual([]);
    expect(profileOf(['a', 'b', 'a']).truncated).toBe(false);
    const repeated = profileOf([long, long, 'short']);
    expect(repeated.topValues.values[0]?.value).toMatch(/^bx{199}… \(5,000 chars, #[0-9a-f]+\)$/);
    expect(repeated.truncated).toBe(true);
  });
});

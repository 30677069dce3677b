import { Random } from '@taskdeck/node-common/random';
import { describe, expect, it } from 'vitest';
import { HyperLogLog, hashString } from './distinct-counter.js';
import { FrequentItems } from './frequent-items.js';
import { Histogram, keyOf } from './histogram.js';
import { Moments } from './moments.js';
import { QuantileSketch, SAMPLE_SIZE } from './quantile-sketch.js';

describe('HyperLogLog', () => {
  it('estimates 200,000 distinct values within 3 %, and merges', () => {
    const a = new HyperLogLog();
    const b = new HyperLogLog();
    for (let i = 0; i < 100_000; i++) a.add(`user-${i}@example.com`);
    for (let i = 100_000; i < 200_000; i++) b.add(`user-${i}@example.com`);
    a.merge(b);
    expect(Math.abs(a.estimate() - 200_000) / 200_000).toBeLessThan(0.03);
  });

  it('is close to exact for small counts', () => {
    const h = new HyperLogLog();
    for (let i = 0; i < 100; i++) h.add(String(i % 50));
    expect(h.estimate()).toBe(50);
  });

  it('works with fewer registers (a wide file), within its larger error', () => {
    const a = new HyperLogLog(9);
    const b = new HyperLogLog(9);
    expect(a.registers.length).toBe(512);
    expect(a.standardError).toBeCloseTo(0.046, 3);
    for (let i = 0; i < 20_000; i++) (i % 2 ? a : b).add(`id-${i}`);
    a.merge(new HyperLogLog(structuredClone(b.registers)));
    expect(Math.abs(a.estimate() - 20_000) / 20_000).toBeLessThan(3 * a.standardError);
  });
});

describe('QuantileSketch', () => {
  it('is exact up to the sample size, interpolating like numpy', () => {
    const s = new QuantileSketch();
    for (const v of [5, 1, 4, 2, 3]) s.add(v);
    expect(s.isExact).toBe(true);
    expect(s.quantiles([0, 0.25, 0.5, 0.75, 1])).toEqual([1, 2, 3, 4, 5]);
    expect(new QuantileSketch().quantiles([0.5])).toEqual([null]);
  });

  it('keeps quantiles within 1 % of rank on a large stream, also after merging and moving across threads', () => {
    const random = new Random(3);
    const a = new QuantileSketch(1);
    const b = new QuantileSketch(2);
    const n = 400_000;
    for (let i = 0; i < n; i++) (i % 2 ? a : b).add(random.next());
    const moved = QuantileSketch.from(structuredClone(b.state()));
    a.merge(moved);
    expect(a.isExact).toBe(false);
    expect(a.count).toBe(n);
    const [p25, p50, p75] = a.quantiles([0.25, 0.5, 0.75]) as number[];
    expect(Math.abs((p25 as number) - 0.25)).toBeLessThan(0.01);
    expect(Math.abs((p50 as number) - 0.5)).toBeLessThan(0.01);
    expect(Math.abs((p75 as number) - 0.75)).toBeLessThan(0.01);
  });

  it('keeps only the values it has seen, up to its size, in a plain array', () => {
    const s = new QuantileSketch(1, 64);
    for (let i = 0; i < 20; i++) s.add(i);
    expect(s.state().sample).toHaveLength(20);
    expect(s.values).toEqual(Array.from({ length: 20 }, (_, i) => i));
    for (let i = 20; i < 1000; i++) s.add(i);
    expect(s.isExact).toBe(false);
    expect(s.state().sample).toHaveLength(64);
    expect(() => s.values).toThrow(/sample/);
    const moved = QuantileSketch.from(structuredClone(s.state()));
    moved.merge(s);
    expect(moved.count).toBe(2000);
    expect(moved.state().sample).toHaveLength(64);
  });

  it('merges an exact sketch into a sampled one', () => {
    const big = new QuantileSketch(1);
    for (let i = 0; i < SAMPLE_SIZE * 3; i++) big.add(i);
    const small = new QuantileSketch(2);
    for (let i = 0; i < 10; i++) small.add(-1);
    small.merge(big);
    expect(small.count).toBe(SAMPLE_SIZE * 3 + 10);
    expect(small.isExact).toBe(false);
  });
});

describe('FrequentItems', () => {
  it('keeps every value more frequent than its error bound, with lower-bound counts', () => {
    const items = new FrequentItems(64);
    const truth = new Map<string, number>();
    const random = new Random(11);
    for (let i = 0; i < 50_000; i++) {
      const value = random.chance(0.3) ? `hot${random.int(1, 3)}` : `cold${random.int(1, 100_000)}`;
      truth.set(value, (truth.get(value) ?? 0) + 1);
      const hash = hashString(value);
      const bytes = Buffer.from(value);
      if (!items.increment(bytes, 0, bytes.length, hash)) items.add(bytes, 0, bytes.length, hash, 1);
    }
    const found = new Map(items.entries());
    // Moved across threads (a structured clone), the same counters answer.
    const moved = FrequentItems.from(structuredClone(items.state()));
    expect(moved.entries()).toEqual(items.entries());
    for (const [value, count] of truth) {
      const reported = found.get(value);
      if (count > items.offset) expect(reported, value).toBeDefined();
      if (reported !== undefined) {
        expect(reported).toBeLessThanOrEqual(count);
        expect(reported + items.offset).toBeGreaterThanOrEqual(count);
      }
    }
  });
});

describe('Histogram', () => {
  it('counts exactly in round bins while widening and re-centring, for sorted input too', () => {
    const h = new Histogram();
    for (let i = 0; i <= 100_000; i++) h.add(i);
    const bins = h.bins(1);
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(100_001);
    expect(bins.length).toBeLessThanOrEqual(40);
    expect(bins[0]?.from).toBe(0);
    for (const b of bins) expect(Number.isInteger(b.from) && Number.isInteger(b.to)).toBe(true);
  });

  it('merges histograms of different widths without losing a count', () => {
    const a = new Histogram();
    const b = new Histogram();
    for (let i = 0; i < 1000; i++) a.add(i / 100);
    for (let i = 0; i < 1000; i++) b.add(5000 + i * 3);
    a.merge(Histogram.from(structuredClone(b.state())));
    const bins = a.bins();
    expect(bins.reduce((s, x) => s + x.count, 0)).toBe(2000);
    expect(bins[0]?.from).toBe(0);
    expect(bins.at(-1)?.to).toBeGreaterThan(7997);
  });

  it('reports the same bins from a few hundred fine bins as from thousands', () => {
    const random = new Random(7);
    const streams: number[][] = [
      Array.from({ length: 50_000 }, () => random.next() * 1000),
      Array.from({ length: 50_000 }, () => Math.exp(random.normal() * 2)),
      Array.from({ length: 50_000 }, (_, i) => i * 7 - 100_000),
      Array.from({ length: 50_000 }, () => Math.round(random.normal() * 1e6) / 1e4),
      Array.from({ length: 2000 }, () => random.int(1, 5)),
    ];
    for (const values of streams) {
      const small = Histogram.of(values);
      // 400 bins at most: widened only past 2,000 used fine bins.
      const large = Histogram.of(values, undefined, 400);
      for (const minWidth of [0, 1]) expect(small.bins(minWidth)).toEqual(large.bins(minWidth, 40));
    }
  });

  it('reports at most the bins it was made for', () => {
    const h = Histogram.of(
      Array.from({ length: 10_000 }, (_, i) => i),
      undefined,
      10,
    );
    const bins = h.bins(1);
    expect(bins.length).toBeLessThanOrEqual(10);
    expect(bins.reduce((sum, b) => sum + b.count, 0)).toBe(10_000);
    expect(Histogram.from(structuredClone(h.state())).bins(1)).toEqual(bins);
  });

  it('puts decimal values in the right bin despite binary rounding', () => {
    expect(keyOf(0.29, -2)).toBe(29);
    expect(keyOf(0.3, -1)).toBe(3);
    expect(keyOf(-0.05, -1)).toBe(-1);
    expect(keyOf(1234, 2)).toBe(12);
  });

  it('keeps a small negative value below zero in a bin far wider than the value', () => {
    // A column from -10^15 to 10^14 has bins 5·10^13 wide: -12 belongs below 0, not above.
    expect(keyOf(-12, 13)).toBe(-1);
    expect(keyOf(-4999, 13)).toBe(-1);
    expect(keyOf(12, 13)).toBe(0);
    const h = new Histogram();
    for (const x of [-999_999_999_999_999, 123_456_789_012_345, -12, -3, 7]) h.add(x);
    const bins = h.bins(1, 40);
    const below = bins.filter((b) => b.to <= 0).reduce((n, b) => n + b.count, 0);
    expect(below).toBe(3);
  });
});

describe('Moments', () => {
  it('merges mean and variance exactly (Chan)', () => {
    const all = new Moments();
    const a = new Moments();
    const b = new Moments();
    [1, 2, 3, 4, 10, 20].forEach((x, i) => {
      all.add(x);
      (i < 2 ? a : b).add(x);
    });
    a.merge(b);
    expect(a.mean).toBeCloseTo(all.mean, 12);
    expect(a.stddev()).toBeCloseTo(all.stddev() as number, 12);
    expect([a.min, a.max]).toEqual([1, 20]);
  });
});

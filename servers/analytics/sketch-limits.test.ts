import { describe, expect, it } from 'vitest';
import { FULL_DETAIL } from './result-size.js';
import { FULL_LIMITS, sketchLimits, stateCopies, workersFor } from './sketch-limits.js';

describe('sketch limits', () => {
  it('gives a narrow file the full sketches, on up to four workers', () => {
    for (const workers of [1, 2, 4]) {
      expect(workersFor(14, workers)).toBe(workers);
      expect(sketchLimits(14, stateCopies(workers), FULL_DETAIL)).toEqual(FULL_LIMITS);
    }
  });

  it('shrinks the sketches of a wide file to floors that keep small columns exact', () => {
    const limits = sketchLimits(20_000, 1, { topValues: 0, histogramBins: 0 });
    expect(limits).toEqual({
      exactDistinct: 37,
      exactChars: 7400,
      hllPrecision: 9,
      frequentItems: 8,
      seenBits: 8192,
      sampleSize: 128,
      topValues: 0,
      histogramBins: 0,
    });
    const middle = sketchLimits(1000, 1, FULL_DETAIL);
    expect(middle.exactDistinct).toBe(754);
    expect(middle.sampleSize).toBe(4096);
    expect(middle.hllPrecision).toBe(12);
  });

  it('profiles a wide file on one worker, which merges nothing', () => {
    expect(workersFor(187, 2)).toBe(2);
    expect(workersFor(200, 2)).toBe(1);
    expect(workersFor(20_000, 4)).toBe(1);
    expect(stateCopies(1)).toBe(1);
    expect(stateCopies(2)).toBe(3);
  });
});

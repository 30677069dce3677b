import { DEFAULT_PRECISION } from './distinct-counter.js';
import { DEFAULT_CAPACITY } from './frequent-items.js';
import { SAMPLE_SIZE } from './quantile-sketch.js';
import { FULL_DETAIL, type ProfileDetail } from './result-size.js';

/**
 * How large one column's statistics may grow. Every sketch starts small and grows with the
 * values it sees, up to these limits; the limits shrink with the number of columns so that
 * a wide file's state fits one memory budget whatever its width, and a sketch for what the
 * result will not show (histograms, top values of a very wide file) is not kept at all.
 * Every thread of a profile uses the same limits, so their states merge.
 */
export interface SketchLimits extends ProfileDetail {
  /** Distinct values counted exactly (a map) before a HyperLogLog and frequent items take over… */
  exactDistinct: number;
  /** …and characters of those values (UTF-16 code units). */
  exactChars: number;
  /** log2 of the HyperLogLog's registers (standard error 1.04 / √registers). */
  hllPrecision: number;
  /** Counters of the frequent-items summary. */
  frequentItems: number;
  /** Bits of the "seen before" filter in front of the frequent items. */
  seenBits: number;
  /** Values kept for quantiles: all of them up to this many, then a uniform sample of this size. */
  sampleSize: number;
}

/** The limits of a narrow file: what one column may use when memory is no concern. */
export const FULL_LIMITS: SketchLimits = {
  exactDistinct: 10_000,
  exactChars: 2_000_000,
  hllPrecision: DEFAULT_PRECISION,
  frequentItems: DEFAULT_CAPACITY,
  seenBits: 1 << 20,
  sampleSize: SAMPLE_SIZE,
  ...FULL_DETAIL,
};

/**
 * Column state of all threads of one profile together, in bytes (as estimated below): with
 * the process's own ~60 MB, worker heaps and chunks in flight, peak RSS stays under 300 MB.
 */
export const STATE_BUDGET_BYTES = 144 * 1024 * 1024;
/** Characters an exactly counted value adds to the budget, on average (a longer key counts its length). */
const BYTES_PER_EXACT_VALUE = 200;

/**
 * Limits for `columns` profiled columns when `copies` states of them exist at once (one
 * per thread that profiles, plus one while merging), for a result showing `detail`. Each
 * limit is the full one while a column's share of the budget allows it, else scaled down
 * to a floor that keeps small columns exact (32 distinct values) and estimates usable
 * (±4.6 % distinct counts, a 64-value sample: about ±6 % of rank).
 */
export function sketchLimits(columns: number, copies: number, detail: ProfileDetail): SketchLimits {
  const share = STATE_BUDGET_BYTES / Math.max(1, columns * copies);
  const exactDistinct = clamp(Math.floor(share / BYTES_PER_EXACT_VALUE), 32, FULL_LIMITS.exactDistinct);
  return {
    exactDistinct,
    exactChars: exactDistinct * BYTES_PER_EXACT_VALUE,
    hllPrecision: clamp(Math.floor(Math.log2(share / 32)), 9, FULL_LIMITS.hllPrecision),
    frequentItems: clamp(powerOfTwoBelow(share / 1024), 8, FULL_LIMITS.frequentItems),
    seenBits: clamp(powerOfTwoBelow(share * 2), 4096, FULL_LIMITS.seenBits),
    sampleSize: clamp(powerOfTwoBelow(share / 32), 64, FULL_LIMITS.sampleSize),
    topValues: detail.topValues,
    histogramBins: detail.histogramBins,
  };
}

/**
 * Worker threads for a file of `columns` columns: at most `wanted`, and fewer while a
 * column's share of the budget (one state per worker plus the merge) would drop below
 * 256 KB, where it starts to cost precision: a wide file is profiled by one worker, which
 * needs no merge, rather than by several with smaller sketches.
 */
export function workersFor(columns: number, wanted: number): number {
  let workers = wanted;
  while (workers > 1 && STATE_BUDGET_BYTES / (columns * (workers + 1)) < 256 * 1024) workers--;
  return workers;
}

/** States alive at once with `workers` workers: each worker's, and the first one merging another's. */
export function stateCopies(workers: number): number {
  return workers <= 1 ? 1 : workers + 1;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function powerOfTwoBelow(value: number): number {
  return value < 1 ? 0 : 2 ** Math.floor(Math.log2(value));
}

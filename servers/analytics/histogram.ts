import { zeros } from './arrays.js';

/** Bins reported at most, by default. */
export const MAX_REPORTED_BINS = 40;
/** Report-time groupings of fine bins: 1, 2, 5, 10, 20, 50, … */
const GROUPS = [1, 2, 5];

export interface HistogramState {
  maxBins: number;
  exponent: number;
  base: number;
  counts: number[];
  total: number;
}

export interface HistogramBin {
  from: number;
  to: number;
  count: number;
}

/**
 * Exact-count histogram in one pass without knowing the range in advance. Bins are
 * [k·w, (k+1)·w) with w = 10^exponent, aligned to multiples of w, so widening by ten
 * (when values span more than 5 × maxBins bins) and merging two histograms only add
 * whole bins together: counts stay exact, and edges stay round numbers.
 *
 * The used fine bins span at most 5 × maxBins: from that span on, five fine bins per
 * reported bin would give more than maxBins bins, so every grouping `bins()` can pick is a
 * multiple of ten fine bins, and widening changes no reported bin. The counts are a plain
 * array of the next power of two (256 for 40 bins: 2 KB), on the JavaScript heap like the
 * rest of a column's state.
 */
export class Histogram {
  private exponent = Number.NaN;
  /** Bin key of counts[0]. */
  private base = 0;
  private counts: number[];
  private total = 0;
  private readonly maxSpan: number;

  /**
   * `startExponent`: the first bin width (10^startExponent), e.g. 0 for timestamps in
   * seconds; by default a millionth of the first value's magnitude. `maxBins`: the most
   * bins it will be asked for.
   */
  constructor(
    private readonly startExponent?: number,
    private readonly maxBins = MAX_REPORTED_BINS,
  ) {
    this.maxSpan = 5 * maxBins;
    this.counts = zeros(2 ** Math.ceil(Math.log2(this.maxSpan + 1)));
  }

  /** A histogram of `values` (each `counts[i]` times, or once), added in order. */
  static of(
    values: readonly number[],
    startExponent?: number,
    maxBins?: number,
    counts?: readonly number[],
  ): Histogram {
    const histogram = new Histogram(startExponent, maxBins);
    for (let i = 0; i < values.length; i++)
      histogram.add(values[i] as number, counts ? (counts[i] as number) : 1);
    return histogram;
  }

  /** Fine bins kept: the largest span and room on both sides, so re-centring is rare. */
  private get window(): number {
    return this.counts.length;
  }

  /** Counts `value` (`count` times). */
  add(value: number, count = 1): void {
    if (Number.isNaN(this.exponent)) this.start(value);
    let key = keyOf(value, this.exponent);
    while (key < this.base || key >= this.base + this.window) {
      this.include(key, key);
      key = keyOf(value, this.exponent);
    }
    const index = key - this.base;
    this.counts[index] = (this.counts[index] as number) + count;
    this.total += count;
  }

  merge(other: Histogram): void {
    if (other.total === 0) return;
    if (this.total === 0) {
      this.exponent = other.exponent;
      this.base = other.base;
      this.counts = other.counts.slice();
      this.total = other.total;
      return;
    }
    const source = Histogram.from(other.state());
    while (source.exponent < this.exponent) source.widen();
    while (this.exponent < source.exponent) this.widen();
    const [first, last] = source.usedKeys();
    this.include(first, last);
    // Including the other's keys may have widened this one again.
    while (source.exponent < this.exponent) source.widen();
    for (let i = 0; i < source.window; i++) {
      const count = source.counts[i] as number;
      if (count === 0) continue;
      const index = source.base + i - this.base;
      this.counts[index] = (this.counts[index] as number) + count;
    }
    this.total += source.total;
  }

  /**
   * At most `maxBins` bins from the first to the last non-empty one, each `minWidth` wide
   * at least (1 for integers, a day for dates).
   */
  bins(minWidth = 0, maxBins = this.maxBins): HistogramBin[] {
    if (this.total === 0) return [];
    const [first, last] = this.usedKeys();
    const width = 10 ** this.exponent;
    let group = 1;
    for (let scale = 1; ; scale *= 10) {
      const fit = GROUPS.find((g) => {
        const size = g * scale;
        const bins = Math.floor(last / size) - Math.floor(first / size) + 1;
        return bins <= maxBins && size * width >= minWidth * (1 - 1e-9);
      });
      if (fit !== undefined) {
        group = fit * scale;
        break;
      }
    }
    const bins: HistogramBin[] = [];
    const firstGroup = Math.floor(first / group);
    const lastGroup = Math.floor(last / group);
    for (let g = firstGroup; g <= lastGroup; g++) {
      bins.push({ from: edge(g * group, this.exponent), to: edge((g + 1) * group, this.exponent), count: 0 });
    }
    for (let key = first; key <= last; key++) {
      const count = this.counts[key - this.base] as number;
      if (count > 0) (bins[Math.floor(key / group) - firstGroup] as HistogramBin).count += count;
    }
    return bins;
  }

  state(): HistogramState {
    return {
      maxBins: this.maxBins,
      exponent: this.exponent,
      base: this.base,
      counts: this.counts,
      total: this.total,
    };
  }

  static from(state: HistogramState): Histogram {
    const histogram = new Histogram(undefined, state.maxBins);
    histogram.exponent = state.exponent;
    histogram.base = state.base;
    histogram.counts = state.counts;
    histogram.total = state.total;
    return histogram;
  }

  private start(value: number): void {
    const magnitude = value === 0 ? 0 : Math.floor(Math.log10(Math.abs(value)));
    // Clamped so 10^-exponent stays a finite double even for subnormal first values.
    this.exponent = this.startExponent ?? Math.max(-300, magnitude - 6);
    this.base = keyOf(value, this.exponent) - this.window / 2;
  }

  private usedKeys(): [number, number] {
    let lo = 0;
    while ((this.counts[lo] as number) === 0) lo++;
    let hi = this.window - 1;
    while ((this.counts[hi] as number) === 0) hi--;
    return [this.base + lo, this.base + hi];
  }

  /** Makes room for keys `from`..`to` (at the current exponent): re-centres, widening while the span is too large. */
  private include(from: number, to: number): void {
    const window = this.window;
    if (from >= this.base && to < this.base + window) return;
    let [lo, hi] = this.total > 0 ? this.usedKeys() : [from, to];
    lo = Math.min(lo, from);
    hi = Math.max(hi, to);
    // Keep the used span below the window, so a re-centre leaves room on both sides
    // (sorted input would otherwise re-centre every few values).
    while (hi - lo >= this.maxSpan) {
      this.widen();
      lo = Math.floor(lo / 10);
      hi = Math.floor(hi / 10);
    }
    if (lo >= this.base && hi < this.base + window) return;
    const newBase = lo - Math.floor((window - (hi - lo + 1)) / 2);
    const counts = zeros(window);
    for (let i = 0; i < window; i++) {
      const count = this.counts[i] as number;
      if (count !== 0) counts[this.base + i - newBase] = count;
    }
    this.counts = counts;
    this.base = newBase;
  }

  /** Bins ten times wider: each new bin is the sum of ten old ones. */
  private widen(): void {
    const window = this.window;
    const counts = zeros(window);
    const newBase = Math.floor(this.base / 10) - window / 2 + Math.floor(window / 20);
    for (let i = 0; i < window; i++) {
      const count = this.counts[i] as number;
      if (count === 0) continue;
      const index = Math.floor((this.base + i) / 10) - newBase;
      counts[index] = (counts[index] as number) + count;
    }
    this.counts = counts;
    this.base = newBase;
    this.exponent++;
  }
}

/**
 * floor(value / 10^exponent), robust to decimal inputs whose binary value falls just
 * below a bin edge (0.29 · 100 = 28.999999999999996 belongs to bin 29).
 */
export function keyOf(value: number, exponent: number): number {
  const scaled = exponent >= 0 ? value / (POWERS[exponent] as number) : value * (POWERS[-exponent] as number);
  const floor = Math.floor(scaled);
  // Only values within a hair of the next edge need the rounding check.
  if (scaled - floor < 1 - 1e-9) return floor;
  const rounded = Math.round(scaled);
  // Relative to the value itself: a value far smaller than a bin (-12 in bins 10^13 wide) is no hair from 0.
  return Math.abs(scaled - rounded) <= 1e-9 * Math.abs(scaled) ? rounded : floor;
}

/** 10^0 … 10^308, looked up instead of computed per value. */
const POWERS: number[] = Array.from({ length: 309 }, (_, i) => 10 ** i);

/** key · 10^exponent without binary noise (0.1 · 3 → 0.3). */
function edge(key: number, exponent: number): number {
  return exponent >= 0 ? key * 10 ** exponent : Number((key / 10 ** -exponent).toPrecision(15));
}

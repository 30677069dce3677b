import { Histogram, type HistogramBin, type HistogramState } from './histogram.js';
import { Moments, type MomentsState } from './moments.js';
import { exactQuantiles, QuantileSketch, type QuantileSketchState } from './quantile-sketch.js';
import type { SketchLimits } from './sketch-limits.js';

export const DAY_SECONDS = 86_400;

/** Statistics that take a value many times at once (a dictionary entry with its count). */
export interface RepeatedValues {
  /** `isDate`: a date-only instant. */
  addRepeated(x: number, count: number, isDate: boolean): void;
}

/** What a column's profile reports of its numbers, or of its instants (epoch seconds). */
export interface NumericSummary {
  readonly moments: Moments;
  /** Whether quantileValues are of every value, not of a sample. */
  readonly exactQuantiles: boolean;
  quantileValues(qs: number[]): (number | null)[];
  /** Bins of the values; for instants in days (`days`) or in seconds. */
  bins(days: boolean, minWidth: number, maxBins: number): HistogramBin[];
}

/**
 * Statistics of values of one kind (numbers, or instants in epoch seconds). While the
 * quantile sketch still holds every value, the histograms are not kept but drawn from
 * those values when asked: a column of a few values costs a few numbers, not a 2 KB array.
 * With `limits.histogramBins` 0 (the result shows none) they are never kept.
 */
export class Distribution implements NumericSummary, RepeatedValues {
  readonly moments = new Moments();
  readonly quantiles: QuantileSketch;
  private histogram: Histogram | null = null;
  /** Instants only: the date-only values in days, so a date column's bins fall on midnights. */
  private days: Histogram | null = null;

  /** `instants`: values are epoch seconds (bins from 1 s wide; day bins for dates). */
  constructor(
    seed: number,
    private readonly limits: SketchLimits,
    readonly instants: boolean,
  ) {
    this.quantiles = new QuantileSketch(seed, limits.sampleSize);
  }

  get exactQuantiles(): boolean {
    return this.quantiles.isExact;
  }

  quantileValues(qs: number[]): (number | null)[] {
    return this.quantiles.quantiles(qs);
  }

  /** `isDate`: a date-only instant, counted in the day bins too. */
  add(x: number, isDate: boolean): void {
    this.moments.add(x);
    const histogram = this.histogram ?? this.histogramFrom(this.quantiles.count);
    if (histogram !== null) {
      histogram.add(x);
      if (isDate) this.days?.add(x / DAY_SECONDS);
    }
    this.quantiles.add(x);
  }

  /** Adds `x` `count` times (a column's counted values, when it outgrows its dictionary). */
  addRepeated(x: number, count: number, isDate: boolean): void {
    this.moments.addRepeated(x, count);
    // Past the sample's size the sketch keeps a sample only: the histograms are kept from here.
    if (
      this.histogram === null &&
      this.limits.histogramBins > 0 &&
      this.quantiles.count + count > this.limits.sampleSize
    )
      this.keepHistograms();
    if (this.histogram !== null) {
      this.histogram.add(x, count);
      if (isDate) this.days?.add(x / DAY_SECONDS, count);
    }
    this.quantiles.addRepeated(x, count);
  }

  /** The histogram kept from now on, when `count` values fill the sample (and the result shows one). */
  private histogramFrom(count: number): Histogram | null {
    if (count !== this.limits.sampleSize || this.limits.histogramBins === 0) return null;
    return this.keepHistograms().histogram;
  }

  merge(other: Distribution): void {
    this.moments.merge(other.moments);
    const sampled = this.quantiles.count + other.quantiles.count > this.limits.sampleSize;
    if (this.limits.histogramBins > 0 && (this.histogram !== null || sampled)) {
      const mine = this.keepHistograms();
      const theirs = other.histograms();
      mine.histogram.merge(theirs.histogram);
      if (mine.days && theirs.days) mine.days.merge(theirs.days);
    }
    this.quantiles.merge(other.quantiles);
  }

  /** Bins of the values; for instants in days (`days`) or in seconds. */
  bins(days: boolean, minWidth: number, maxBins: number): HistogramBin[] {
    const { histogram, days: dayHistogram } = this.histograms();
    return ((days ? dayHistogram : histogram) as Histogram).bins(minWidth, maxBins);
  }

  state(): DistributionState {
    return {
      moments: this.moments.state(),
      quantiles: this.quantiles.state(),
      histogram: this.histogram?.state() ?? null,
      days: this.days?.state() ?? null,
    };
  }

  static from(state: DistributionState, seed: number, limits: SketchLimits, instants: boolean): Distribution {
    const d = new Distribution(seed, limits, instants);
    Object.assign(d, {
      moments: Moments.from(state.moments),
      quantiles: QuantileSketch.from(state.quantiles),
      histogram: state.histogram && Histogram.from(state.histogram),
      days: state.days && Histogram.from(state.days),
    });
    return d;
  }

  /**
   * The histograms, drawn from the sketch's values while it holds them all. Day bins take
   * every instant then: they are only reported for a column of dates alone.
   */
  private histograms(): { histogram: Histogram; days: Histogram | null } {
    if (this.histogram !== null) return { histogram: this.histogram, days: this.days };
    const values = this.quantiles.values;
    const bins = this.limits.histogramBins;
    return {
      histogram: Histogram.of(values, this.instants ? 0 : undefined, bins),
      days: this.instants
        ? Histogram.of(
            values.map((x) => x / DAY_SECONDS),
            0,
            bins,
          )
        : null,
    };
  }

  /** Starts keeping the histograms (the sketch is about to hold a sample only). */
  private keepHistograms(): { histogram: Histogram; days: Histogram | null } {
    const kept = this.histograms();
    this.histogram = kept.histogram;
    this.days = kept.days;
    return kept;
  }
}

export interface DistributionState {
  moments: MomentsState;
  quantiles: QuantileSketchState;
  histogram: HistogramState | null;
  days: HistogramState | null;
}

/**
 * The numbers (or instants) of a column counted exactly: each distinct value with its
 * count, in the order values first appeared. Quantiles are exact (from the counts), and
 * so are the histograms (every value).
 */
export class CountedValues implements NumericSummary, RepeatedValues {
  private readonly values: number[] = [];
  private readonly counts: number[] = [];
  private computed: Moments | null = null;
  readonly exactQuantiles = true;

  /** `instants`: values are epoch seconds (bins from 1 s wide; day bins for dates). */
  constructor(
    private readonly instants: boolean,
    private readonly maxBins: number,
  ) {}

  /** `isDate` does not matter: day bins take every instant (see bins). */
  addRepeated(x: number, count: number, _isDate: boolean): void {
    this.values.push(x);
    this.counts.push(count);
  }

  get moments(): Moments {
    if (this.computed === null) {
      // Merged value by value (Chan): a sum of the values could overflow where the mean does not.
      const moments = new Moments();
      for (let i = 0; i < this.values.length; i++)
        moments.addRepeated(this.values[i] as number, this.counts[i] as number);
      this.computed = moments;
    }
    return this.computed;
  }

  quantileValues(qs: number[]): (number | null)[] {
    return exactQuantiles(this.values, this.counts, qs);
  }

  /** Day bins take every instant: they are only reported for a column of dates alone. */
  bins(days: boolean, minWidth: number, maxBins: number): HistogramBin[] {
    const values = days ? this.values.map((x) => x / DAY_SECONDS) : this.values;
    return Histogram.of(values, this.instants ? 0 : undefined, this.maxBins, this.counts).bins(
      minWidth,
      maxBins,
    );
  }
}

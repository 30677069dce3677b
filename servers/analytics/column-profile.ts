import { Histogram, type HistogramBin, type HistogramState } from './histogram.js';
import { Moments, type MomentsState } from './moments.js';
import type { ColumnProfile } from './profile-schema.js';
import { QuantileSketch, type QuantileSketchState } from './quantile-sketch.js';
import { FULL_DETAIL, type ProfileDetail } from './result-size.js';
import { FULL_LIMITS, type SketchLimits } from './sketch-limits.js';
import { compareUtf16Order, decodeUtf8, encodeUtf8 } from './utf8-bytes.js';
import { cutText, isCut, ValueCounter, type ValueCounterState } from './value-counter.js';
import {
  classifyBytes,
  formatEpochSeconds,
  Kind,
  needsTrim,
  parsed,
  trimValue,
  VALUE_KINDS,
  type ValueKind,
} from './value-types.js';

const DAY_SECONDS = 86_400;

/**
 * Statistics of values of one kind (numbers, or instants in epoch seconds). While the
 * quantile sketch still holds every value, the histograms are not kept but drawn from
 * those values when asked: a column of a few values costs a few numbers, not a 2 KB array.
 * With `limits.histogramBins` 0 (the result shows none) they are never kept.
 */
class Distribution {
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

interface DistributionState {
  moments: MomentsState;
  quantiles: QuantileSketchState;
  histogram: HistogramState | null;
  days: HistogramState | null;
}

export interface ColumnState {
  empty: number;
  nulls: number;
  kinds: number[];
  numbers: DistributionState | null;
  instants: DistributionState | null;
  minLength: number;
  maxLength: number;
  totalLength: number;
  /** UTF-8 bytes of the least and greatest text values. */
  minText: Uint8Array | null;
  maxText: Uint8Array | null;
  firstText: string | null;
  values: ValueCounterState;
}

/** Index of each Kind in `kinds` (Integer..String map to VALUE_KINDS order). */
const KIND_OFFSET = Kind.Integer;

/**
 * Everything the profile reports about one column, accumulated value by value in
 * bounded memory and mergeable (each worker keeps its own, the main thread merges).
 * The type is only decided at the end, so each value feeds the statistics of the kind
 * it looks like; the final type then picks which ones to report. Every part is made when
 * the first value needing it arrives, and grows with the values up to `limits`.
 */
export class ColumnAccumulator {
  private empty = 0;
  private nulls = 0;
  private kinds = [0, 0, 0, 0, 0, 0];
  private numbers: Distribution | null = null;
  private instants: Distribution | null = null;
  private minLength = Number.POSITIVE_INFINITY;
  private maxLength = 0;
  private totalLength = 0;
  /** UTF-8 bytes of the least and greatest text values (compared as JavaScript compares strings). */
  private minText: Uint8Array | null = null;
  private maxText: Uint8Array | null = null;
  /** First value that is plain text: quoted in the warning when it makes a numeric column text. */
  private firstText: string | null = null;
  private values: ValueCounter;

  constructor(
    private readonly seed: number,
    private readonly limits: SketchLimits = FULL_LIMITS,
  ) {
    this.values = new ValueCounter(limits);
  }

  /**
   * Adds the value bytes[start, end) (UTF-8; a scratch buffer the caller may reuse: what is
   * kept is copied). No string is made for it unless it needs trimming beyond the fast
   * check, or is text that becomes the column's first, min or max.
   */
  add(raw: Uint8Array, rawStart: number, rawEnd: number): void {
    let bytes = raw;
    let start = rawStart;
    let end = rawEnd;
    if (needsTrim(bytes, start, end)) {
      // Rare: JavaScript's trim, which also drops other white space once a space or tab is at an end.
      bytes = encodeUtf8(trimValue(decodeUtf8(bytes, start, end)));
      start = 0;
      end = bytes.length;
    }
    const kind = classifyBytes(bytes, start, end);
    if (kind === Kind.Empty) {
      this.empty++;
      return;
    }
    if (kind === Kind.Null) {
      this.nulls++;
      return;
    }
    (this.kinds[kind - KIND_OFFSET] as number)++;
    // Numbers, dates and booleans are ASCII: one character per byte.
    let length = end - start;
    if (kind === Kind.Integer || kind === Kind.Float) {
      this.numbers ??= new Distribution(this.seed, this.limits, false);
      this.numbers.add(parsed.number, false);
      this.values.addNumber(parsed.number, bytes, start, end);
    } else if (kind === Kind.Date || kind === Kind.DateTime) {
      this.instants ??= new Distribution(this.seed, this.limits, true);
      this.instants.add(parsed.number, kind === Kind.Date);
      this.values.addNumber(parsed.number, bytes, start, end);
    } else {
      if (kind === Kind.String) this.trackText(bytes, start, end);
      length = this.values.addText(bytes, start, end);
    }
    if (length < this.minLength) this.minLength = length;
    if (length > this.maxLength) this.maxLength = length;
    this.totalLength += length;
  }

  /** First, min and max of the text values (only those: comparing every value as text cost more than all other statistics). */
  private trackText(bytes: Uint8Array, start: number, end: number): void {
    this.firstText ??= decodeUtf8(bytes, start, end);
    const min = this.minText;
    if (min === null || compareUtf16Order(bytes, start, end, min, 0, min.length) < 0)
      this.minText = bytes.slice(start, end);
    const max = this.maxText;
    if (max === null || compareUtf16Order(bytes, start, end, max, 0, max.length) > 0)
      this.maxText = bytes.slice(start, end);
  }

  /** A value missing from a short row. */
  addAbsent(): void {
    this.nulls++;
  }

  merge(other: ColumnAccumulator): void {
    this.empty += other.empty;
    this.nulls += other.nulls;
    this.kinds = this.kinds.map((n, i) => n + (other.kinds[i] as number));
    this.numbers = mergeDistributions(this.numbers, other.numbers);
    this.instants = mergeDistributions(this.instants, other.instants);
    this.minLength = Math.min(this.minLength, other.minLength);
    this.maxLength = Math.max(this.maxLength, other.maxLength);
    this.totalLength += other.totalLength;
    const [min, otherMin] = [this.minText, other.minText];
    if (
      otherMin !== null &&
      (min === null || compareUtf16Order(otherMin, 0, otherMin.length, min, 0, min.length) < 0)
    )
      this.minText = otherMin;
    const [max, otherMax] = [this.maxText, other.maxText];
    if (
      otherMax !== null &&
      (max === null || compareUtf16Order(otherMax, 0, otherMax.length, max, 0, max.length) > 0)
    )
      this.maxText = otherMax;
    this.firstText ??= other.firstText;
    this.values.merge(other.values);
  }

  state(): ColumnState {
    return {
      empty: this.empty,
      nulls: this.nulls,
      kinds: this.kinds,
      numbers: this.numbers?.state() ?? null,
      instants: this.instants?.state() ?? null,
      minLength: this.minLength,
      maxLength: this.maxLength,
      totalLength: this.totalLength,
      minText: this.minText,
      maxText: this.maxText,
      firstText: this.firstText,
      values: this.values.state(),
    };
  }

  static from(state: ColumnState, seed: number, limits: SketchLimits = FULL_LIMITS): ColumnAccumulator {
    const column = new ColumnAccumulator(seed, limits);
    Object.assign(column, {
      ...state,
      numbers: state.numbers && Distribution.from(state.numbers, seed, limits, false),
      instants: state.instants && Distribution.from(state.instants, seed, limits, true),
      values: ValueCounter.from(state.values, limits),
    });
    return column;
  }

  /** The column's profile, and a warning when a few stray values made a typed column text. */
  profile(
    name: string,
    index: number,
    detail: ProfileDetail = FULL_DETAIL,
  ): { profile: ColumnProfile; warning?: string } {
    const counts = Object.fromEntries(VALUE_KINDS.map((k, i) => [k, this.kinds[i] as number])) as Record<
      ValueKind,
      number
    >;
    const count = this.kinds.reduce((a, b) => a + b, 0);
    const type = inferType(counts, count);
    const values = this.values.summary(Math.min(detail.topValues, this.limits.topValues));
    const base: ColumnProfile = {
      name,
      index,
      type,
      count,
      nulls: this.nulls,
      empty: this.empty,
      typeCounts: counts,
      distinct: { count: values.distinct, exact: values.exact, allDistinct: values.allDistinct },
      min: null,
      max: null,
      mean: null,
      stddev: null,
      quantiles: null,
      topValues: { values: values.top, exact: values.exact, maxError: values.maxError },
      histogram: null,
      length: count > 0 ? { min: this.minLength, max: this.maxLength, mean: this.totalLength / count } : null,
      truncated: values.top.some((t) => isCut(t.value)),
    };
    const bins = Math.min(detail.histogramBins, this.limits.histogramBins);
    if ((type === 'integer' || type === 'float') && this.numbers) {
      const integer = type === 'integer';
      const histogram = bins > 0 ? this.numbers.bins(false, integer ? 1 : 0, bins) : null;
      Object.assign(
        base,
        describe(this.numbers, (x) => x, histogram, integer ? 1 : 0),
      );
    } else if (type === 'datetime' && this.instants) {
      const format = (x: number) => formatEpochSeconds(x, false);
      const histogram = bins > 0 ? this.instants.bins(false, 1, bins) : null;
      Object.assign(base, describe(this.instants, format, histogram, 0, DAY_SECONDS));
    } else if (type === 'date' && this.instants) {
      const format = (x: number) => formatEpochSeconds(x, true);
      const histogram =
        bins > 0
          ? this.instants
              .bins(true, 1, bins)
              .map((b) => ({ ...b, from: b.from * DAY_SECONDS, to: b.to * DAY_SECONDS }))
          : null;
      Object.assign(base, describe(this.instants, format, histogram, DAY_SECONDS, DAY_SECONDS));
    } else if (type === 'string') {
      const text = (bytes: Uint8Array | null) =>
        bytes === null ? null : cutText(decodeUtf8(bytes, 0, bytes.length));
      base.min = text(this.minText);
      base.max = text(this.maxText);
      base.truncated ||= isCut(base.min ?? '') || isCut(base.max ?? '');
    }
    return { profile: base, warning: this.strayTextWarning(name, counts, count) };
  }

  private strayTextWarning(
    name: string,
    counts: Record<ValueKind, number>,
    count: number,
  ): string | undefined {
    const text = counts.string;
    if (text === 0 || text * 20 > count || this.firstText === null) return undefined;
    const example = this.firstText.length > 40 ? `${this.firstText.slice(0, 40)}…` : this.firstText;
    return `Column "${name}": ${text} of ${count} values are text (e.g. ${JSON.stringify(example)}) among typed values, so it is profiled as string.`;
  }
}

function mergeDistributions(a: Distribution | null, b: Distribution | null): Distribution | null {
  if (!b) return a;
  if (!a) return b;
  a.merge(b);
  return a;
}

/** The narrowest type all non-missing values fit; an empty column is string. */
export function inferType(counts: Record<ValueKind, number>, total: number): ValueKind {
  if (total === 0 || counts.string > 0) return 'string';
  if (counts.boolean === total) return 'boolean';
  if (counts.integer === total) return 'integer';
  if (counts.integer + counts.float === total) return 'float';
  if (counts.date === total) return 'date';
  if (counts.date + counts.datetime === total) return 'datetime';
  return 'string';
}

/**
 * Moments, quantiles and histogram in the column's own type. `step`: the gap between two
 * possible values (1 for integers, a day for dates; 0 for continuous values): the
 * histogram's bins then hold whole values, `to` is the last one a bin holds (inclusive),
 * and the outer edges are the column's min and max, so a 1–5 rating reads 1 … 5, not 1 … 6.
 */
function describe(
  d: Distribution,
  format: (x: number) => number | string,
  bins: HistogramBin[] | null,
  step: number,
  stddevUnit = 1,
): Partial<ColumnProfile> {
  const [p25, p50, p75] = d.quantiles.quantiles([0.25, 0.5, 0.75]).map((x) => format(x as number));
  const stddev = d.moments.stddev();
  const { min, max } = d.moments;
  const shown =
    step > 0
      ? bins?.map((b) => ({ from: Math.max(b.from, min), to: Math.min(b.to - step, max), count: b.count }))
      : bins;
  return {
    min: format(min),
    max: format(max),
    mean: format(d.moments.mean),
    stddev: stddev === null ? null : stddev / stddevUnit,
    quantiles: {
      p25: p25 as number | string,
      p50: p50 as number | string,
      p75: p75 as number | string,
      exact: d.quantiles.isExact,
    },
    histogram: shown
      ? {
          bins: shown.map((b) => ({ from: format(b.from), to: format(b.to), count: b.count })),
          inclusive: step > 0,
        }
      : null,
  };
}

import { Histogram, type HistogramBin, type HistogramState } from './histogram.js';
import { Moments, type MomentsState } from './moments.js';
import type { ColumnProfile } from './profile-schema.js';
import { QuantileSketch, type QuantileSketchState } from './quantile-sketch.js';
import { detach, ValueCounter, type ValueCounterState } from './value-counter.js';
import {
  classify,
  formatEpochSeconds,
  Kind,
  parsed,
  trimValue,
  VALUE_KINDS,
  type ValueKind,
} from './value-types.js';

const TOP_VALUES = 10;
const DAY_SECONDS = 86_400;

/** Statistics of values of one kind (numbers, or instants in epoch seconds). */
class Distribution {
  readonly moments = new Moments();
  readonly quantiles: QuantileSketch;
  readonly histogram: Histogram;

  constructor(seed: number, histogramStartExponent?: number) {
    this.quantiles = new QuantileSketch(seed);
    this.histogram = new Histogram(histogramStartExponent);
  }

  add(x: number): void {
    this.moments.add(x);
    this.quantiles.add(x);
    this.histogram.add(x);
  }

  merge(other: Distribution): void {
    this.moments.merge(other.moments);
    this.quantiles.merge(other.quantiles);
    this.histogram.merge(other.histogram);
  }

  state(): DistributionState {
    return {
      moments: this.moments.state(),
      quantiles: this.quantiles.state(),
      histogram: this.histogram.state(),
    };
  }

  static from(state: DistributionState, seed: number, start?: number): Distribution {
    const d = new Distribution(seed, start);
    Object.assign(d, {
      moments: Moments.from(state.moments),
      quantiles: QuantileSketch.from(state.quantiles),
      histogram: Histogram.from(state.histogram),
    });
    return d;
  }
}

interface DistributionState {
  moments: MomentsState;
  quantiles: QuantileSketchState;
  histogram: HistogramState;
}

export interface ColumnState {
  empty: number;
  nulls: number;
  kinds: number[];
  numbers: DistributionState | null;
  instants: DistributionState | null;
  days: HistogramState | null;
  minLength: number;
  maxLength: number;
  totalLength: number;
  minText: string | null;
  maxText: string | null;
  firstText: string | null;
  values: ValueCounterState;
}

/** Index of each Kind in `kinds` (Integer..String map to VALUE_KINDS order). */
const KIND_OFFSET = Kind.Integer;

/**
 * Everything the profile reports about one column, accumulated value by value in
 * bounded memory and mergeable (each worker keeps its own, the main thread merges).
 * The type is only decided at the end, so each value feeds the statistics of the kind
 * it looks like; the final type then picks which ones to report.
 */
export class ColumnAccumulator {
  private empty = 0;
  private nulls = 0;
  private kinds = [0, 0, 0, 0, 0, 0];
  private numbers: Distribution | null = null;
  private instants: Distribution | null = null;
  /** Date-only values in days, so a date column's bins fall on midnights. */
  private days: Histogram | null = null;
  private minLength = Number.POSITIVE_INFINITY;
  private maxLength = 0;
  private totalLength = 0;
  private minText: string | null = null;
  private maxText: string | null = null;
  /** First value that is plain text: quoted in the warning when it makes a numeric column text. */
  private firstText: string | null = null;
  private values = new ValueCounter();

  constructor(private readonly seed: number) {}

  add(raw: string): void {
    const value = trimValue(raw);
    const kind = classify(value);
    if (kind === Kind.Empty) {
      this.empty++;
      return;
    }
    if (kind === Kind.Null) {
      this.nulls++;
      return;
    }
    (this.kinds[kind - KIND_OFFSET] as number)++;
    if (kind === Kind.Integer || kind === Kind.Float) {
      this.numbers ??= new Distribution(this.seed);
      this.numbers.add(parsed.number);
    } else if (kind === Kind.Date || kind === Kind.DateTime) {
      this.instants ??= new Distribution(this.seed, 0);
      this.instants.add(parsed.number);
      if (kind === Kind.Date) {
        this.days ??= new Histogram(0);
        this.days.add(parsed.number / DAY_SECONDS);
      }
    } else if (kind === Kind.String) {
      this.firstText ??= detach(value);
      // Only text values: comparing strings costs more than all other statistics together.
      if (this.minText === null || value < this.minText) this.minText = detach(value);
      if (this.maxText === null || value > this.maxText) this.maxText = detach(value);
    }
    const length = value.length;
    if (length < this.minLength) this.minLength = length;
    if (length > this.maxLength) this.maxLength = length;
    this.totalLength += length;
    this.values.add(value, kind, parsed.number);
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
    if (other.days) {
      if (this.days) this.days.merge(other.days);
      else this.days = other.days;
    }
    this.minLength = Math.min(this.minLength, other.minLength);
    this.maxLength = Math.max(this.maxLength, other.maxLength);
    this.totalLength += other.totalLength;
    if (other.minText !== null && (this.minText === null || other.minText < this.minText))
      this.minText = other.minText;
    if (other.maxText !== null && (this.maxText === null || other.maxText > this.maxText))
      this.maxText = other.maxText;
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
      days: this.days?.state() ?? null,
      minLength: this.minLength,
      maxLength: this.maxLength,
      totalLength: this.totalLength,
      minText: this.minText,
      maxText: this.maxText,
      firstText: this.firstText,
      values: this.values.state(),
    };
  }

  static from(state: ColumnState, seed: number): ColumnAccumulator {
    const column = new ColumnAccumulator(seed);
    Object.assign(column, {
      ...state,
      numbers: state.numbers && Distribution.from(state.numbers, seed),
      instants: state.instants && Distribution.from(state.instants, seed, 0),
      days: state.days && Histogram.from(state.days),
      values: ValueCounter.from(state.values),
    });
    return column;
  }

  /** The column's profile, and a warning when a few stray values made a typed column text. */
  profile(name: string, index: number): { profile: ColumnProfile; warning?: string } {
    const counts = Object.fromEntries(VALUE_KINDS.map((k, i) => [k, this.kinds[i] as number])) as Record<
      ValueKind,
      number
    >;
    const count = this.kinds.reduce((a, b) => a + b, 0);
    const type = inferType(counts, count);
    const top = this.values.top(TOP_VALUES);
    const base: ColumnProfile = {
      name,
      index,
      type,
      count,
      nulls: this.nulls,
      empty: this.empty,
      typeCounts: counts,
      distinct: { count: this.values.distinct(), exact: this.values.exact },
      min: null,
      max: null,
      mean: null,
      stddev: null,
      quantiles: null,
      topValues: { values: top.values, exact: this.values.exact, maxError: top.maxError },
      histogram: null,
      length: count > 0 ? { min: this.minLength, max: this.maxLength, mean: this.totalLength / count } : null,
    };
    if ((type === 'integer' || type === 'float') && this.numbers) {
      const bins = this.numbers.histogram.bins(type === 'integer' ? 1 : 0);
      Object.assign(
        base,
        describe(this.numbers, (x) => x, bins, 1),
      );
    } else if (type === 'datetime' && this.instants) {
      const format = (x: number) => formatEpochSeconds(x, false);
      Object.assign(base, describe(this.instants, format, this.instants.histogram.bins(1), DAY_SECONDS));
    } else if (type === 'date' && this.instants && this.days) {
      const format = (x: number) => formatEpochSeconds(x, true);
      const bins = this.days
        .bins(1)
        .map((b) => ({ ...b, from: b.from * DAY_SECONDS, to: b.to * DAY_SECONDS }));
      Object.assign(base, describe(this.instants, format, bins, DAY_SECONDS));
    } else if (type === 'string') {
      base.min = this.minText;
      base.max = this.maxText;
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

function describe(
  d: Distribution,
  format: (x: number) => number | string,
  bins: HistogramBin[],
  stddevUnit: number,
): Partial<ColumnProfile> {
  const [p25, p50, p75] = d.quantiles.quantiles([0.25, 0.5, 0.75]).map((x) => format(x as number));
  const stddev = d.moments.stddev();
  return {
    min: format(d.moments.min),
    max: format(d.moments.max),
    mean: format(d.moments.mean),
    stddev: stddev === null ? null : stddev / stddevUnit,
    quantiles: {
      p25: p25 as number | string,
      p50: p50 as number | string,
      p75: p75 as number | string,
      exact: d.quantiles.isExact,
    },
    histogram: { bins: bins.map((b) => ({ from: format(b.from), to: format(b.to), count: b.count })) },
  };
}

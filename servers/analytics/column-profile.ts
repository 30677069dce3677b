import { hashBytes } from './distinct-counter.js';
import {
  CountedValues,
  DAY_SECONDS,
  Distribution,
  type DistributionState,
  type NumericSummary,
  type RepeatedValues,
} from './distribution.js';
import type { HistogramBin } from './histogram.js';
import type { ColumnProfile } from './profile-schema.js';
import { FULL_DETAIL, type ProfileDetail } from './result-size.js';
import { FULL_LIMITS, type SketchLimits } from './sketch-limits.js';
import { compareUtf16Order, decodeUtf8, encodeUtf8, utf16Length } from './utf8-bytes.js';
import {
  cutText,
  exactSummary,
  isCut,
  longKey,
  MAX_KEY_LENGTH,
  ValueCounter,
  type ValueCounterState,
  type ValueSummary,
} from './value-counter.js';
import { SPELLINGS_PER_VALUE, ValueDictionary, type ValueDictionaryState } from './value-dictionary.js';
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

/** Index of each Kind in `kinds` (Integer..String map to VALUE_KINDS order). */
const KIND_OFFSET = Kind.Integer;

export interface ColumnState {
  empty: number;
  absent: number;
  /** UTF-8 bytes of the least and greatest text values. */
  minText: Uint8Array | null;
  maxText: Uint8Array | null;
  firstText: string | null;
  dictionary: ValueDictionaryState | null;
  stream: StreamState | null;
}

interface StreamState {
  nulls: number;
  kinds: number[];
  numbers: DistributionState | null;
  instants: DistributionState | null;
  minLength: number;
  maxLength: number;
  totalLength: number;
  values: ValueCounterState;
}

/** What the profile reports of a column's values, from its dictionary or from its streamed statistics. */
interface Tally {
  nulls: number;
  /** Values of each kind, in VALUE_KINDS order. */
  kinds: number[];
  minLength: number;
  maxLength: number;
  totalLength: number;
  numbers: NumericSummary | null;
  instants: NumericSummary | null;
  values: ValueSummary;
}

/**
 * The statistics of a column with too many distinct values for a dictionary, value by
 * value: kinds, lengths, moments, quantile samples and histograms, and estimated distinct
 * counts and heavy hitters. Each value feeds the statistics of the kind it looks like
 * (the type is decided at the end).
 */
class StreamedColumn {
  nulls = 0;
  kinds = [0, 0, 0, 0, 0, 0];
  numbers: Distribution | null = null;
  instants: Distribution | null = null;
  minLength = Number.POSITIVE_INFINITY;
  maxLength = 0;
  totalLength = 0;

  constructor(
    private readonly seed: number,
    private readonly limits: SketchLimits,
    readonly values: ValueCounter,
  ) {}

  /** Takes over from a column's dictionary, its values added in the order they first appeared. */
  static of(dictionary: ValueDictionary, seed: number, limits: SketchLimits): StreamedColumn {
    const column = new StreamedColumn(seed, limits, ValueCounter.of(dictionary, limits));
    for (let e = 0; e < dictionary.size; e++) addEntry(column, dictionary, e);
    return column;
  }

  /** Adds a value counted by a dictionary (another thread's): its entries `group` (valueGroups). */
  addValue(dictionary: ValueDictionary, group: number[]): void {
    this.values.addValue(dictionary, group);
    for (const e of group) addEntry(this, dictionary, e);
  }

  /** Adds the non-empty trimmed value bytes[start, end) of `kind`; returns its UTF-16 length. */
  add(bytes: Uint8Array, start: number, end: number, kind: Kind): void {
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
      length = this.values.addText(bytes, start, end);
    }
    this.addLength(length);
  }

  merge(other: StreamedColumn): void {
    this.nulls += other.nulls;
    this.kinds = this.kinds.map((n, i) => n + (other.kinds[i] as number));
    this.numbers = mergeDistributions(this.numbers, other.numbers);
    this.instants = mergeDistributions(this.instants, other.instants);
    this.minLength = Math.min(this.minLength, other.minLength);
    this.maxLength = Math.max(this.maxLength, other.maxLength);
    this.totalLength += other.totalLength;
    this.values.merge(other.values);
  }

  tally(topValues: number): Tally {
    return { ...this, values: this.values.summary(topValues) };
  }

  state(): StreamState {
    return {
      nulls: this.nulls,
      kinds: this.kinds,
      numbers: this.numbers?.state() ?? null,
      instants: this.instants?.state() ?? null,
      minLength: this.minLength,
      maxLength: this.maxLength,
      totalLength: this.totalLength,
      values: this.values.state(),
    };
  }

  static from(state: StreamState, seed: number, limits: SketchLimits): StreamedColumn {
    const column = new StreamedColumn(seed, limits, ValueCounter.from(state.values, limits));
    Object.assign(column, {
      nulls: state.nulls,
      kinds: state.kinds,
      numbers: state.numbers && Distribution.from(state.numbers, seed, limits, false),
      instants: state.instants && Distribution.from(state.instants, seed, limits, true),
      minLength: state.minLength,
      maxLength: state.maxLength,
      totalLength: state.totalLength,
    });
    return column;
  }

  numberSink(): Distribution {
    this.numbers ??= new Distribution(this.seed, this.limits, false);
    return this.numbers;
  }

  instantSink(): Distribution {
    this.instants ??= new Distribution(this.seed, this.limits, true);
    return this.instants;
  }

  private addLength(length: number): void {
    if (length < this.minLength) this.minLength = length;
    if (length > this.maxLength) this.maxLength = length;
    this.totalLength += length;
  }
}

/** Where a dictionary entry's counts go: streamed statistics, or the tally of a dictionary. */
interface EntrySink {
  nulls: number;
  kinds: number[];
  minLength: number;
  maxLength: number;
  totalLength: number;
  numberSink(): RepeatedValues;
  instantSink(): RepeatedValues;
}

/** Adds the kind, length and number of `dictionary`'s entry `e`, `counts[e]` times (not its value's count). */
function addEntry(sink: EntrySink, dictionary: ValueDictionary, e: number): void {
  const count = dictionary.counts[e] as number;
  const kind = dictionary.kinds[e] as Kind;
  if (kind === Kind.Null) {
    sink.nulls += count;
    return;
  }
  (sink.kinds[kind - KIND_OFFSET] as number) += count;
  const length = dictionary.lengths[e] as number;
  if (length < sink.minLength) sink.minLength = length;
  if (length > sink.maxLength) sink.maxLength = length;
  sink.totalLength += length * count;
  const x = dictionary.numbers[e] as number;
  if (kind === Kind.Integer || kind === Kind.Float) sink.numberSink().addRepeated(x, count, false);
  else if (kind === Kind.Date || kind === Kind.DateTime)
    sink.instantSink().addRepeated(x, count, kind === Kind.Date);
}

/** What the profile reports of a column counted by its dictionary: all of it exact. */
function dictionaryTally(dictionary: ValueDictionary, limits: SketchLimits, topValues: number): Tally {
  let numbers: CountedValues | null = null;
  let instants: CountedValues | null = null;
  const sink: EntrySink = {
    nulls: 0,
    kinds: [0, 0, 0, 0, 0, 0],
    minLength: Number.POSITIVE_INFINITY,
    maxLength: 0,
    totalLength: 0,
    numberSink: () => {
      numbers ??= new CountedValues(false, limits.histogramBins);
      return numbers;
    },
    instantSink: () => {
      instants ??= new CountedValues(true, limits.histogramBins);
      return instants;
    },
  };
  for (let e = 0; e < dictionary.size; e++) addEntry(sink, dictionary, e);
  const { nulls, kinds, minLength, maxLength, totalLength } = sink;
  return {
    nulls,
    kinds,
    minLength,
    maxLength,
    totalLength,
    numbers,
    instants,
    values: exactSummary(dictionary, topValues),
  };
}

/**
 * Everything the profile reports about one column, accumulated value by value in
 * bounded memory and mergeable (each worker keeps its own; the first merges the others').
 * While the column has few distinct values, a dictionary counts them exactly (a repeated
 * value costs a lookup) and every statistic is derived from it at the end; past the
 * limits (`limits.exactDistinct` values, `limits.exactChars` characters) its counts are
 * handed to streamed statistics (StreamedColumn) that take every later value. Every
 * part is made when the first value needing it arrives, and grows with the values.
 */
export class ColumnAccumulator {
  private empty = 0;
  /** Values missing from short rows (nulls, besides the null tokens). */
  private absent = 0;
  /** UTF-8 bytes of the least and greatest text values (compared as JavaScript compares strings). */
  private minText: Uint8Array | null = null;
  private maxText: Uint8Array | null = null;
  /** First value that is plain text: quoted in the warning when it makes a numeric column text. */
  private firstText: string | null = null;
  private dictionary: ValueDictionary | null = new ValueDictionary();
  private stream: StreamedColumn | null = null;

  constructor(
    private readonly seed: number,
    private readonly limits: SketchLimits = FULL_LIMITS,
  ) {}

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
    if (start === end) {
      this.empty++;
      return;
    }
    const dictionary = this.dictionary;
    if (dictionary === null) {
      const kind = classifyBytes(bytes, start, end);
      if (kind === Kind.String) this.trackText(bytes, start, end);
      (this.stream as StreamedColumn).add(bytes, start, end, kind);
      return;
    }
    // More bytes than characters only with non-ASCII text: most values skip counting characters.
    if (end - start > MAX_KEY_LENGTH && utf16Length(bytes, start, end) > MAX_KEY_LENGTH) {
      this.addLong(dictionary, bytes, start, end);
      return;
    }
    const hash = hashBytes(bytes, start, end);
    const e = dictionary.find(bytes, start, end, hash);
    if (e >= 0) {
      dictionary.counts[e] = (dictionary.counts[e] as number) + 1;
      return;
    }
    const kind = classifyBytes(bytes, start, end);
    if (kind === Kind.String) this.trackText(bytes, start, end);
    const length = utf16Length(bytes, start, end);
    dictionary.insert(bytes, start, end, hash, kind, parsed.number, length, length, 1);
    if (this.outgrown(dictionary)) this.becomeStreamed(dictionary);
  }

  /** A value missing from a short row: a null. */
  addAbsent(): void {
    this.absent++;
  }

  merge(other: ColumnAccumulator): void {
    this.empty += other.empty;
    this.absent += other.absent;
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
    const theirs = other.dictionary;
    if (theirs === null) {
      if (this.dictionary !== null) this.becomeStreamed(this.dictionary);
      (this.stream as StreamedColumn).merge(other.stream as StreamedColumn);
      return;
    }
    // Value by value, in the order they first appeared there: past the limits, the rest streams.
    for (const group of theirs.valueGroups()) {
      const dictionary = this.dictionary;
      if (dictionary === null) {
        (this.stream as StreamedColumn).addValue(theirs, group);
        continue;
      }
      for (const e of group) dictionary.mergeEntry(theirs, e);
      if (this.outgrown(dictionary)) this.becomeStreamed(dictionary);
    }
  }

  state(): ColumnState {
    return {
      empty: this.empty,
      absent: this.absent,
      minText: this.minText,
      maxText: this.maxText,
      firstText: this.firstText,
      dictionary: this.dictionary?.state() ?? null,
      stream: this.stream?.state() ?? null,
    };
  }

  static from(state: ColumnState, seed: number, limits: SketchLimits = FULL_LIMITS): ColumnAccumulator {
    const column = new ColumnAccumulator(seed, limits);
    Object.assign(column, {
      empty: state.empty,
      absent: state.absent,
      minText: state.minText,
      maxText: state.maxText,
      firstText: state.firstText,
      dictionary: state.dictionary && ValueDictionary.from(state.dictionary),
      stream: state.stream && StreamedColumn.from(state.stream, seed, limits),
    });
    return column;
  }

  /** The column's profile, and a warning when a few stray values made a typed column text. */
  profile(
    name: string,
    index: number,
    detail: ProfileDetail = FULL_DETAIL,
  ): { profile: ColumnProfile; warning?: string } {
    const topValues = Math.min(detail.topValues, this.limits.topValues);
    const tally = this.dictionary
      ? dictionaryTally(this.dictionary, this.limits, topValues)
      : (this.stream as StreamedColumn).tally(topValues);
    const counts = Object.fromEntries(VALUE_KINDS.map((k, i) => [k, tally.kinds[i] as number])) as Record<
      ValueKind,
      number
    >;
    const count = tally.kinds.reduce((a, b) => a + b, 0);
    const type = inferType(counts, count);
    const { values, numbers, instants } = tally;
    const base: ColumnProfile = {
      name,
      index,
      type,
      count,
      nulls: tally.nulls + this.absent,
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
      length:
        count > 0 ? { min: tally.minLength, max: tally.maxLength, mean: tally.totalLength / count } : null,
      truncated: values.top.some((t) => isCut(t.value)),
    };
    const bins = Math.min(detail.histogramBins, this.limits.histogramBins);
    if ((type === 'integer' || type === 'float') && numbers) {
      const integer = type === 'integer';
      const histogram = bins > 0 ? numbers.bins(false, integer ? 1 : 0, bins) : null;
      Object.assign(
        base,
        describe(numbers, (x) => x, histogram, integer ? 1 : 0),
      );
    } else if (type === 'datetime' && instants) {
      const format = (x: number) => formatEpochSeconds(x, false);
      const histogram = bins > 0 ? instants.bins(false, 1, bins) : null;
      Object.assign(base, describe(instants, format, histogram, 0, DAY_SECONDS));
    } else if (type === 'date' && instants) {
      const format = (x: number) => formatEpochSeconds(x, true);
      const histogram =
        bins > 0
          ? instants
              .bins(true, 1, bins)
              .map((b) => ({ ...b, from: b.from * DAY_SECONDS, to: b.to * DAY_SECONDS }))
          : null;
      Object.assign(base, describe(instants, format, histogram, DAY_SECONDS, DAY_SECONDS));
    } else if (type === 'string') {
      const text = (bytes: Uint8Array | null) =>
        bytes === null ? null : cutText(decodeUtf8(bytes, 0, bytes.length));
      base.min = text(this.minText);
      base.max = text(this.maxText);
      base.truncated ||= isCut(base.min ?? '') || isCut(base.max ?? '');
    }
    return { profile: base, warning: this.strayTextWarning(name, counts, count) };
  }

  /** A value of more than MAX_KEY_LENGTH characters: text is counted under its valueKey, a number as written. */
  private addLong(dictionary: ValueDictionary, bytes: Uint8Array, start: number, end: number): void {
    const kind = classifyBytes(bytes, start, end);
    const number = parsed.number;
    const text = kind === Kind.String || kind === Kind.Boolean;
    const key = text ? longKey(bytes, start, end) : bytes;
    const [keyStart, keyEnd] = text ? [0, key.length] : [start, end];
    const hash = hashBytes(key, keyStart, keyEnd);
    const keyChars = utf16Length(key, keyStart, keyEnd);
    const length = utf16Length(bytes, start, end);
    const e = dictionary.find(key, keyStart, keyEnd, hash);
    if (e >= 0) {
      dictionary.counts[e] = (dictionary.counts[e] as number) + 1;
      return;
    }
    if (kind === Kind.String) this.trackText(bytes, start, end);
    dictionary.insert(key, keyStart, keyEnd, hash, kind, number, length, keyChars, 1);
    if (this.outgrown(dictionary)) this.becomeStreamed(dictionary);
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

  private outgrown(dictionary: ValueDictionary): boolean {
    const { exactDistinct, exactChars } = this.limits;
    return (
      dictionary.values > exactDistinct ||
      dictionary.chars > exactChars ||
      dictionary.size > SPELLINGS_PER_VALUE * exactDistinct
    );
  }

  private becomeStreamed(dictionary: ValueDictionary): void {
    this.stream = StreamedColumn.of(dictionary, this.seed, this.limits);
    this.dictionary = null;
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
  d: NumericSummary,
  format: (x: number) => number | string,
  bins: HistogramBin[] | null,
  step: number,
  stddevUnit = 1,
): Partial<ColumnProfile> {
  const [p25, p50, p75] = d.quantileValues([0.25, 0.5, 0.75]).map((x) => format(x as number));
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
      exact: d.exactQuantiles,
    },
    histogram: shown
      ? {
          bins: shown.map((b) => ({ from: format(b.from), to: format(b.to), count: b.count })),
          inclusive: step > 0,
        }
      : null,
  };
}

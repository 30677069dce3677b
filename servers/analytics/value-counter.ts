import { HyperLogLog, hashNumber, hashString } from './distinct-counter.js';
import { FrequentItems, type FrequentItemsState } from './frequent-items.js';
import { FULL_LIMITS, type SketchLimits } from './sketch-limits.js';
import { Kind } from './value-types.js';

/** Values longer than this are counted by a prefix plus a hash of the whole value (and shown so). */
export const MAX_KEY_LENGTH = 200;
/**
 * Once approximate, a value reaches the heavy-hitter counters only when its hash bit is
 * already set (bits are cleared when a quarter are set): a column of unique values (ids,
 * e-mails, timestamps) then costs a bit test per value instead of counter churn. A value
 * loses at most one occurrence (the one that sets its bit) per epoch between clearings,
 * which the reported maxError includes; and a value counted once may never have repeated
 * (its bit set by another value), so a count of 1 tells nothing and is not reported.
 */
const SEEN_CLEAR_FRACTION = 4;
/** An estimate within this many standard errors of the number of values counts as "all distinct". */
const ALL_DISTINCT_ERRORS = 3;

export interface TopValue {
  value: string;
  count: number;
}

/** A mutable count (a repeat costs one map lookup, not a get and a set) and the value's text as first seen. */
interface Counter {
  n: number;
  label: string;
}

/** Numbers and dates are counted by value (their parsed number), everything else by text. */
type CountKey = number | string;

/** What the counter says about a column's values. */
export interface ValueSummary {
  /** Distinct values: exact, or an estimate kept within what is possible (never above the values seen). */
  distinct: number;
  exact: boolean;
  /**
   * Every value occurs once: certain when exact; for an estimate, it reaches the number of
   * values (within three standard errors) and no value was counted twice. `distinct` is then
   * the number of values, and `top` is empty.
   */
  allDistinct: boolean;
  /** Most frequent first; when approximate, lower bounds, and only values counted more than once. */
  top: TopValue[];
  maxError: number;
}

export interface ValueCounterState {
  n: number;
  exact: Map<CountKey, Counter> | null;
  keyChars: number;
  hll: Uint8Array | null;
  frequent: FrequentItemsState | null;
  /** Bit epochs (1 + clearings, summed over merged counters): a value loses at most one occurrence in each. */
  epochs: number;
}

/** How a long value is shown: its first MAX_KEY_LENGTH characters, then its length. */
export function cutText(value: string): string {
  if (value.length <= MAX_KEY_LENGTH) return value;
  return `${value.slice(0, MAX_KEY_LENGTH)}… (${value.length.toLocaleString('en-US')} chars)`;
}

/** Key under which a value is counted: the value itself, or a bounded stand-in for a long one. */
export function valueKey(value: string): string {
  if (value.length <= MAX_KEY_LENGTH) return value;
  return `${value.slice(0, MAX_KEY_LENGTH)}… (${value.length.toLocaleString('en-US')} chars, #${hashString(value).toString(16)})`;
}

/** Whether a shown value (min, max or a top value's key) stands for a longer one. */
export function isCut(shown: string): boolean {
  return shown.length > MAX_KEY_LENGTH;
}

/**
 * A copy of `value` that does not pin the text it was sliced from: V8 keeps a slice of
 * 13+ characters as a view of its parent (here a whole decoded chunk of the file), so a
 * kept value would otherwise hold megabytes alive.
 */
export function detach(value: string): string {
  return value.length < 13 ? value : ` ${value}`.slice(1);
}

/**
 * Distinct count and most frequent values of one column. Exact (a map of every value)
 * while small; beyond the limits a HyperLogLog counts distinct values and a frequent-items
 * summary keeps the heavy hitters, with a known maximum error.
 */
export class ValueCounter {
  /** Values counted. */
  private n = 0;
  private exactCounts: Map<CountKey, Counter> | null = new Map();
  private keyChars = 0;
  private hll: HyperLogLog | null = null;
  private frequent: FrequentItems | null = null;
  private seen: Int32Array | null = null;
  private seenCount = 0;
  private epochs = 0;

  constructor(private readonly limits: SketchLimits = FULL_LIMITS) {}

  get exact(): boolean {
    return this.exactCounts !== null;
  }

  /**
   * Counts a (trimmed) value of the given kind. Numbers and dates pass their parsed value
   * and are counted by it ("1.0" and "1" are one value, shown as first written): a map
   * lookup by number, or a hash of its bits, costs far less than one by text.
   */
  add(value: string, kind: Kind, number: number): void {
    this.n++;
    const numeric = isNumeric(kind);
    const exact = this.exactCounts;
    if (exact !== null) {
      const key: CountKey = numeric ? number + 0 : value.length <= MAX_KEY_LENGTH ? value : valueKey(value);
      const counter = exact.get(key);
      if (counter !== undefined) {
        counter.n++;
        return;
      }
      const label = numeric ? detach(value) : detach(key as string);
      exact.set(typeof key === 'string' ? label : key, { n: 1, label });
      this.keyChars += label.length;
      if (this.overExactLimits(exact)) this.becomeApproximate();
      return;
    }
    const label = value.length <= MAX_KEY_LENGTH ? value : valueKey(value);
    const hash = numeric ? hashNumber(number) : hashString(label);
    (this.hll as HyperLogLog).addHash(hash);
    // The seen bit first: a value not seen since the last clearing (most values of a unique
    // column) skips the counter table; a counted value loses that one occurrence, within maxError.
    const frequent = this.frequent;
    if (frequent === null || !this.seenBefore(hash)) return;
    if (!frequent.increment(label, hash)) frequent.add(detach(label), hash, 1);
  }

  merge(other: ValueCounter): void {
    this.n += other.n;
    if (other.exactCounts) {
      for (const [key, counter] of other.exactCounts) this.addCount(key, counter);
      return;
    }
    if (this.exactCounts) this.becomeApproximate();
    (this.hll as HyperLogLog).merge(other.hll as HyperLogLog);
    if (other.frequent) this.frequent?.merge(other.frequent);
    this.epochs += other.epochs;
  }

  /** Distinct count and the `limit` most frequent values (by count, then value). */
  summary(limit: number): ValueSummary {
    if (this.exactCounts) {
      const distinct = this.exactCounts.size;
      const allDistinct = this.n > 1 && distinct === this.n;
      const entries = allDistinct
        ? []
        : [...this.exactCounts.values()].map((counter) => ({ value: counter.label, count: counter.n }));
      return { distinct, exact: true, allDistinct, top: mostFrequent(entries, limit), maxError: 0 };
    }
    const hll = this.hll as HyperLogLog;
    const frequent = this.frequent;
    const entries = (frequent?.entries() ?? [])
      .filter(([, count]) => count > 1)
      .map(([value, count]) => ({ value, count }));
    // Counts are lower bounds: each count above 1 is that many values the column certainly repeats.
    const repeats = entries.reduce((sum, e) => sum + e.count - 1, 0);
    const estimate = hll.estimate();
    // Without frequent items (a very wide file's result lists no top values) repeats are unknown.
    const allDistinct =
      frequent !== null &&
      entries.length === 0 &&
      estimate >= this.n * (1 - ALL_DISTINCT_ERRORS * hll.standardError);
    return {
      distinct: allDistinct ? this.n : Math.max(1, Math.min(estimate, this.n - repeats)),
      exact: false,
      allDistinct,
      top: mostFrequent(entries, limit),
      maxError: frequent ? frequent.offset + this.epochs : 0,
    };
  }

  state(): ValueCounterState {
    return {
      n: this.n,
      exact: this.exactCounts,
      keyChars: this.keyChars,
      hll: this.hll?.registers ?? null,
      frequent: this.frequent?.state() ?? null,
      epochs: this.epochs,
    };
  }

  static from(state: ValueCounterState, limits: SketchLimits = FULL_LIMITS): ValueCounter {
    const counter = new ValueCounter(limits);
    counter.n = state.n;
    counter.exactCounts = state.exact;
    counter.keyChars = state.keyChars;
    counter.hll = state.hll ? new HyperLogLog(state.hll) : null;
    counter.frequent = state.frequent ? FrequentItems.from(state.frequent) : null;
    counter.epochs = state.epochs;
    return counter;
  }

  /** Adds another counter's count of a key (merging an exact counter into this one). */
  private addCount(key: CountKey, other: Counter): void {
    const exact = this.exactCounts;
    if (exact !== null) {
      const counter = exact.get(key);
      if (counter) {
        counter.n += other.n;
        return;
      }
      exact.set(key, { n: other.n, label: other.label });
      this.keyChars += other.label.length;
      if (this.overExactLimits(exact)) this.becomeApproximate();
      return;
    }
    const hash = hashOfKey(key);
    (this.hll as HyperLogLog).addHash(hash);
    this.frequent?.add(other.label, hash, other.n);
  }

  private overExactLimits(exact: Map<CountKey, Counter>): boolean {
    return exact.size > this.limits.exactDistinct || this.keyChars > this.limits.exactChars;
  }

  private becomeApproximate(): void {
    const hll = new HyperLogLog(this.limits.hllPrecision);
    // Heavy hitters only for a result that lists top values.
    const frequent = this.limits.topValues > 0 ? new FrequentItems(this.limits.frequentItems) : null;
    for (const [key, counter] of this.exactCounts ?? []) {
      const hash = hashOfKey(key);
      hll.addHash(hash);
      frequent?.add(counter.label, hash, counter.n);
    }
    this.hll = hll;
    this.frequent = frequent;
    this.exactCounts = null;
    this.epochs = 1;
    this.keyChars = 0;
  }

  /** Tests and sets the value's bit; clears all bits when a quarter are set. */
  private seenBefore(hash: number): boolean {
    this.seen ??= new Int32Array(this.limits.seenBits / 32);
    const seen = this.seen;
    const bits = seen.length * 32;
    const bit = hash & (bits - 1);
    const word = bit >>> 5;
    const mask = 1 << (bit & 31);
    if (((seen[word] as number) & mask) !== 0) return true;
    seen[word] = (seen[word] as number) | mask;
    if (++this.seenCount >= bits / SEEN_CLEAR_FRACTION) {
      seen.fill(0);
      this.seenCount = 0;
      this.epochs++;
    }
    return false;
  }
}

function mostFrequent(entries: TopValue[], limit: number): TopValue[] {
  return entries
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, limit);
}

const isNumeric = (kind: Kind) =>
  kind === Kind.Integer || kind === Kind.Float || kind === Kind.Date || kind === Kind.DateTime;

/** The hash `add` uses once approximate, for a key of the exact map. */
function hashOfKey(key: CountKey): number {
  return typeof key === 'number' ? hashNumber(key) : hashString(key);
}

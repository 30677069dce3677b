import { HyperLogLog, hashedText, hashNumber, hashString, hashUtf8 } from './distinct-counter.js';
import { FrequentItems, type FrequentItemsState } from './frequent-items.js';
import { FULL_LIMITS, type SketchLimits } from './sketch-limits.js';
import { decodeUtf8, encodeUtf8 } from './utf8-bytes.js';
import { isNumeric, type ValueDictionary } from './value-dictionary.js';
import type { Kind } from './value-types.js';

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
  hll: Uint8Array;
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

/** The key of a value of more than MAX_KEY_LENGTH characters (valueKey), in UTF-8: rare, so decoding costs little. */
export function longKey(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return encodeUtf8(valueKey(decodeUtf8(bytes, start, end)));
}

/**
 * Distinct count and top values of a column counted exactly by its dictionary: numbers
 * and dates by value (shown as first written), text by key; the `limit` most frequent
 * (by count, then value).
 */
export function exactSummary(dictionary: ValueDictionary, limit: number): ValueSummary {
  const totals = valueTotals(dictionary);
  let n = 0;
  for (let e = 0; e < dictionary.size; e++) n += totals[e] as number;
  const distinct = dictionary.values;
  const allDistinct = n > 1 && distinct === n;
  const entries: TopValue[] = [];
  if (!allDistinct) {
    for (let e = 0; e < dictionary.size; e++) {
      if (dictionary.firstEntry[e] === e)
        entries.push({ value: dictionary.label(e), count: totals[e] as number });
    }
  }
  return { distinct, exact: true, allDistinct, top: mostFrequent(entries, limit), maxError: 0 };
}

/** Per value (at its first entry; 0 elsewhere), the count of all its entries. */
function valueTotals(dictionary: ValueDictionary): Float64Array {
  const totals = new Float64Array(dictionary.size);
  for (let e = 0; e < dictionary.size; e++) {
    const first = dictionary.firstEntry[e] as number;
    if (first >= 0) totals[first] = (totals[first] as number) + (dictionary.counts[e] as number);
  }
  return totals;
}

/**
 * Distinct count and most frequent values of a column with too many distinct values to
 * count exactly: a HyperLogLog counts distinct values and a frequent-items summary keeps
 * the heavy hitters, with a known maximum error.
 */
export class ValueCounter {
  /** Values counted. */
  private n = 0;
  private hll: HyperLogLog;
  private frequent: FrequentItems | null;
  private seen: Int32Array | null = null;
  private seenCount = 0;
  /** The first epoch is the exact counting's. */
  private epochs = 1;

  private constructor(private readonly limits: SketchLimits) {
    this.hll = new HyperLogLog(limits.hllPrecision);
    // Heavy hitters only for a result that lists top values.
    this.frequent = limits.topValues > 0 ? new FrequentItems(limits.frequentItems) : null;
  }

  /**
   * Takes over from a column's dictionary: its values, in the order they first appeared,
   * each with its count (numbers by value, under their first written text).
   */
  static of(dictionary: ValueDictionary, limits: SketchLimits = FULL_LIMITS): ValueCounter {
    const counter = new ValueCounter(limits);
    for (const group of dictionary.valueGroups()) counter.addValue(dictionary, group);
    return counter;
  }

  /**
   * Adds a value counted by a dictionary (this column's, or another thread's): `group`, its
   * entries (valueGroups), under the first one's text. A null token is no value.
   */
  addValue(dictionary: ValueDictionary, group: number[]): void {
    const first = group[0] as number;
    if (dictionary.firstEntry[first] !== first) return;
    let count = 0;
    for (const e of group) count += dictionary.counts[e] as number;
    const keys = dictionary.keys.bytes;
    const [start, end] = dictionary.keyRange(first);
    const hash = isNumeric(dictionary.kinds[first] as Kind)
      ? hashNumber(dictionary.numbers[first] as number)
      : hashUtf8(keys, start, end);
    this.n += count;
    this.hll.addHash(hash);
    this.frequent?.add(keys, start, end, hash, count);
  }

  /**
   * Counts a number or date by its value `number` (the distinct count: a hash of its bits
   * costs far less than one of its text) and its text as written, the ASCII
   * bytes[start, end) (the heavy hitters).
   */
  addNumber(number: number, bytes: Uint8Array, start: number, end: number): void {
    this.n++;
    const hash = hashNumber(number);
    if (end - start > MAX_KEY_LENGTH) {
      const key = longKey(bytes, start, end);
      this.add(hash, key, 0, key.length);
    } else {
      this.add(hash, bytes, start, end);
    }
  }

  /**
   * Counts the text value bytes[start, end) (UTF-8; one of more than MAX_KEY_LENGTH
   * characters under its valueKey). Returns the value's length in UTF-16 code units,
   * found while hashing it.
   */
  addText(bytes: Uint8Array, start: number, end: number): number {
    this.n++;
    const hash = hashUtf8(bytes, start, end);
    const chars = hashedText.length;
    if (chars > MAX_KEY_LENGTH) {
      const key = longKey(bytes, start, end);
      this.add(hashUtf8(key, 0, key.length), key, 0, key.length);
    } else {
      this.add(hash, bytes, start, end);
    }
    return chars;
  }

  merge(other: ValueCounter): void {
    this.n += other.n;
    this.hll.merge(other.hll);
    if (other.frequent) this.frequent?.merge(other.frequent);
    this.epochs += other.epochs;
  }

  /** Distinct count (an estimate) and the `limit` most frequent values (by count, then value). */
  summary(limit: number): ValueSummary {
    const hll = this.hll;
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
      hll: this.hll.registers,
      frequent: this.frequent?.state() ?? null,
      epochs: this.epochs,
    };
  }

  static from(state: ValueCounterState, limits: SketchLimits = FULL_LIMITS): ValueCounter {
    const counter = new ValueCounter(limits);
    counter.n = state.n;
    counter.hll = new HyperLogLog(state.hll);
    counter.frequent = state.frequent ? FrequentItems.from(state.frequent) : null;
    counter.epochs = state.epochs;
    return counter;
  }

  /** The distinct count by `hash`, the heavy hitters by the text bytes[start, end). */
  private add(hash: number, bytes: Uint8Array, start: number, end: number): void {
    this.hll.addHash(hash);
    // The seen bit first: a value not seen since the last clearing (most values of a unique
    // column) skips the counter table; a counted value loses that one occurrence, within maxError.
    const frequent = this.frequent;
    if (frequent === null || !this.seenBefore(hash)) return;
    if (!frequent.increment(bytes, start, end, hash)) frequent.add(bytes, start, end, hash, 1);
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

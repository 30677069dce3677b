import { HyperLogLog, hashBytes, hashedText, hashNumber, hashString, hashUtf8 } from './distinct-counter.js';
import { FrequentItems, type FrequentItemsState } from './frequent-items.js';
import { FULL_LIMITS, type SketchLimits } from './sketch-limits.js';
import { ByteArena, bytesEqual, decodeUtf8, encodeUtf8, utf16Length } from './utf8-bytes.js';

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
  exact: ExactCountsState | null;
  hll: Uint8Array | null;
  frequent: FrequentItemsState | null;
  /** Bit epochs (1 + clearings, summed over merged counters): a value loses at most one occurrence in each. */
  epochs: number;
}

interface ExactCountsState {
  size: number;
  chars: number;
  hashes: Int32Array;
  numbers: Float64Array;
  labelStarts: Int32Array;
  labelLengths: Int32Array;
  counts: Float64Array;
  labels: Uint8Array;
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

/** A key that is text, not a number, in ExactCounts.numbers. */
const TEXT = Number.NaN;

/**
 * Exact counts of the values seen so far, in insertion order (which decides the order
 * in which they later feed the sketches, so a profile is the same on every run): a
 * compact open-addressing table over typed arrays. A key is a number (numbers and dates,
 * counted by value) or text (its UTF-8 bytes); each entry keeps the value's text as first
 * written (its label) in a byte arena. Grows with the values: a column of 20 values keeps
 * 20 entries.
 */
class ExactCounts {
  size = 0;
  /** UTF-16 code units of the labels (what the exact limit counts). */
  chars = 0;
  /** Entry index + 1 per slot; 0 is free. */
  private slots = new Int32Array(16);
  /** hashNumber of a number, hashBytes of text. */
  hashes = new Int32Array(8);
  /** The numeric key, or TEXT. */
  numbers = new Float64Array(8);
  labelStarts = new Int32Array(8);
  labelLengths = new Int32Array(8);
  counts = new Float64Array(8);
  labels = new ByteArena();

  /** The entry of a number, or -1. */
  findNumber(number: number, hash: number): number {
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const e = (this.slots[slot] as number) - 1;
      if (e < 0) return -1;
      if (this.hashes[e] === (hash | 0) && this.numbers[e] === number) return e;
    }
  }

  /** The entry of the text bytes[start, end), or -1. */
  findText(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const mask = this.slots.length - 1;
    const length = end - start;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const e = (this.slots[slot] as number) - 1;
      if (e < 0) return -1;
      if (
        this.hashes[e] === (hash | 0) &&
        Number.isNaN(this.numbers[e] as number) &&
        this.labelLengths[e] === length &&
        bytesEqual(bytes, start, end, this.labels.bytes, this.labelStarts[e] as number)
      )
        return e;
    }
  }

  /** A new entry: `number` (TEXT for a text key), its label bytes[start, end) of `chars` UTF-16 units. */
  insert(
    number: number,
    hash: number,
    bytes: Uint8Array,
    start: number,
    end: number,
    chars: number,
    count: number,
  ): void {
    const e = this.size;
    if (e === this.hashes.length) this.grow();
    this.hashes[e] = hash;
    this.numbers[e] = number;
    this.labelStarts[e] = this.labels.append(bytes, start, end);
    this.labelLengths[e] = end - start;
    this.counts[e] = count;
    this.size++;
    this.chars += chars;
    this.index(e);
  }

  /** The hash the sketches know entry `e` by: hashNumber's for a number, hashUtf8's for text. */
  sketchHash(e: number): number {
    const start = this.labelStarts[e] as number;
    if (!Number.isNaN(this.numbers[e] as number)) return (this.hashes[e] as number) >>> 0;
    return hashUtf8(this.labels.bytes, start, start + (this.labelLengths[e] as number));
  }

  label(e: number): string {
    const start = this.labelStarts[e] as number;
    return decodeUtf8(this.labels.bytes, start, start + (this.labelLengths[e] as number));
  }

  state(): ExactCountsState {
    const n = this.size;
    return {
      size: n,
      chars: this.chars,
      hashes: this.hashes.slice(0, n),
      numbers: this.numbers.slice(0, n),
      labelStarts: this.labelStarts.slice(0, n),
      labelLengths: this.labelLengths.slice(0, n),
      counts: this.counts.slice(0, n),
      labels: this.labels.used(),
    };
  }

  static from(state: ExactCountsState): ExactCounts {
    const table = new ExactCounts();
    Object.assign(table, { ...state, labels: ByteArena.of(state.labels) });
    table.slots = new Int32Array(slotsFor(Math.max(state.size, 8)));
    for (let e = 0; e < state.size; e++) table.index(e);
    return table;
  }

  private index(e: number): void {
    const mask = this.slots.length - 1;
    let slot = (this.hashes[e] as number) & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = e + 1;
  }

  private grow(): void {
    const capacity = this.hashes.length * 2;
    const grown = <T extends Int32Array | Float64Array>(array: T, make: new (n: number) => T): T => {
      const next = new make(capacity);
      next.set(array);
      return next;
    };
    this.hashes = grown(this.hashes, Int32Array);
    this.numbers = grown(this.numbers, Float64Array);
    this.labelStarts = grown(this.labelStarts, Int32Array);
    this.labelLengths = grown(this.labelLengths, Int32Array);
    this.counts = grown(this.counts, Float64Array);
    this.slots = new Int32Array(slotsFor(capacity));
    for (let e = 0; e < this.size; e++) this.index(e);
  }
}

/** Slots for `entries` entries: a power of two, at most half full. */
function slotsFor(entries: number): number {
  return 2 ** Math.ceil(Math.log2(entries * 2));
}

/**
 * Distinct count and most frequent values of one column. Exact (a table of every value)
 * while small; beyond the limits a HyperLogLog counts distinct values and a frequent-items
 * summary keeps the heavy hitters, with a known maximum error.
 */
export class ValueCounter {
  /** Values counted. */
  private n = 0;
  private exactCounts: ExactCounts | null = new ExactCounts();
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
   * Counts a number or date by its value `number` ("1.0" and "1" are one value, shown as
   * first written: the ASCII bytes[start, end)): a lookup by number, or a hash of its bits,
   * costs far less than one by text.
   */
  addNumber(number: number, bytes: Uint8Array, start: number, end: number): void {
    this.n++;
    const hash = hashNumber(number);
    const exact = this.exactCounts;
    if (exact !== null) {
      const e = exact.findNumber(number + 0, hash);
      if (e >= 0) exact.counts[e] = (exact.counts[e] as number) + 1;
      else this.insert(exact, number + 0, hash, bytes, start, end, end - start);
      return;
    }
    // Once approximate, the heavy hitters are keyed by text (as written), the distinct count by value.
    if (end - start > MAX_KEY_LENGTH) {
      const key = longKey(bytes, start, end);
      this.addApproximate(hash, key, 0, key.length);
    } else {
      this.addApproximate(hash, bytes, start, end);
    }
  }

  /**
   * Counts the text value bytes[start, end) (UTF-8; one of more than MAX_KEY_LENGTH
   * characters under its valueKey). Returns the value's length in UTF-16 code units,
   * found while hashing it.
   */
  addText(bytes: Uint8Array, start: number, end: number): number {
    this.n++;
    const exact = this.exactCounts;
    // The exact table's hash never reaches a result: the cheaper one will do there.
    const hash = exact !== null ? hashBytes(bytes, start, end) : hashUtf8(bytes, start, end);
    const chars = hashedText.length;
    if (chars > MAX_KEY_LENGTH) {
      const key = longKey(bytes, start, end);
      if (exact !== null) this.countExactText(exact, key, 0, key.length, hashBytes(key, 0, key.length));
      else this.addApproximate(hashUtf8(key, 0, key.length), key, 0, key.length);
    } else if (exact !== null) {
      this.countExactText(exact, bytes, start, end, hash);
    } else {
      this.addApproximate(hash, bytes, start, end);
    }
    return chars;
  }

  merge(other: ValueCounter): void {
    this.n += other.n;
    const theirs = other.exactCounts;
    if (theirs) {
      const labels = theirs.labels.bytes;
      for (let e = 0; e < theirs.size; e++) {
        const start = theirs.labelStarts[e] as number;
        const end = start + (theirs.labelLengths[e] as number);
        this.addCount(theirs, e, labels, start, end);
      }
      return;
    }
    if (this.exactCounts) this.becomeApproximate();
    (this.hll as HyperLogLog).merge(other.hll as HyperLogLog);
    if (other.frequent) this.frequent?.merge(other.frequent);
    this.epochs += other.epochs;
  }

  /** Distinct count and the `limit` most frequent values (by count, then value). */
  summary(limit: number): ValueSummary {
    const exact = this.exactCounts;
    if (exact) {
      const distinct = exact.size;
      const allDistinct = this.n > 1 && distinct === this.n;
      const entries: TopValue[] = [];
      if (!allDistinct) {
        for (let e = 0; e < exact.size; e++)
          entries.push({ value: exact.label(e), count: exact.counts[e] as number });
      }
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
      exact: this.exactCounts?.state() ?? null,
      hll: this.hll?.registers ?? null,
      frequent: this.frequent?.state() ?? null,
      epochs: this.epochs,
    };
  }

  static from(state: ValueCounterState, limits: SketchLimits = FULL_LIMITS): ValueCounter {
    const counter = new ValueCounter(limits);
    counter.n = state.n;
    counter.exactCounts = state.exact ? ExactCounts.from(state.exact) : null;
    counter.hll = state.hll ? new HyperLogLog(state.hll) : null;
    counter.frequent = state.frequent ? FrequentItems.from(state.frequent) : null;
    counter.epochs = state.epochs;
    return counter;
  }

  /** Counts a text key; `hash` is hashBytes', and hashedText.length its UTF-16 length. */
  private countExactText(
    exact: ExactCounts,
    bytes: Uint8Array,
    start: number,
    end: number,
    hash: number,
  ): void {
    const e = exact.findText(bytes, start, end, hash);
    if (e >= 0) exact.counts[e] = (exact.counts[e] as number) + 1;
    else this.insert(exact, TEXT, hash, bytes, start, end, hashedText.length);
  }

  private insert(
    exact: ExactCounts,
    number: number,
    hash: number,
    bytes: Uint8Array,
    start: number,
    end: number,
    chars: number,
  ): void {
    exact.insert(number, hash, bytes, start, end, chars, 1);
    if (this.overExactLimits(exact)) this.becomeApproximate();
  }

  /** Once approximate: the distinct count by `hash`, the heavy hitters by the text bytes[start, end). */
  private addApproximate(hash: number, bytes: Uint8Array, start: number, end: number): void {
    (this.hll as HyperLogLog).addHash(hash);
    // The seen bit first: a value not seen since the last clearing (most values of a unique
    // column) skips the counter table; a counted value loses that one occurrence, within maxError.
    const frequent = this.frequent;
    if (frequent === null || !this.seenBefore(hash)) return;
    if (!frequent.increment(bytes, start, end, hash)) frequent.add(bytes, start, end, hash, 1);
  }

  /** Adds entry `e` of another counter's exact table (its label is labels[start, end)). */
  private addCount(theirs: ExactCounts, e: number, labels: Uint8Array, start: number, end: number): void {
    const count = theirs.counts[e] as number;
    const exact = this.exactCounts;
    if (exact !== null) {
      const number = theirs.numbers[e] as number;
      const hash = theirs.hashes[e] as number;
      const text = Number.isNaN(number);
      const mine = text ? exact.findText(labels, start, end, hash) : exact.findNumber(number, hash);
      if (mine >= 0) {
        exact.counts[mine] = (exact.counts[mine] as number) + count;
        return;
      }
      exact.insert(number, hash, labels, start, end, utf16Length(labels, start, end), count);
      if (this.overExactLimits(exact)) this.becomeApproximate();
      return;
    }
    const hash = theirs.sketchHash(e);
    (this.hll as HyperLogLog).addHash(hash);
    this.frequent?.add(labels, start, end, hash, count);
  }

  private overExactLimits(exact: ExactCounts): boolean {
    return exact.size > this.limits.exactDistinct || exact.chars > this.limits.exactChars;
  }

  private becomeApproximate(): void {
    const hll = new HyperLogLog(this.limits.hllPrecision);
    // Heavy hitters only for a result that lists top values.
    const frequent = this.limits.topValues > 0 ? new FrequentItems(this.limits.frequentItems) : null;
    const exact = this.exactCounts as ExactCounts;
    const labels = exact.labels.bytes;
    for (let e = 0; e < exact.size; e++) {
      const hash = exact.sketchHash(e);
      hll.addHash(hash);
      const start = exact.labelStarts[e] as number;
      frequent?.add(
        labels,
        start,
        start + (exact.labelLengths[e] as number),
        hash,
        exact.counts[e] as number,
      );
    }
    this.hll = hll;
    this.frequent = frequent;
    this.exactCounts = null;
    this.epochs = 1;
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

/** The key of a value of more than MAX_KEY_LENGTH characters (valueKey), in UTF-8: rare, so decoding costs little. */
function longKey(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return encodeUtf8(valueKey(decodeUtf8(bytes, start, end)));
}

function mostFrequent(entries: TopValue[], limit: number): TopValue[] {
  return entries
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, limit);
}

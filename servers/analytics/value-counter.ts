import { HyperLogLog, hashNumber, hashString } from './distinct-counter.js';
import { FrequentItems, type FrequentItemsState } from './frequent-items.js';
import { Kind } from './value-types.js';

/** Distinct values counted exactly up to this many… */
export const EXACT_DISTINCT_LIMIT = 10_000;
/** …and while their text stays this small (UTF-16 chars), so a column of long texts stays bounded. */
const EXACT_KEY_CHARS = 2_000_000;
/** Values longer than this are counted by a prefix plus a hash of the whole value. */
const MAX_KEY_LENGTH = 200;
/**
 * Once approximate, a value reaches the heavy-hitter counters only when its hash bit is
 * already set (bits are cleared when a quarter are set): a column of unique values (ids,
 * e-mails, timestamps) then costs a bit test per value instead of counter churn. A value
 * loses at most one occurrence (the one that sets its bit) per epoch between clearings,
 * which the reported maxError includes.
 */
const SEEN_BITS = 1 << 20;
const SEEN_CLEAR_AT = SEEN_BITS / 4;

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

export interface ValueCounterState {
  exact: Map<CountKey, Counter> | null;
  keyChars: number;
  hll: Uint8Array | null;
  frequent: FrequentItemsState | null;
  /** Bit epochs (1 + clearings, summed over merged counters): a value loses at most one occurrence in each. */
  epochs: number;
}

/** Key under which a value is counted: the value itself, or a bounded stand-in for a long one. */
export function valueKey(value: string): string {
  if (value.length <= MAX_KEY_LENGTH) return value;
  return `${value.slice(0, MAX_KEY_LENGTH)}… (${value.length} chars, #${hashString(value).toString(16)})`;
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
  private exactCounts: Map<CountKey, Counter> | null = new Map();
  private keyChars = 0;
  private hll: HyperLogLog | null = null;
  private frequent: FrequentItems | null = null;
  private seen: Int32Array | null = null;
  private seenCount = 0;
  private epochs = 0;

  get exact(): boolean {
    return this.exactCounts !== null;
  }

  /**
   * Counts a (trimmed) value of the given kind. Numbers and dates pass their parsed value
   * and are counted by it ("1.0" and "1" are one value, shown as first written): a map
   * lookup by number, or a hash of its bits, costs far less than one by text.
   */
  add(value: string, kind: Kind, number: number): void {
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
      if (exact.size > EXACT_DISTINCT_LIMIT || this.keyChars > EXACT_KEY_CHARS) this.becomeApproximate();
      return;
    }
    const label = value.length <= MAX_KEY_LENGTH ? value : valueKey(value);
    const hash = numeric ? hashNumber(number) : hashString(label);
    (this.hll as HyperLogLog).addHash(hash);
    // The seen bit first: a value not seen since the last clearing (most values of a unique
    // column) skips the counter table; a counted value loses that one occurrence, within maxError.
    if (!this.seenBefore(hash)) return;
    const frequent = this.frequent as FrequentItems;
    if (!frequent.increment(label, hash)) frequent.add(detach(label), hash, 1);
  }

  merge(other: ValueCounter): void {
    if (other.exactCounts) {
      for (const [key, counter] of other.exactCounts) this.addCount(key, counter);
      return;
    }
    if (this.exactCounts) this.becomeApproximate();
    (this.hll as HyperLogLog).merge(other.hll as HyperLogLog);
    (this.frequent as FrequentItems).merge(other.frequent as FrequentItems);
    this.epochs += other.epochs;
  }

  distinct(): number {
    if (this.exactCounts) return this.exactCounts.size;
    return (this.hll as HyperLogLog).estimate();
  }

  /** The `limit` most frequent values, by count then value. Approximate counts are lower bounds. */
  top(limit: number): { values: TopValue[]; maxError: number } {
    const entries = this.exactCounts
      ? [...this.exactCounts.values()].map((counter) => ({ value: counter.label, count: counter.n }))
      : (this.frequent as FrequentItems).entries().map(([value, count]) => ({ value, count }));
    const values = entries
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
      .slice(0, limit);
    return { values, maxError: this.frequent ? this.frequent.offset + this.epochs : 0 };
  }

  state(): ValueCounterState {
    return {
      exact: this.exactCounts,
      keyChars: this.keyChars,
      hll: this.hll?.registers ?? null,
      frequent: this.frequent?.state() ?? null,
      epochs: this.epochs,
    };
  }

  static from(state: ValueCounterState): ValueCounter {
    const counter = new ValueCounter();
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
      if (exact.size > EXACT_DISTINCT_LIMIT || this.keyChars > EXACT_KEY_CHARS) this.becomeApproximate();
      return;
    }
    const hash = hashOfKey(key);
    (this.hll as HyperLogLog).addHash(hash);
    (this.frequent as FrequentItems).add(other.label, hash, other.n);
  }

  private becomeApproximate(): void {
    const hll = new HyperLogLog();
    const frequent = new FrequentItems();
    for (const [key, counter] of this.exactCounts ?? []) {
      const hash = hashOfKey(key);
      hll.addHash(hash);
      frequent.add(counter.label, hash, counter.n);
    }
    this.hll = hll;
    this.frequent = frequent;
    this.exactCounts = null;
    this.epochs = 1;
    this.keyChars = 0;
  }

  /** Tests and sets the value's bit; clears all bits when a quarter are set. */
  private seenBefore(hash: number): boolean {
    this.seen ??= new Int32Array(SEEN_BITS / 32);
    const seen = this.seen;
    const bit = hash & (SEEN_BITS - 1);
    const word = bit >>> 5;
    const mask = 1 << (bit & 31);
    if (((seen[word] as number) & mask) !== 0) return true;
    seen[word] = (seen[word] as number) | mask;
    if (++this.seenCount >= SEEN_CLEAR_AT) {
      seen.fill(0);
      this.seenCount = 0;
      this.epochs++;
    }
    return false;
  }
}

const isNumeric = (kind: Kind) =>
  kind === Kind.Integer || kind === Kind.Float || kind === Kind.Date || kind === Kind.DateTime;

/** The hash `add` uses once approximate, for a key of the exact map. */
function hashOfKey(key: CountKey): number {
  return typeof key === 'number' ? hashNumber(key) : hashString(key);
}

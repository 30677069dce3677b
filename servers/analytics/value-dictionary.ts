import { zeros } from './arrays.js';
import { hashNumber } from './distinct-counter.js';
import { ByteArena, bytesEqual, decodeUtf8 } from './utf8-bytes.js';
import { Kind } from './value-types.js';

export interface ValueDictionaryState {
  values: number;
  chars: number;
  hashes: number[];
  keyStarts: number[];
  keyLengths: number[];
  keys: Uint8Array;
  counts: number[];
  kinds: number[];
  numbers: number[];
  lengths: number[];
  firstEntry: number[];
}

/** Entries kept per distinct value at most: a value may be written several ways ("1", "1.0", "1e0"). */
export const SPELLINGS_PER_VALUE = 4;

/**
 * Every distinct (trimmed) text of a column with how often it occurred, while the column
 * has few distinct values: a repeated value costs a hash and a lookup, nothing else, and
 * every statistic (types, lengths, moments, quantiles, histograms, top values) is derived
 * from the entries when asked, exactly. An entry's key is the text's UTF-8 bytes (for text
 * over MAX_KEY_LENGTH characters, its valueKey's), kept in a byte arena; its kind,
 * number (numbers and dates) and UTF-16 length are found once, when it is inserted.
 * Numbers and dates are one value however written: `firstEntry` points at the first entry of
 * the same number, whose text is the value's label. Entries stay in insertion order (the
 * order values first appeared), which decides the order in which they later feed the
 * sketches. Plain arrays, on the JavaScript heap, but for the keys' bytes: a wide file has
 * thousands of dictionaries, and a dozen typed arrays each (objects, and malloc memory a
 * finished worker does not give back) cost 90 MB more at 20,000 columns.
 */
export class ValueDictionary {
  /** Distinct values (numbers by value, text by key; nulls are none). */
  values = 0;
  /** UTF-16 code units of the values' labels. */
  chars = 0;
  /** hashBytes of the key. */
  hashes: number[] = [];
  keyStarts: number[] = [];
  keyLengths: number[] = [];
  /** The keys' bytes. */
  keys = new ByteArena();
  counts: number[] = [];
  kinds: number[] = [];
  numbers: number[] = [];
  /** UTF-16 length of the value (a long value's own length, not its key's). */
  lengths: number[] = [];
  /** The first entry with the same value; -1 for a null token. */
  firstEntry: number[] = [];
  /** Entry index + 1 per slot, by key; 0 is free. */
  private slots = zeros(16);
  /** Entry index + 1 per slot, by number (the first entry of each numeric value); 0 is free. */
  private numberSlots = zeros(16);
  private numericValues = 0;

  get size(): number {
    return this.hashes.length;
  }

  /** The entry whose key is bytes[start, end) (hashBytes `hash`), or -1. */
  find(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    const length = end - start;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const e = (slots[slot] as number) - 1;
      if (e < 0) return -1;
      if (
        this.hashes[e] === hash &&
        this.keyLengths[e] === length &&
        bytesEqual(bytes, start, end, this.keys.bytes, this.keyStarts[e] as number)
      )
        return e;
    }
  }

  /**
   * A new entry for the key bytes[start, end) (hashBytes `hash`) of kind `kind`, its
   * `number` (numbers and dates), the value's UTF-16 `length` and its label's `keyChars`.
   */
  insert(
    bytes: Uint8Array,
    start: number,
    end: number,
    hash: number,
    kind: Kind,
    number: number,
    length: number,
    keyChars: number,
    count: number,
  ): void {
    const e = this.size;
    this.keyStarts.push(this.keys.append(bytes, start, end));
    this.keyLengths.push(end - start);
    this.hashes.push(hash);
    this.counts.push(count);
    this.kinds.push(kind);
    this.numbers.push(number);
    this.lengths.push(length);
    if (kind === Kind.Null) {
      this.firstEntry.push(-1);
    } else if (isNumeric(kind)) {
      const first = this.findNumber(number);
      this.firstEntry.push(first < 0 ? e : first);
      if (first < 0) this.addNumber(e, keyChars);
    } else {
      this.firstEntry.push(e);
      this.values++;
      this.chars += keyChars;
    }
    if (this.size * 2 > this.slots.length)
      this.slots = reindexed(this.slots.length * 2, this.size, (f) => this.hashes[f]);
    else index(this.slots, e, hash);
  }

  /** Where entry `e`'s key is in `keys.bytes`: [start, end). */
  keyRange(e: number): [number, number] {
    const start = this.keyStarts[e] as number;
    return [start, start + (this.keyLengths[e] as number)];
  }

  /** The text of entry `e`'s key. */
  label(e: number): string {
    const [start, end] = this.keyRange(e);
    return decodeUtf8(this.keys.bytes, start, end);
  }

  /**
   * The entries grouped by value, in the order values first appeared: the first entry of
   * a value, then its other spellings; a null token alone.
   */
  valueGroups(): number[][] {
    const groups: number[][] = [];
    const groupOf: number[] = [];
    for (let e = 0; e < this.size; e++) {
      const first = this.firstEntry[e] as number;
      if (first < 0 || first === e) {
        groupOf[e] = groups.length;
        groups.push([e]);
      } else {
        (groups[groupOf[first] as number] as number[]).push(e);
      }
    }
    return groups;
  }

  /** Adds entry `e` of another dictionary, as if its values had been added here. */
  mergeEntry(other: ValueDictionary, e: number): void {
    const [start, end] = other.keyRange(e);
    const hash = other.hashes[e] as number;
    const mine = this.find(other.keys.bytes, start, end, hash);
    if (mine >= 0) {
      this.counts[mine] = (this.counts[mine] as number) + (other.counts[e] as number);
      return;
    }
    // A label's characters count once per value: its first entry's.
    const keyChars = other.firstEntry[e] === e ? labelChars(other, e) : 0;
    this.insert(
      other.keys.bytes,
      start,
      end,
      hash,
      other.kinds[e] as Kind,
      other.numbers[e] as number,
      other.lengths[e] as number,
      keyChars,
      other.counts[e] as number,
    );
  }

  state(): ValueDictionaryState {
    const { values, chars, hashes, keyStarts, keyLengths, counts, kinds, numbers, lengths, firstEntry } =
      this;
    const keys = this.keys.used();
    return {
      values,
      chars,
      hashes,
      keyStarts,
      keyLengths,
      keys,
      counts,
      kinds,
      numbers,
      lengths,
      firstEntry,
    };
  }

  static from(state: ValueDictionaryState): ValueDictionary {
    const dictionary = new ValueDictionary();
    Object.assign(dictionary, state, { keys: ByteArena.of(state.keys) });
    dictionary.slots = zeros(slotsFor(dictionary.size));
    dictionary.numberSlots = zeros(slotsFor(dictionary.size));
    for (let e = 0; e < dictionary.size; e++) {
      index(dictionary.slots, e, state.hashes[e] as number);
      if (state.firstEntry[e] === e && isNumeric(state.kinds[e] as Kind)) {
        index(dictionary.numberSlots, e, hashNumber(state.numbers[e] as number));
        dictionary.numericValues++;
      }
    }
    return dictionary;
  }

  /** The first entry of `number`, or -1. */
  private findNumber(number: number): number {
    const slots = this.numberSlots;
    const mask = slots.length - 1;
    for (let slot = hashNumber(number) & mask; ; slot = (slot + 1) & mask) {
      const e = (slots[slot] as number) - 1;
      if (e < 0) return -1;
      if (this.numbers[e] === number) return e;
    }
  }

  private addNumber(e: number, keyChars: number): void {
    this.values++;
    this.chars += keyChars;
    if (++this.numericValues * 2 > this.numberSlots.length) {
      this.numberSlots = reindexed(this.numberSlots.length * 2, this.size, (f) =>
        this.firstEntry[f] === f && isNumeric(this.kinds[f] as Kind)
          ? hashNumber(this.numbers[f] as number)
          : null,
      );
    } else {
      index(this.numberSlots, e, hashNumber(this.numbers[e] as number));
    }
  }
}

export const isNumeric = (kind: Kind) =>
  kind === Kind.Integer || kind === Kind.Float || kind === Kind.Date || kind === Kind.DateTime;

/** UTF-16 length of entry `e`'s label: a number's text is ASCII; text's label is its key. */
function labelChars(dictionary: ValueDictionary, e: number): number {
  const kind = dictionary.kinds[e] as Kind;
  const bytes = dictionary.keyLengths[e] as number;
  if (isNumeric(kind)) return bytes;
  const length = dictionary.lengths[e] as number;
  // A short ASCII key is the value; otherwise decode (a long value's key is its valueKey).
  return bytes === length ? length : dictionary.label(e).length;
}

/** Puts entry `e` in the first free slot from `hash`. */
function index(slots: number[], e: number, hash: number): void {
  const mask = slots.length - 1;
  let slot = hash & mask;
  while (slots[slot] !== 0) slot = (slot + 1) & mask;
  slots[slot] = e + 1;
}

/** A slot table of `length` for entries 0…size-1 with the hashes `hashOf` gives (null: not indexed). */
function reindexed(length: number, size: number, hashOf: (e: number) => number | null | undefined): number[] {
  const slots = zeros(length);
  for (let e = 0; e < size; e++) {
    const hash = hashOf(e);
    if (hash !== null && hash !== undefined) index(slots, e, hash);
  }
  return slots;
}

/** Slots for `entries` entries: a power of two, at most half full, 16 at least. */
function slotsFor(entries: number): number {
  return Math.max(16, 2 ** Math.ceil(Math.log2(entries * 2 + 1)));
}

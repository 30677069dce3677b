import { ByteArena, bytesEqual, decodeUtf8 } from './utf8-bytes.js';

/** Items kept at most; a purge then drops about half. */
export const DEFAULT_CAPACITY = 2048;
const EMPTY = -1;

export interface FrequentItemsState {
  hashes: Float64Array;
  counts: Float64Array;
  keyStarts: Int32Array;
  keyLengths: Int32Array;
  keys: Uint8Array;
  size: number;
  offset: number;
}

/** One table: slots, the bytes of their keys, and a bit per occupied slot. */
interface Table {
  hashes: Float64Array;
  counts: Float64Array;
  keyStarts: Int32Array;
  keyLengths: Int32Array;
  keys: ByteArena;
  occupied: Int32Array;
}

function emptyTable(slots: number, keyBytes = 64): Table {
  return {
    hashes: new Float64Array(slots).fill(EMPTY),
    counts: new Float64Array(slots),
    keyStarts: new Int32Array(slots),
    keyLengths: new Int32Array(slots),
    keys: new ByteArena(keyBytes),
    occupied: new Int32Array(Math.ceil(slots / 32)),
  };
}

/** Calls `visit` with each set bit's index, in increasing order. */
function forEachBit(bits: Int32Array, visit: (index: number) => void): void {
  for (let w = 0; w < bits.length; w++) {
    let word = bits[w] as number;
    while (word !== 0) {
      const low = word & -word;
      visit(w * 32 + 31 - Math.clz32(low));
      word ^= low;
    }
  }
}

/**
 * Misra-Gries heavy hitters (the "frequent items" sketch): at most `capacity` counters;
 * when full, the median count is subtracted from all and the non-positive ones dropped.
 * A reported count is a lower bound and at most `offset` below the true count, so any
 * value more frequent than `offset` is present. An open-addressing table over typed
 * arrays keyed by the value's 32-bit hash, with the value's UTF-8 bytes (kept in an
 * arena) compared on a match: no object or string per counter, so medium-cardinality
 * columns do not churn the garbage collector. A bit per occupied slot lets a purge visit
 * the counters only, not the four times as many slots (on a column of many repeating
 * values, such as amounts, purges were a quarter of its cost).
 */
export class FrequentItems {
  private table: Table;
  private size = 0;
  offset = 0;
  /** Purging's working space: the counts, and the table the survivors go to. */
  private live: Float64Array | null = null;
  private spare: Table | null = null;

  constructor(private readonly capacity = DEFAULT_CAPACITY) {
    this.table = emptyTable(capacity * 4);
  }

  /** Adds one to the counter of the value bytes[start, end) if it has one; returns whether it had. */
  increment(bytes: Uint8Array, start: number, end: number, hash: number): boolean {
    const slot = this.find(bytes, start, end, hash);
    if (slot < 0) return false;
    const counts = this.table.counts;
    counts[slot] = (counts[slot] as number) + 1;
    return true;
  }

  /** Adds `count` for the value bytes[start, end) (a new counter if needed). */
  add(bytes: Uint8Array, start: number, end: number, hash: number, count: number): void {
    let slot = this.find(bytes, start, end, hash);
    const table = this.table;
    if (slot >= 0) {
      table.counts[slot] = (table.counts[slot] as number) + count;
      return;
    }
    slot = -slot - 1;
    table.hashes[slot] = hash;
    table.counts[slot] = count;
    table.keyStarts[slot] = table.keys.append(bytes, start, end);
    table.keyLengths[slot] = end - start;
    table.occupied[slot >>> 5] = (table.occupied[slot >>> 5] as number) | (1 << (slot & 31));
    if (++this.size > this.capacity) this.purge();
  }

  merge(other: FrequentItems): void {
    this.offset += other.offset;
    const theirs = other.table;
    forEachBit(theirs.occupied, (slot) => this.addSlot(theirs, slot, theirs.counts[slot] as number));
  }

  /** The values (as text) and their counts, in slot order. */
  entries(): [string, number][] {
    const out: [string, number][] = [];
    const table = this.table;
    forEachBit(table.occupied, (slot) => {
      const start = table.keyStarts[slot] as number;
      out.push([
        decodeUtf8(table.keys.bytes, start, start + (table.keyLengths[slot] as number)),
        table.counts[slot] as number,
      ]);
    });
    return out;
  }

  state(): FrequentItemsState {
    const { hashes, counts, keyStarts, keyLengths, keys } = this.table;
    return { hashes, counts, keyStarts, keyLengths, keys: keys.used(), size: this.size, offset: this.offset };
  }

  static from(state: FrequentItemsState): FrequentItems {
    const items = new FrequentItems(state.hashes.length / 4);
    const table: Table = { ...state, keys: ByteArena.of(state.keys), occupied: items.table.occupied };
    for (let slot = 0; slot < state.hashes.length; slot++) {
      if (state.hashes[slot] !== EMPTY)
        table.occupied[slot >>> 5] = (table.occupied[slot >>> 5] as number) | (1 << (slot & 31));
    }
    items.table = table;
    items.size = state.size;
    items.offset = state.offset;
    return items;
  }

  /** The slot holding the value, or -(free slot) - 1 where it would go (linear probing). */
  private find(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const { hashes, keyLengths, keyStarts } = this.table;
    const keys = this.table.keys.bytes;
    const mask = hashes.length - 1;
    const length = end - start;
    let slot = hash & mask;
    for (;;) {
      const h = hashes[slot] as number;
      if (h === EMPTY) return -slot - 1;
      if (
        h === hash &&
        keyLengths[slot] === length &&
        bytesEqual(bytes, start, end, keys, keyStarts[slot] as number)
      )
        return slot;
      slot = (slot + 1) & mask;
    }
  }

  /**
   * Subtracts the median count from all counters and drops those left at zero or below
   * (and their bytes): the survivors go, in slot order, into a second table kept for the
   * next purge, so purging allocates nothing after the first time.
   */
  private purge(): void {
    const old = this.table;
    this.live ??= new Float64Array(this.capacity + 1);
    const live = this.live;
    let n = 0;
    forEachBit(old.occupied, (slot) => {
      live[n++] = old.counts[slot] as number;
    });
    const cut = select(live, n, n >> 1);
    this.offset += cut;
    const spare = this.spare ?? emptyTable(old.hashes.length, old.keys.bytes.length);
    // The spare holds the survivors of the purge before: clear just those slots.
    forEachBit(spare.occupied, (slot) => {
      spare.hashes[slot] = EMPTY;
    });
    spare.occupied.fill(0);
    spare.keys.length = 0;
    this.table = spare;
    this.spare = old;
    this.size = 0;
    forEachBit(old.occupied, (slot) => {
      const count = (old.counts[slot] as number) - cut;
      if (count > 0) this.addSlot(old, slot, count);
    });
  }

  /** Adds `count` for the value in `slot` of `table` (another sketch's, or the one before a purge). */
  private addSlot(table: Table, slot: number, count: number): void {
    const start = table.keyStarts[slot] as number;
    const end = start + (table.keyLengths[slot] as number);
    this.add(table.keys.bytes, start, end, table.hashes[slot] as number, count);
  }
}

/** The k-th smallest of values[0, n) (what sorting them would put at k), reordering them: quickselect. */
function select(values: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const t = values[i] as number;
        values[i] = values[j] as number;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return values[k] as number;
}

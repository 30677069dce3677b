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

interface SlotArrays {
  hashes: Float64Array;
  counts: Float64Array;
  keyStarts: Int32Array;
  keyLengths: Int32Array;
  keys: ByteArena;
}

/**
 * Misra-Gries heavy hitters (the "frequent items" sketch): at most `capacity` counters;
 * when full, the median count is subtracted from all and the non-positive ones dropped.
 * A reported count is a lower bound and at most `offset` below the true count, so any
 * value more frequent than `offset` is present. An open-addressing table over typed
 * arrays keyed by the value's 32-bit hash, with the value's UTF-8 bytes (kept in an
 * arena) compared on a match: no object or string per counter, so medium-cardinality
 * columns do not churn the garbage collector.
 */
export class FrequentItems {
  private hashes: Float64Array;
  private counts: Float64Array;
  private keyStarts: Int32Array;
  private keyLengths: Int32Array;
  private keys = new ByteArena();
  private size = 0;
  offset = 0;
  /** Purging's working space: the counts, and the arrays the survivors go to. */
  private live: Float64Array | null = null;
  private spare: SlotArrays | null = null;

  constructor(private readonly capacity = DEFAULT_CAPACITY) {
    const slots = capacity * 4;
    this.hashes = new Float64Array(slots).fill(EMPTY);
    this.counts = new Float64Array(slots);
    this.keyStarts = new Int32Array(slots);
    this.keyLengths = new Int32Array(slots);
  }

  /** Adds one to the counter of the value bytes[start, end) if it has one; returns whether it had. */
  increment(bytes: Uint8Array, start: number, end: number, hash: number): boolean {
    const slot = this.find(bytes, start, end, hash);
    if (slot < 0) return false;
    this.counts[slot] = (this.counts[slot] as number) + 1;
    return true;
  }

  /** Adds `count` for the value bytes[start, end) (a new counter if needed). */
  add(bytes: Uint8Array, start: number, end: number, hash: number, count: number): void {
    let slot = this.find(bytes, start, end, hash);
    if (slot >= 0) {
      this.counts[slot] = (this.counts[slot] as number) + count;
      return;
    }
    slot = -slot - 1;
    this.hashes[slot] = hash;
    this.counts[slot] = count;
    this.keyStarts[slot] = this.keys.append(bytes, start, end);
    this.keyLengths[slot] = end - start;
    if (++this.size > this.capacity) this.purge();
  }

  merge(other: FrequentItems): void {
    this.offset += other.offset;
    const keys = other.keys.bytes;
    for (let i = 0; i < other.hashes.length; i++) {
      const hash = other.hashes[i] as number;
      if (hash === EMPTY) continue;
      const start = other.keyStarts[i] as number;
      this.add(keys, start, start + (other.keyLengths[i] as number), hash, other.counts[i] as number);
    }
  }

  /** The values (as text) and their counts, in slot order. */
  entries(): [string, number][] {
    const out: [string, number][] = [];
    const keys = this.keys.bytes;
    for (let i = 0; i < this.hashes.length; i++) {
      if (this.hashes[i] === EMPTY) continue;
      const start = this.keyStarts[i] as number;
      out.push([decodeUtf8(keys, start, start + (this.keyLengths[i] as number)), this.counts[i] as number]);
    }
    return out;
  }

  state(): FrequentItemsState {
    return {
      hashes: this.hashes,
      counts: this.counts,
      keyStarts: this.keyStarts,
      keyLengths: this.keyLengths,
      keys: this.keys.used(),
      size: this.size,
      offset: this.offset,
    };
  }

  static from(state: FrequentItemsState): FrequentItems {
    const items = new FrequentItems(0);
    Object.assign(items, {
      capacity: state.hashes.length / 4,
      hashes: state.hashes,
      counts: state.counts,
      keyStarts: state.keyStarts,
      keyLengths: state.keyLengths,
      keys: ByteArena.of(state.keys),
      size: state.size,
      offset: state.offset,
    });
    return items;
  }

  /** The slot holding the value, or -(free slot) - 1 where it would go (linear probing). */
  private find(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const mask = this.hashes.length - 1;
    const length = end - start;
    const keys = this.keys.bytes;
    let slot = hash & mask;
    for (;;) {
      const h = this.hashes[slot] as number;
      if (h === EMPTY) return -slot - 1;
      if (
        h === hash &&
        this.keyLengths[slot] === length &&
        bytesEqual(bytes, start, end, keys, this.keyStarts[slot] as number)
      )
        return slot;
      slot = (slot + 1) & mask;
    }
  }

  /**
   * Subtracts the median count from all counters and drops those left at zero or below
   * (and their bytes): the survivors go into a second set of arrays, kept for the next
   * purge, so purging allocates nothing after the first time.
   */
  private purge(): void {
    this.live ??= new Float64Array(this.capacity + 1);
    const live = this.live;
    let n = 0;
    for (let i = 0; i < this.counts.length; i++)
      if (this.hashes[i] !== EMPTY) live[n++] = this.counts[i] as number;
    const cut = select(live, n, n >> 1);
    this.offset += cut;
    const { hashes, counts, keyStarts, keyLengths, keys } = this;
    const spare = this.spare ?? {
      hashes: new Float64Array(hashes.length),
      counts: new Float64Array(hashes.length),
      keyStarts: new Int32Array(hashes.length),
      keyLengths: new Int32Array(hashes.length),
      keys: new ByteArena(keys.bytes.length),
    };
    spare.hashes.fill(EMPTY);
    spare.keys.length = 0;
    Object.assign(this, spare);
    this.spare = { hashes, counts, keyStarts, keyLengths, keys };
    this.size = 0;
    const bytes = keys.bytes;
    for (let i = 0; i < hashes.length; i++) {
      const hash = hashes[i] as number;
      const count = (counts[i] as number) - cut;
      if (hash === EMPTY || count <= 0) continue;
      const start = keyStarts[i] as number;
      this.add(bytes, start, start + (keyLengths[i] as number), hash, count);
    }
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

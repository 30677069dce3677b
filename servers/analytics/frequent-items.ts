/** Items kept at most; a purge then drops about half. */
export const DEFAULT_CAPACITY = 2048;
const EMPTY = -1;

export interface FrequentItemsState {
  hashes: Float64Array;
  counts: Float64Array;
  labels: (string | undefined)[];
  size: number;
  offset: number;
}

/**
 * Misra-Gries heavy hitters (the "frequent items" sketch): at most `capacity` counters;
 * when full, the median count is subtracted from all and the non-positive ones dropped.
 * A reported count is a lower bound and at most `offset` below the true count, so any
 * value more frequent than `offset` is present. An open-addressing table over typed
 * arrays keyed by the value's 32-bit hash (with the value compared on a match), because
 * a Map with an object per counter churns the garbage collector on medium-cardinality
 * columns.
 */
export class FrequentItems {
  private hashes: Float64Array;
  private counts: Float64Array;
  private labels: (string | undefined)[];
  private size = 0;
  offset = 0;

  constructor(private readonly capacity = DEFAULT_CAPACITY) {
    const slots = capacity * 4;
    this.hashes = new Float64Array(slots).fill(EMPTY);
    this.counts = new Float64Array(slots);
    this.labels = new Array(slots).fill(undefined);
  }

  /** Adds one to `value`'s counter if it has one; returns whether it had. */
  increment(value: string, hash: number): boolean {
    const slot = this.find(value, hash);
    if (slot < 0) return false;
    this.counts[slot] = (this.counts[slot] as number) + 1;
    return true;
  }

  /** Adds `count` for `value` (a new counter if needed); `value` must not pin a larger string. */
  add(value: string, hash: number, count: number): void {
    let slot = this.find(value, hash);
    if (slot >= 0) {
      this.counts[slot] = (this.counts[slot] as number) + count;
      return;
    }
    slot = -slot - 1;
    this.hashes[slot] = hash;
    this.counts[slot] = count;
    this.labels[slot] = value;
    if (++this.size > this.capacity) this.purge();
  }

  merge(other: FrequentItems): void {
    this.offset += other.offset;
    for (let i = 0; i < other.hashes.length; i++) {
      const label = other.labels[i];
      if (label !== undefined) this.add(label, other.hashes[i] as number, other.counts[i] as number);
    }
  }

  entries(): [string, number][] {
    const out: [string, number][] = [];
    this.labels.forEach((label, i) => {
      if (label !== undefined) out.push([label, this.counts[i] as number]);
    });
    return out;
  }

  state(): FrequentItemsState {
    return {
      hashes: this.hashes,
      counts: this.counts,
      labels: this.labels,
      size: this.size,
      offset: this.offset,
    };
  }

  static from(state: FrequentItemsState): FrequentItems {
    const items = new FrequentItems(state.hashes.length / 4);
    Object.assign(items, state);
    return items;
  }

  /** The slot holding `value`, or -(free slot) - 1 where it would go (linear probing). */
  private find(value: string, hash: number): number {
    const mask = this.hashes.length - 1;
    let slot = hash & mask;
    for (;;) {
      const h = this.hashes[slot] as number;
      if (h === EMPTY) return -slot - 1;
      if (h === hash && this.labels[slot] === value) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private purge(): void {
    const live = new Float64Array(this.size);
    let n = 0;
    for (let i = 0; i < this.counts.length; i++)
      if (this.labels[i] !== undefined) live[n++] = this.counts[i] as number;
    const cut = live.sort()[n >> 1] as number;
    this.offset += cut;
    const { hashes, counts, labels } = this;
    this.hashes = new Float64Array(hashes.length).fill(EMPTY);
    this.counts = new Float64Array(counts.length);
    this.labels = new Array(labels.length).fill(undefined);
    this.size = 0;
    for (let i = 0; i < hashes.length; i++) {
      const label = labels[i];
      const count = (counts[i] as number) - cut;
      if (label !== undefined && count > 0) this.add(label, hashes[i] as number, count);
    }
  }
}

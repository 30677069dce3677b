import { Random } from '@taskdeck/node-common/random';

/**
 * Values kept by default: every value while a column has at most this many (quantiles
 * exact), then a uniform random sample of this size. A sample of 16,384 puts the median
 * within about ±1 % of rank (three standard errors) whatever the file size, in 128 KB.
 */
export const SAMPLE_SIZE = 16_384;

export interface QuantileSketchState {
  n: number;
  size: number;
  sample: number[];
  /** Values to skip before the next replacement (reservoir sampling, Algorithm L). */
  skip: number;
  w: number;
  random: number;
}

/**
 * Streaming quantiles in bounded memory by reservoir sampling (Li's Algorithm L): the
 * cost per value is a counter decrement, unlike sketches that sort (KLL measured 4×
 * slower here, for the same accuracy at this memory). Mergeable by weighted sampling, and
 * seeded so the same file always yields the same profile. The sample is a plain array that
 * grows with the values (a column of 20 values keeps 20): it lives on the JavaScript heap,
 * which a terminated worker gives back to the system, unlike typed arrays' malloc memory.
 */
export class QuantileSketch {
  private n = 0;
  private sample: number[] = [];
  private skip = 0;
  private w = 1;
  private random: Random;

  /** `size`: values kept at most (sketches that merge must have the same). */
  constructor(
    seed = 1,
    private readonly size = SAMPLE_SIZE,
  ) {
    this.random = new Random(seed);
  }

  get count(): number {
    return this.n;
  }

  get isExact(): boolean {
    return this.n <= this.size;
  }

  /** Every value added, in order, while the sketch is exact. */
  get values(): readonly number[] {
    if (!this.isExact) throw new Error('The sketch holds a sample, not every value.');
    return this.sample;
  }

  add(value: number): void {
    const n = this.n++;
    if (n < this.size) {
      this.sample.push(value);
      if (n + 1 === this.size) this.nextSkip();
      return;
    }
    if (this.skip > 0) {
      this.skip--;
      return;
    }
    this.sample[Math.floor(this.uniform() * this.size)] = value;
    this.nextSkip();
  }

  /** Adds `value` `count` times: what `count` calls of add do, in time proportional to the replacements. */
  addRepeated(value: number, count: number): void {
    let left = count;
    while (left > 0) {
      if (this.n < this.size) {
        this.add(value);
        left--;
      } else if (this.skip >= left) {
        this.skip -= left;
        this.n += left;
        return;
      } else {
        // Pass over the skipped values; the next one replaces a sampled value.
        this.n += this.skip;
        left -= this.skip;
        this.skip = 0;
        this.add(value);
        left--;
      }
    }
  }

  /** Combines two samples into a uniform sample of both streams (each value drawn with its stream's weight). */
  merge(other: QuantileSketch): void {
    if (other.n === 0) return;
    if (other.isExact) {
      for (let i = 0; i < other.n; i++) this.add(other.sample[i] as number);
      return;
    }
    if (this.isExact) {
      const mine = this.sample.slice(0, this.n);
      this.n = other.n;
      this.sample = other.sample.slice();
      this.skip = other.skip;
      this.w = other.w;
      for (const v of mine) this.add(v);
      return;
    }
    const total = this.n + other.n;
    const merged: number[] = [];
    for (let i = 0; i < this.size; i++) {
      const from = this.uniform() * total < this.n ? this.sample : other.sample;
      merged.push(from[Math.floor(this.uniform() * this.size)] as number);
    }
    this.sample = merged;
    this.n = total;
  }

  /**
   * Quantile q in [0, 1], interpolating linearly between order statistics of the values
   * (exact mode) or of the sample (as numpy and pandas do by default).
   */
  quantiles(qs: number[]): (number | null)[] {
    const size = this.sample.length;
    if (size === 0) return qs.map(() => null);
    const sorted = Float64Array.from(this.sample).sort();
    return qs.map((q) => {
      const pos = q * (size - 1);
      const lo = Math.floor(pos);
      const a = sorted[lo] as number;
      const b = sorted[Math.min(lo + 1, size - 1)] as number;
      return a + (b - a) * (pos - lo);
    });
  }

  state(): QuantileSketchState {
    return {
      n: this.n,
      size: this.size,
      sample: this.sample,
      skip: this.skip,
      w: this.w,
      random: this.random.position,
    };
  }

  static from(state: QuantileSketchState): QuantileSketch {
    const sketch = new QuantileSketch(1, state.size);
    sketch.n = state.n;
    sketch.sample = state.sample;
    sketch.skip = state.skip;
    sketch.w = state.w;
    sketch.random = Random.at(state.random);
    return sketch;
  }

  private uniform(): number {
    return this.random.next();
  }

  /** Algorithm L: how many values to pass over before the next one replaces a sampled value. */
  private nextSkip(): void {
    this.w *= Math.exp(Math.log(this.uniform() || Number.MIN_VALUE) / this.size);
    this.skip = Math.floor(Math.log(this.uniform() || Number.MIN_VALUE) / Math.log(1 - this.w));
  }
}

/**
 * Quantiles q in [0, 1] of `values[i]` occurring `counts[i]` times, exactly: linear
 * interpolation between order statistics, as numpy and pandas do by default (and as
 * QuantileSketch does on the values it holds).
 */
export function exactQuantiles(
  values: readonly number[],
  counts: readonly number[],
  qs: number[],
): (number | null)[] {
  const order = values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
  let n = 0;
  for (const c of counts) n += c;
  if (n === 0) return qs.map(() => null);
  /** The value of rank r (0-based) in sorted order. */
  const at = (r: number): number => {
    let seen = 0;
    for (const i of order) {
      seen += counts[i] as number;
      if (r < seen) return values[i] as number;
    }
    return values[order[order.length - 1] as number] as number;
  };
  return qs.map((q) => {
    const pos = q * (n - 1);
    const lo = Math.floor(pos);
    const a = at(lo);
    const b = at(Math.min(lo + 1, n - 1));
    return a + (b - a) * (pos - lo);
  });
}

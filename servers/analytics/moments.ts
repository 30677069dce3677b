export interface MomentsState {
  n: number;
  mean: number;
  m2: number;
  min: number;
  max: number;
}

/**
 * Count, min, max, mean and variance in one pass (Welford), mergeable across workers
 * (Chan et al.): stable for large offsets such as epoch seconds, unlike sum of squares.
 */
export class Moments {
  n = 0;
  mean = 0;
  m2 = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  add(x: number): void {
    this.n++;
    const delta = x - this.mean;
    this.mean += delta / this.n;
    this.m2 += delta * (x - this.mean);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
  }

  /** Adds `x` `count` times at once (a merge with the moments of `count` equal values). */
  addRepeated(x: number, count: number): void {
    const n = this.n + count;
    const delta = x - this.mean;
    // count / n first: delta · count could overflow where the mean does not.
    this.mean += delta * (count / n);
    this.m2 += delta * delta * this.n * (count / n);
    this.n = n;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
  }

  merge(other: Moments): void {
    if (other.n === 0) return;
    const n = this.n + other.n;
    const delta = other.mean - this.mean;
    this.mean += (delta * other.n) / n;
    this.m2 += other.m2 + (delta * delta * this.n * other.n) / n;
    this.n = n;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  /** Sample standard deviation (n − 1), as pandas and DuckDB report it; null below two values. */
  stddev(): number | null {
    return this.n > 1 ? Math.sqrt(this.m2 / (this.n - 1)) : null;
  }

  state(): MomentsState {
    return { n: this.n, mean: this.mean, m2: this.m2, min: this.min, max: this.max };
  }

  static from(state: MomentsState): Moments {
    return Object.assign(new Moments(), state);
  }
}

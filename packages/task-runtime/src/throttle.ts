/**
 * Lets at most one value through per interval, so a tight loop cannot flood the pipe:
 * the first goes out at once, later ones are coalesced and the latest goes out when the
 * interval ends (trailing send). Closing without flushing drops what is pending (after a
 * cancel nothing more is sent).
 */
export class Throttle<T> {
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private pending: { value: T } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly send: (value: T) => void,
    private readonly minIntervalMs = 50,
    private readonly now: () => number = Date.now,
  ) {}

  /** Returns false once closed (the value is dropped). */
  report(value: T): boolean {
    if (this.closed) return false;
    const wait = this.lastSentAt + this.minIntervalMs - this.now();
    if (wait <= 0) {
      this.drop();
      this.emit(value);
    } else {
      this.pending = { value };
      this.timer ??= setTimeout(() => this.flush(), wait);
    }
    return true;
  }

  /** Sends the pending value now, if any. */
  flush(): void {
    const pending = this.pending;
    this.drop();
    if (pending && !this.closed) this.emit(pending.value);
  }

  /** Forgets the pending value (something newer went out another way). */
  drop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }

  close({ flush }: { flush: boolean }): void {
    if (flush) this.flush();
    this.drop();
    this.closed = true;
  }

  private emit(value: T): void {
    this.lastSentAt = this.now();
    this.send(value);
  }
}

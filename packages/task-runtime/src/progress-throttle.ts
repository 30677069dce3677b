export interface ProgressUpdate {
  progress: number;
  total?: number;
  message?: string;
}

/**
 * Rate-limits progress notifications so a tight loop cannot flood the pipe, while the
 * latest value always goes out (trailing send) unless the throttle is closed without
 * flushing (cancel: no progress after cancel). Progress must increase with each
 * notification (MCP spec), so non-increasing values are refused.
 */
export class ProgressThrottle {
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private lastAccepted = Number.NEGATIVE_INFINITY;
  private pending: ProgressUpdate | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly send: (update: ProgressUpdate) => void,
    private readonly minIntervalMs = 50,
    private readonly now: () => number = Date.now,
  ) {}

  /** Returns false when the update was refused (closed, or progress did not increase). */
  report(update: ProgressUpdate): boolean {
    if (this.closed || !(update.progress > this.lastAccepted)) return false;
    this.lastAccepted = update.progress;
    const wait = this.lastSentAt + this.minIntervalMs - this.now();
    if (wait <= 0) {
      this.pending = undefined;
      this.emit(update);
    } else {
      this.pending = update;
      this.timer ??= setTimeout(() => this.flush(), wait);
    }
    return true;
  }

  /** Sends the pending update now, if any. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const update = this.pending;
    this.pending = undefined;
    if (update && !this.closed) this.emit(update);
  }

  close({ flush }: { flush: boolean }): void {
    if (flush) this.flush();
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    this.closed = true;
  }

  private emit(update: ProgressUpdate): void {
    this.lastSentAt = this.now();
    this.send(update);
  }
}

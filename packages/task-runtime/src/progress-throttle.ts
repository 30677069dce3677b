import { Throttle } from './throttle.js';

export interface ProgressUpdate {
  progress: number;
  total?: number;
  message?: string;
}

/**
 * Rate-limits progress notifications (see Throttle). Progress must increase with each
 * notification (MCP spec), so non-increasing values are refused.
 */
export class ProgressThrottle {
  private lastAccepted = Number.NEGATIVE_INFINITY;
  private readonly throttle: Throttle<ProgressUpdate>;

  constructor(send: (update: ProgressUpdate) => void, minIntervalMs = 50, now: () => number = Date.now) {
    this.throttle = new Throttle(send, minIntervalMs, now);
  }

  /** Returns false when the update was refused (closed, or progress did not increase). */
  report(update: ProgressUpdate): boolean {
    if (!(update.progress > this.lastAccepted) || !this.throttle.report(update)) return false;
    this.lastAccepted = update.progress;
    return true;
  }

  close(options: { flush: boolean }): void {
    this.throttle.close(options);
  }
}

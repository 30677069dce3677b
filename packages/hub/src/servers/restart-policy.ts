export interface RestartPolicyOptions {
  /** First delay before a restart; it doubles with each crash in a row. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** This many crashes within `windowMs` mark the server crashed: no more retries. */
  maxCrashes?: number;
  windowMs?: number;
}

export type RestartDecision = { action: 'restart'; delayMs: number } | { action: 'give-up'; crashes: number };

/**
 * Exponential backoff for a crashing server, with a crash-loop breaker. A framework-free
 * state machine: the supervisor reports crashes and gets a decision.
 */
export class RestartPolicy {
  private crashes: number[] = [];
  private readonly opts: Required<RestartPolicyOptions>;

  constructor(options: RestartPolicyOptions = {}) {
    this.opts = { initialDelayMs: 500, maxDelayMs: 30_000, maxCrashes: 5, windowMs: 60_000, ...options };
  }

  onCrash(now: number): RestartDecision {
    this.crashes = this.crashes.filter((at) => now - at < this.opts.windowMs);
    this.crashes.push(now);
    if (this.crashes.length >= this.opts.maxCrashes)
      return { action: 'give-up', crashes: this.crashes.length };
    const delayMs = Math.min(this.opts.maxDelayMs, this.opts.initialDelayMs * 2 ** (this.crashes.length - 1));
    return { action: 'restart', delayMs };
  }

  /** The user restarted the server: start counting afresh. */
  reset(): void {
    this.crashes = [];
  }
}

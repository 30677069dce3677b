/**
 * When to stop a server nobody uses: `stopAfterMs` after it became ready or its last call
 * ended, and never while a call runs on it (a task working or waiting for the user's
 * answer counts as running until the hub lets go of it). The hub starts such a server
 * again on its next call.
 */
export class IdlePolicy {
  private readonly calls = new Map<string, number>();
  private readonly ready = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    readonly stopAfterMs: number,
    private readonly onIdle: (server: string) => void,
  ) {
    if (!(stopAfterMs > 0)) throw new Error(`An idle time must be positive (got ${stopAfterMs}).`);
  }

  callStarted(server: string): void {
    this.calls.set(server, (this.calls.get(server) ?? 0) + 1);
    this.disarm(server);
  }

  callEnded(server: string): void {
    const left = Math.max(0, (this.calls.get(server) ?? 0) - 1);
    if (left === 0) this.calls.delete(server);
    else this.calls.set(server, left);
    this.arm(server);
  }

  /** The server is ready: its idle time starts now unless calls run on it. */
  serverReady(server: string): void {
    if (this.ready.has(server)) return;
    this.ready.add(server);
    this.arm(server);
  }

  /** The server is not running any more (stopped, crashed, restarting): nothing to stop. */
  serverDown(server: string): void {
    this.ready.delete(server);
    this.disarm(server);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private arm(server: string): void {
    if (!this.ready.has(server) || this.calls.has(server)) return;
    this.disarm(server);
    const timer = setTimeout(() => {
      this.timers.delete(server);
      if (this.ready.has(server) && !this.calls.has(server)) this.onIdle(server);
    }, this.stopAfterMs);
    timer.unref();
    this.timers.set(server, timer);
  }

  private disarm(server: string): void {
    clearTimeout(this.timers.get(server));
    this.timers.delete(server);
  }
}

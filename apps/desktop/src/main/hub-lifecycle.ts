/**
 * The hub's life inside the app: started once after `ready`, stopped once at quit. A quit that
 * arrives while the hub is still starting waits for the start to settle and then stops it;
 * otherwise the hub would go on to start its servers, and keep its data-dir lock and journal
 * open, after the app said it exits. No Electron import, so it is unit-tested without the binary.
 */
export interface StoppableHub {
  shutdown(): Promise<void>;
}

export class HubLifecycle<Hub extends StoppableHub> {
  /** Settles with the started hub, or undefined (not started, or the start failed). */
  private started: Promise<Hub | undefined> = Promise.resolve(undefined);
  private stopped: Promise<void> | undefined;

  /** True once a stop was asked for: nothing new may use the hub. */
  get stopping(): boolean {
    return this.stopped !== undefined;
  }

  /**
   * Starts the hub with `create`. Resolves undefined when a stop was asked for before the start
   * finished (the hub is then stopped, not handed out); rejects when `create` fails.
   */
  async start(create: () => Promise<Hub>): Promise<Hub | undefined> {
    if (this.stopping) return undefined;
    const starting = create();
    this.started = starting.catch(() => undefined);
    const hub = await starting;
    return this.stopping ? undefined : hub;
  }

  /** Stops the hub once its start has settled; every call returns the same promise. */
  stop(): Promise<void> {
    this.stopped ??= this.started.then((hub) => hub?.shutdown());
    return this.stopped;
  }
}

/** One holder at a time per key; waiters queue in order. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  isLocked(key: string): boolean {
    return this.tails.has(key);
  }

  /** Waits for the key (or rejects when `signal` aborts first); resolves to the release function. */
  async acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    const done = () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
    try {
      await abortable(previous, signal);
    } catch (error) {
      // Give up our place: whoever waits behind us proceeds once `previous` ends.
      done();
      throw error;
    }
    return done;
  }
}

function abortable(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

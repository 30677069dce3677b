import { parentPort, Worker, workerData } from 'node:worker_threads';
import { type ChunkConfig, ChunkProfiler, type ChunkReport } from './chunk-profiler.js';
import type { ColumnState } from './column-profile.js';

/**
 * Worker threads run the same bundle as the server (the build makes one file per
 * server), told apart by this marker in workerData.
 */
const WORKER_ROLE = 'taskdeck-csv-profiler';

type ToWorker = { type: 'chunk'; index: number; bytes: Uint8Array } | { type: 'finish' };
type FromWorker =
  | { type: 'report'; report: ChunkReport }
  | { type: 'states'; states: (ColumnState | null)[] };

export function isProfilerWorker(): boolean {
  return (workerData as { role?: string } | null)?.role === WORKER_ROLE;
}

/** The worker side: profiles the chunks it is sent, reports each, and hands over its columns at the end. */
export function runProfilerWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('runProfilerWorker must run in a worker thread');
  const profiler = new ChunkProfiler((workerData as { config: ChunkConfig }).config);
  port.on('message', (message: ToWorker) => {
    if (message.type === 'chunk') {
      port.postMessage({
        type: 'report',
        report: profiler.process(message.bytes, message.index),
      } satisfies FromWorker);
    } else {
      port.postMessage({ type: 'states', states: profiler.states() } satisfies FromWorker);
    }
  });
}

/** Chunks a worker may hold at once: one being profiled, one waiting, so it never idles. */
const IN_FLIGHT_PER_WORKER = 2;

/**
 * Profiles chunks on worker threads. Chunk i always goes to worker i mod N, so the
 * merged sketches (and thus the profile) are the same on every run.
 */
export class WorkerPool {
  private readonly workers: Worker[];
  private readonly inFlight: number[];
  private failure: Error | undefined;
  private terminated = false;
  private wake: (() => void) | undefined;
  private readonly statesWaiters = new Map<Worker, (states: (ColumnState | null)[]) => void>();

  constructor(
    script: string | URL,
    config: ChunkConfig,
    count: number,
    private readonly onReport: (report: ChunkReport) => void,
  ) {
    this.workers = Array.from(
      { length: count },
      // A small young generation keeps each worker's garbage (a chunk's field strings) from
      // growing its heap: on the 1 GB file, 369 MB peak RSS with V8's default (and 4 MB
      // chunks), 270 MB with 16 MB, 188 MB with 8 MB, for no measurable CPU cost.
      () =>
        new Worker(script, {
          workerData: { role: WORKER_ROLE, config },
          resourceLimits: { maxYoungGenerationSizeMb: 8 },
        }),
    );
    this.inFlight = this.workers.map(() => 0);
    this.workers.forEach((worker, w) => {
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'report') {
          this.inFlight[w] = (this.inFlight[w] as number) - 1;
          this.onReport(message.report);
        } else {
          this.statesWaiters.get(worker)?.(message.states);
        }
        this.notify();
      });
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (!this.terminated)
          this.fail(new Error(`A profiler worker stopped unexpectedly (exit code ${code}).`));
      });
    });
  }

  /** Hands a chunk (its memory is transferred) to its worker, waiting while that worker is busy. */
  async submit(bytes: Uint8Array, index: number, signal: AbortSignal | undefined): Promise<void> {
    const w = index % this.workers.length;
    while ((this.inFlight[w] as number) >= IN_FLIGHT_PER_WORKER) await this.next(signal);
    this.throwIfFailed();
    this.inFlight[w] = (this.inFlight[w] as number) + 1;
    const message: ToWorker = { type: 'chunk', index, bytes };
    (this.workers[w] as Worker).postMessage(message, [bytes.buffer as ArrayBuffer]);
  }

  /** Waits for every chunk, then collects each worker's column states. */
  async finish(signal: AbortSignal | undefined): Promise<(ColumnState | null)[][]> {
    while (this.inFlight.some((n) => n > 0)) await this.next(signal);
    this.throwIfFailed();
    return Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<(ColumnState | null)[]>((resolve, reject) => {
            this.statesWaiters.set(worker, resolve);
            worker.once('error', reject);
            worker.postMessage({ type: 'finish' } satisfies ToWorker);
          }),
      ),
    );
  }

  /** Stops the workers at once; their memory goes with them. */
  async terminate(): Promise<void> {
    this.terminated = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private next(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.failure || signal?.aborted) {
        reject(this.failure ?? signal?.reason);
        return;
      }
      const onAbort = () => reject(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
    }).then(() => this.throwIfFailed());
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.notify();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}

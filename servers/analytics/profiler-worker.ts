import { MessageChannel, type MessagePort, parentPort, Worker, workerData } from 'node:worker_threads';
import { type ChunkConfig, ChunkProfiler, type ChunkReport, type ColumnReport } from './chunk-profiler.js';
import type { ColumnState } from './column-profile.js';
import type { ProfileDetail } from './result-size.js';

/** Marks the workerData of the pool's threads: the worker entry runs only as one of them. */
const WORKER_ROLE = 'taskdeck-csv-profiler';

interface WorkerSetup {
  role: typeof WORKER_ROLE;
  config: ChunkConfig;
  /** The first worker: names of all the file's columns, for the profiles. */
  names: string[];
  /** The first worker: a port from each other worker, whose states it merges in this order. */
  peers: MessagePort[];
  /** Every other worker: where it hands its states at the end. */
  merger: MessagePort | null;
}

type ToWorker =
  | { type: 'chunk'; index: number; bytes: Uint8Array }
  | { type: 'finish'; detail: ProfileDetail };
type FromWorker =
  /** The chunk's memory comes back with its report, to be read into again. */
  | { type: 'report'; report: ChunkReport; bytes: Uint8Array }
  /** A worker other than the first has handed its states over, and can stop. */
  | { type: 'handed-over' }
  | { type: 'profiles'; result: ColumnReport };

/**
 * The worker side: profiles the chunks it is sent and reports each. At the end every
 * worker but the first hands its column states to the first, which merges them and sends
 * the finished column profiles: the main thread never holds column state, so the memory
 * of a profile goes when its threads do (at the end, or at once on a cancel).
 */
export function runProfilerWorker(): void {
  const port = parentPort;
  if (!port || (workerData as { role?: string } | null)?.role !== WORKER_ROLE)
    throw new Error('The CSV profiler worker runs only as a thread its WorkerPool starts.');
  const { config, names, peers, merger } = workerData as WorkerSetup;
  const profiler = new ChunkProfiler(config);
  port.on('message', (message: ToWorker) => {
    if (message.type === 'chunk') {
      const { bytes } = message;
      const report = profiler.process(bytes, message.index);
      port.postMessage({ type: 'report', report, bytes } satisfies FromWorker, [bytes.buffer as ArrayBuffer]);
    } else if (merger) {
      // Queued at the first worker as this returns: this worker may be stopped right after.
      merger.postMessage(profiler.states());
      port.postMessage({ type: 'handed-over' } satisfies FromWorker);
    } else {
      void mergePeers(profiler, peers).then(() => {
        const result = profiler.profiles(names, message.detail);
        port.postMessage({ type: 'profiles', result } satisfies FromWorker);
      });
    }
  });
}

/** Merges each peer's states, one peer at a time (so one extra copy at most), in a fixed order. */
async function mergePeers(profiler: ChunkProfiler, peers: MessagePort[]): Promise<void> {
  for (const peer of peers) {
    const states = await new Promise<(ColumnState | null)[]>((resolve) => peer.once('message', resolve));
    peer.close();
    profiler.mergeStates(states);
  }
}

/**
 * A small young generation keeps each worker's garbage (a chunk's field strings) from
 * growing its heap: on the 1 GB file, 369 MB peak RSS with V8's default (and 4 MB chunks),
 * 270 MB with 16 MB, 188 MB with 8 MB, for no measurable CPU cost. V8 also times its first
 * full collections by the old generation's limit: with the default (gigabytes) garbage
 * piled up to three times the live state (130 MB of heap for 41 MB of 20,000 columns'
 * state); 256 MB, well above the state budget of all threads together, keeps it near.
 */
const WORKER_HEAP = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 };

/**
 * Chunks a worker may hold at once: one being profiled, the rest waiting, so it does not
 * idle while the main thread waits for its turn on a busy machine (with four, workers
 * waited for chunks a tenth of the time under load).
 */
export const IN_FLIGHT_PER_WORKER = 8;

/**
 * Profiles chunks on worker threads. Chunk i always goes to worker i mod N, and the first
 * worker merges the others' states in order, so the profile is the same on every run.
 */
export class WorkerPool {
  private readonly workers: Worker[];
  private readonly inFlight: number[];
  private failure: Error | undefined;
  private terminated = false;
  /** Workers that handed their states over and were stopped. */
  private readonly retired = new Set<Worker>();
  private result: ColumnReport | undefined;
  private wake: (() => void) | undefined;

  constructor(
    script: string | URL,
    config: ChunkConfig,
    names: string[],
    count: number,
    private readonly onReport: (report: ChunkReport, bytes: ArrayBufferLike) => void,
  ) {
    const channels = Array.from({ length: count - 1 }, () => new MessageChannel());
    this.workers = Array.from({ length: count }, (_, w) => {
      const peers = w === 0 ? channels.map((c) => c.port1) : [];
      const merger = w === 0 ? null : (channels[w - 1] as MessageChannel).port2;
      const setup: WorkerSetup = { role: WORKER_ROLE, config, names: w === 0 ? names : [], peers, merger };
      return new Worker(script, {
        workerData: setup,
        transferList: merger ? [merger] : peers,
        resourceLimits: WORKER_HEAP,
      });
    });
    this.inFlight = this.workers.map(() => 0);
    this.workers.forEach((worker, w) => {
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'report') {
          this.inFlight[w] = (this.inFlight[w] as number) - 1;
          this.onReport(message.report, message.bytes.buffer);
        } else if (message.type === 'handed-over') {
          // Its states are in the first worker's queue: its own copy can go now.
          this.retired.add(worker);
          void worker.terminate();
        } else {
          this.result = message.result;
        }
        this.notify();
      });
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (!this.terminated && !this.retired.has(worker))
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

  /** Waits for every chunk, then for the column profiles (showing `detail`) from the first worker. */
  async finish(detail: ProfileDetail, signal: AbortSignal | undefined): Promise<ColumnReport> {
    while (this.inFlight.some((n) => n > 0)) await this.next(signal);
    this.throwIfFailed();
    for (const worker of this.workers) worker.postMessage({ type: 'finish', detail } satisfies ToWorker);
    while (this.result === undefined) await this.next(signal);
    // The profiles are here: the workers' state can go before the result is put together.
    void this.terminate();
    return this.result;
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

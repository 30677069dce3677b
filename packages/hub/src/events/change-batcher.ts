import type { HubEvent, Notice, ServerInfo, TaskLogLine, TaskSummary } from '@taskdeck/contract';

type Batch = Extract<HubEvent, { type: 'batch' }>;

/** Most log lines one task sends in one batch; the record keeps them all (bounded). */
const MAX_LOG_LINES_PER_BATCH = 200;

/** How many batches may go out: never more than `perSecond` in any second, `burst` of them at once. */
export interface BatchLimits {
  perSecond: number;
  burst: number;
}

/**
 * 30 a second; a burst of 4 lets a quiet task's whole life (created, accepted, working,
 * completed) go out as it happens, and leaves 26 a second (one per 38 ms) under a flood.
 */
export const DEFAULT_BATCH_LIMITS: BatchLimits = { perSecond: 30, burst: 4 };

/**
 * Coalesces hub changes into batches: per task and per server only the latest state
 * is kept, so thousands of progress notifications a second become at most `perSecond`
 * batches, and the latest state, final ones included, is always what goes out. Log lines
 * are appended, not coalesced.
 *
 * Leading edge: a token bucket of `burst` batches, refilled at `perSecond - burst` a
 * second (so any second holds at most `burst + perSecond - burst` batches). While it has
 * a token, a change goes out at once (in a microtask, so the changes of one synchronous
 * step travel together); only when it is empty, under load, do changes wait and coalesce
 * until the next token.
 */
export class ChangeBatcher {
  private tasks = new Map<string, TaskSummary>();
  private servers = new Map<string, ServerInfo>();
  private removedServers = new Set<string>();
  private logs = new Map<string, TaskLogLine[]>();
  private roots: string[] | undefined;
  private notices: Notice[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushQueued = false;
  private tokens: number;
  private tokensAt: number;
  /** One token comes back every this many ms. */
  private readonly refillMs: number;

  constructor(
    private readonly emit: (batch: Batch) => void,
    private readonly limits: BatchLimits = DEFAULT_BATCH_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    if (!(limits.burst >= 1 && limits.perSecond > limits.burst))
      throw new Error(`Batch limits need 1 <= burst < perSecond (got ${JSON.stringify(limits)}).`);
    this.refillMs = 1000 / (limits.perSecond - limits.burst);
    this.tokens = limits.burst;
    this.tokensAt = now();
  }

  task(summary: TaskSummary): void {
    this.tasks.set(summary.id, summary);
    this.schedule();
  }

  server(info: ServerInfo): void {
    this.servers.set(info.name, info);
    this.removedServers.delete(info.name);
    this.schedule();
  }

  /** The user removed a server: its last state is dropped, the removal is sent. */
  serverRemoved(name: string): void {
    this.servers.delete(name);
    this.removedServers.add(name);
    this.schedule();
  }

  log(taskId: string, line: TaskLogLine): void {
    const lines = this.logs.get(taskId) ?? [];
    lines.push(line);
    if (lines.length > MAX_LOG_LINES_PER_BATCH) lines.shift();
    this.logs.set(taskId, lines);
    this.schedule();
  }

  rootsChanged(roots: string[]): void {
    this.roots = roots;
    this.schedule();
  }

  notice(notice: Notice): void {
    this.notices.push(notice);
    this.schedule();
  }

  /** Sends what is pending now (shutdown, tests). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushQueued = false;
    if (
      this.tasks.size === 0 &&
      this.servers.size === 0 &&
      this.removedServers.size === 0 &&
      this.logs.size === 0 &&
      !this.roots &&
      this.notices.length === 0
    ) {
      return;
    }
    const batch: Batch = {
      type: 'batch',
      tasks: [...this.tasks.values()],
      servers: [...this.servers.values()],
      logs: [...this.logs].map(([taskId, lines]) => ({ taskId, lines })),
      ...(this.removedServers.size > 0 && { removedServers: [...this.removedServers] }),
      ...(this.roots && { roots: this.roots }),
      ...(this.notices.length > 0 && { notices: this.notices }),
    };
    this.notices = [];
    this.tasks = new Map();
    this.servers = new Map();
    this.removedServers = new Set();
    this.logs = new Map();
    this.roots = undefined;
    // A forced flush (shutdown) may take a token the bucket does not have: the next wait is longer.
    this.refill();
    this.tokens -= 1;
    this.emit(batch);
  }

  private schedule(): void {
    if (this.timer || this.flushQueued) return;
    this.refill();
    if (this.tokens < 1) {
      this.timer = setTimeout(() => this.flush(), Math.ceil((1 - this.tokens) * this.refillMs));
      return;
    }
    this.flushQueued = true;
    queueMicrotask(() => {
      if (this.flushQueued) this.flush();
    });
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.limits.burst, this.tokens + (now - this.tokensAt) / this.refillMs);
    this.tokensAt = now;
  }
}

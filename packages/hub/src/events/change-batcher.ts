import type { HubEvent, Notice, ServerInfo, TaskLogLine, TaskSummary } from '@taskdeck/contract';

type Batch = Extract<HubEvent, { type: 'batch' }>;

/** Most log lines one task sends in one batch; the record keeps them all (bounded). */
const MAX_LOG_LINES_PER_BATCH = 200;

/**
 * Coalesces hub changes into batches: per task and per server only the latest state
 * is kept, so thousands of progress notifications a second become at most one batch
 * per interval (~30 a second), and the latest state, final ones included, is always
 * what goes out. Log lines are appended, not coalesced.
 */
export class ChangeBatcher {
  private tasks = new Map<string, TaskSummary>();
  private servers = new Map<string, ServerInfo>();
  private removedServers = new Set<string>();
  private logs = new Map<string, TaskLogLine[]>();
  private roots: string[] | undefined;
  private notices: Notice[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastFlush = 0;

  constructor(
    private readonly emit: (batch: Batch) => void,
    private readonly intervalMs = 33,
    private readonly now: () => number = Date.now,
  ) {}

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
    this.lastFlush = this.now();
    this.emit(batch);
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - this.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }
}

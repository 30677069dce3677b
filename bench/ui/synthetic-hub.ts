import type { HubEvent, ServerInfo, TaskSummary } from '@taskdeck/contract';
import type { CallbackPage } from '@taskdeck/hub/auth/callback-page';
import type { HubApi } from '@taskdeck/hub/hub-api';

const SERVERS = ['analytics', 'cloud-ops', 'dev-tools', 'knowledge'];
const TOOLS = ['analyze_csv', 'deploy_service', 'scan_project', 'search_documents'];

/**
 * A hub that only produces load: `tasks` running tasks, and every `intervalMs` a batch in
 * which every one of them reports progress (the worst case the real hub's batcher can send).
 * Every 10th batch 1 % of them finish and as many new ones start, so the list also grows.
 * The renderer is what bench/ui measures; the real hub's costs are measured elsewhere.
 */
export class SyntheticHub implements HubApi {
  private readonly tasks = new Map<string, TaskSummary>();
  private readonly listeners = new Set<(event: HubEvent) => void>();
  private timer: NodeJS.Timeout | undefined;
  private nextId = 0;
  private batchNumber = 0;
  batchesSent = 0;

  constructor(
    private readonly taskCount: number,
    private readonly intervalMs: number,
  ) {
    for (let i = 0; i < taskCount; i++) this.addTask(Date.now());
  }

  private addTask(now: number): void {
    const n = this.nextId++;
    const id = `task-${String(n).padStart(6, '0')}`;
    this.tasks.set(id, {
      id,
      server: SERVERS[n % SERVERS.length] as string,
      tool: TOOLS[n % TOOLS.length] as string,
      mode: 'task',
      status: 'working',
      ...(n % 5 !== 0 && { total: 10_000 }),
      progress: 0,
      statusMessage: 'Starting',
      createdAt: now - (this.taskCount - n) * 10,
      updatedAt: now,
    });
  }

  rootsIntact(): boolean {
    return true;
  }

  servers(): ServerInfo[] {
    return SERVERS.map((name, i) => ({
      name,
      bundled: true,
      status: 'ready',
      pid: 1000 + i,
      restarts: 0,
      tools: [],
      stderrTail: [],
    }));
  }

  private tick(): void {
    const now = Date.now();
    this.batchNumber++;
    const changed: TaskSummary[] = [];
    let finishing = this.batchNumber % 10 === 0 ? Math.ceil(this.taskCount / 100) : 0;
    for (const [id, task] of this.tasks) {
      if (task.status !== 'working') continue;
      const progress = (task.progress ?? 0) + 7;
      const next: TaskSummary =
        finishing-- > 0
          ? { ...task, status: 'completed', progress, updatedAt: now, finishedAt: now, statusMessage: 'Done' }
          : {
              ...task,
              progress,
              updatedAt: now,
              statusMessage: `${progress.toLocaleString('en-US')} items processed`,
            };
      this.tasks.set(id, next);
      changed.push(next);
    }
    const started = changed.filter((task) => task.status === 'completed').length;
    for (let i = 0; i < started; i++) {
      this.addTask(now);
      changed.push([...this.tasks.values()].at(-1) as TaskSummary);
    }
    const batch: HubEvent = { type: 'batch', servers: [], tasks: changed, logs: [] };
    for (const listener of this.listeners) listener(batch);
    this.batchesSent++;
  }

  subscribe(listener: (event: HubEvent) => void): () => void {
    this.listeners.add(listener);
    listener({ type: 'snapshot', servers: this.servers(), tasks: [...this.tasks.values()], roots: [] });
    this.timer ??= setInterval(() => this.tick(), this.intervalMs);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  async startTool(): Promise<{ taskId: string }> {
    throw new Error('bench hub: read only');
  }
  async cancelTask(): Promise<void> {}
  async respondToInput(): Promise<void> {}
  getTask() {
    return undefined;
  }
  listTasks(): TaskSummary[] {
    return [...this.tasks.values()];
  }
  async startServer(): Promise<void> {}
  async stopServer(): Promise<void> {}
  async restartServer(): Promise<void> {}
  async addServer(): Promise<void> {}
  async removeServer(): Promise<void> {}
  async signIn(): Promise<{ authorizationUrl: string }> {
    throw new Error('The synthetic hub has no remote servers.');
  }
  async signOut(): Promise<void> {}
  async completeSignIn(): Promise<CallbackPage> {
    return { status: 400, title: 'No sign-in', message: 'The synthetic hub has no remote servers.' };
  }
  async grantRoots(): Promise<string[]> {
    return [];
  }
  async revokeRoot(): Promise<string[]> {
    return [];
  }
  roots(): string[] {
    return [];
  }
  async shutdown(): Promise<void> {
    clearInterval(this.timer);
  }
}

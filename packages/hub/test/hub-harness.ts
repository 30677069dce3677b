import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { HubEvent, TaskSummary } from '@taskdeck/contract';
import { Hub, type HubOptions } from '@taskdeck/hub';

export const SERVERS_DIR = resolve(import.meta.dirname, '..', '..', '..', 'out', 'servers');
export const FIXTURES_DIR = import.meta.dirname;

/** A real hub on a temp data dir, recording every event it publishes (for tests and benchmarks). */
export class HubHarness {
  readonly events: { at: number; event: HubEvent }[] = [];
  readonly tasks = new Map<string, TaskSummary>();
  private unsubscribe: () => void;

  private constructor(
    readonly hub: Hub,
    readonly dataDir: string,
    private readonly ownsDir: boolean,
  ) {
    this.unsubscribe = hub.subscribe((event) => {
      this.events.push({ at: Date.now(), event });
      for (const task of event.tasks) this.tasks.set(task.id, task);
    });
  }

  static async start(
    options: Partial<HubOptions> & { userServers?: Record<string, unknown>; dataDir?: string } = {},
  ): Promise<HubHarness> {
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'taskdeck-hub-'));
    if (options.userServers) {
      writeFileSync(join(dataDir, 'servers.json'), JSON.stringify({ mcpServers: options.userServers }));
    }
    const hub = await Hub.start({
      bundledServersDir: SERVERS_DIR,
      env: { TASKDECK_TIME_SCALE: '0.01' },
      restartPolicy: { initialDelayMs: 100 },
      stopTimings: { stdinGraceMs: 1000, termGraceMs: 1000 },
      ...options,
      dataDir,
    });
    return new HubHarness(hub, dataDir, options.dataDir === undefined);
  }

  server(name: string) {
    return this.hub.servers().find((s) => s.name === name);
  }

  async until(predicate: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async ready(...names: string[]): Promise<void> {
    await this.until(
      () => names.every((n) => this.server(n)?.status === 'ready'),
      `${names.join(', ')} to be ready`,
    );
  }

  async finished(taskId: string, timeoutMs?: number): Promise<TaskSummary> {
    await this.until(
      () =>
        ['completed', 'failed', 'cancelled', 'interrupted'].includes(this.tasks.get(taskId)?.status ?? ''),
      `task ${taskId} to finish`,
      timeoutMs,
    );
    return this.tasks.get(taskId) as TaskSummary;
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.hub.shutdown();
    if (this.ownsDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

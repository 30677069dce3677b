import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  CallToolResultSchema,
  CreateTaskResultSchema,
  type ElicitRequest,
  ElicitRequestSchema,
  type ElicitResult,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  ProgressNotificationSchema,
  type Task,
  TaskStatusNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';

export const SERVERS_DIR = resolve(import.meta.dirname, '..', 'out', 'servers');

export interface HarnessOptions {
  /** Extra environment for the server; TASKDECK_DATA_DIR defaults to a fresh temp dir. */
  env?: Record<string, string>;
  /** Declare the roots capability with these paths (files or folders). */
  roots?: string[];
  /** Answers elicitation requests; without it the client declares no elicitation. */
  onElicit?: (request: ElicitRequest['params']) => ElicitResult | Promise<ElicitResult>;
  /** Where `<server>.js` is; default: out/servers (the packaging test uses the packaged copy). */
  serversDir?: string;
}

export interface ProgressEvent {
  progressToken: string | number;
  progress: number;
  total?: number;
  message?: string;
  at: number;
}

/**
 * A real SDK client connected over stdio to a built server (out/servers/<name>.js),
 * recording every task status, progress and log notification for assertions.
 */
export class McpHarness {
  readonly statuses: (Task & { at: number })[] = [];
  readonly progress: ProgressEvent[] = [];
  readonly logs: { level: string; data: unknown; taskId?: string }[] = [];
  private readonly waiters = new Set<() => void>();
  private nextToken = 1;

  private constructor(
    readonly client: Client,
    readonly transport: StdioClientTransport,
    readonly dataDir: string,
    private readonly ownsDataDir: boolean,
    private rootPaths: string[] | undefined,
  ) {}

  static async start(server: string, options: HarnessOptions = {}): Promise<McpHarness> {
    const ownsDataDir = !options.env?.TASKDECK_DATA_DIR;
    const dataDir = options.env?.TASKDECK_DATA_DIR ?? mkdtempSync(join(tmpdir(), `taskdeck-${server}-`));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [join(options.serversDir ?? SERVERS_DIR, `${server}.js`)],
      env: {
        PATH: process.env.PATH ?? '',
        TASKDECK_TIME_SCALE: '0.01',
        ...options.env,
        TASKDECK_DATA_DIR: dataDir,
      },
      stderr: 'pipe',
    });
    const client = new Client(
      { name: 'taskdeck-test', version: '0.0.0' },
      {
        capabilities: {
          ...(options.roots && { roots: { listChanged: true } }),
          ...(options.onElicit && { elicitation: { form: {} } }),
        },
      },
    );
    const harness = new McpHarness(client, transport, dataDir, ownsDataDir, options.roots);
    harness.install(options);
    await client.connect(transport);
    await client.listTools(); // the SDK reads execution.taskSupport from its tools cache
    return harness;
  }

  get stderr(): string {
    return this.stderrText;
  }
  private stderrText = '';

  private install(options: HarnessOptions): void {
    this.transport.stderr?.on('data', (chunk: Buffer) => {
      this.stderrText += chunk.toString();
    });
    const { client } = this;
    client.setNotificationHandler(TaskStatusNotificationSchema, (n) => {
      this.statuses.push({ ...n.params, at: Date.now() });
      this.wake();
    });
    // The SDK drops progress for tokens it did not issue itself: we issue our own.
    client.setNotificationHandler(ProgressNotificationSchema, (n) => {
      this.progress.push({ ...n.params, at: Date.now() });
      this.wake();
    });
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      const related = n.params._meta?.['io.modelcontextprotocol/related-task'] as
        | { taskId?: string }
        | undefined;
      this.logs.push({ level: n.params.level, data: n.params.data, taskId: related?.taskId });
      this.wake();
    });
    if (options.roots) {
      client.setRequestHandler(ListRootsRequestSchema, () => ({
        roots: (this.rootPaths ?? []).map((p) => ({ uri: pathToFileURL(p).href })),
      }));
    }
    if (options.onElicit) {
      const onElicit = options.onElicit;
      client.setRequestHandler(ElicitRequestSchema, (request) => onElicit(request.params));
    }
  }

  async setRoots(paths: string[]): Promise<void> {
    this.rootPaths = paths;
    await this.client.sendRootsListChanged();
  }

  /** Starts a task-augmented call; returns the task and the progress token used. */
  async startTask(name: string, args: Record<string, unknown>) {
    const progressToken = `p${this.nextToken++}`;
    const result = await this.client.request(
      {
        method: 'tools/call',
        params: { name, arguments: args, task: { ttl: 60_000 }, _meta: { progressToken } },
      },
      CreateTaskResultSchema,
    );
    return { task: result.task, progressToken };
  }

  /** A plain (non-task) call with its own progress token. */
  async call(name: string, args: Record<string, unknown>, options: { signal?: AbortSignal } = {}) {
    const progressToken = `p${this.nextToken++}`;
    const result = await this.client.request(
      { method: 'tools/call', params: { name, arguments: args, _meta: { progressToken } } },
      CallToolResultSchema,
      { signal: options.signal, timeout: 120_000 },
    );
    return { result, progressToken };
  }

  /** tasks/result: blocks until the task is terminal (delivers queued input requests meanwhile). */
  result(taskId: string) {
    return this.client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema, { timeout: 120_000 });
  }

  statusesOf(taskId: string): Task['status'][] {
    return this.statuses.filter((s) => s.taskId === taskId).map((s) => s.status);
  }

  /** The task's status notifications as transitions (notices of a new statusMessage alone collapsed). */
  transitionsOf(taskId: string): Task['status'][] {
    return this.statusesOf(taskId).filter((status, i, all) => status !== all[i - 1]);
  }

  progressOf(token: string): ProgressEvent[] {
    return this.progress.filter((p) => p.progressToken === token);
  }

  /** Resolves when `predicate` holds, checked after every notification; rejects after `timeoutMs`. */
  async until(predicate: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolvePromise, reject) => {
      const check = () => {
        if (!predicate()) return;
        cleanup();
        resolvePromise();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const poll = setInterval(check, 50);
      const cleanup = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  async waitForStatus(taskId: string, status: Task['status'], timeoutMs?: number): Promise<void> {
    await this.until(
      () => this.statusesOf(taskId).includes(status),
      `task ${taskId} to be ${status}`,
      timeoutMs,
    );
  }

  get pid(): number | null {
    return this.transport.pid;
  }

  async close(): Promise<void> {
    await this.client.close();
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  private wake(): void {
    for (const waiter of this.waiters) waiter();
  }
}

/** structuredContent of a result, typed by a zod schema (fails the test when it does not match). */
export function structured<T extends z.ZodType>(
  result: { structuredContent?: unknown },
  schema: T,
): z.output<T> {
  return schema.parse(result.structuredContent);
}

export function textOf(result: { content: unknown[] }): string {
  return (result.content as { type: string; text?: string }[])
    .filter((c) => c.type === 'text')
    .map((c) => c.text)
    .join('\n');
}

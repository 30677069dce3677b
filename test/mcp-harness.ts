import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
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
import { type HttpServerProcess, startHttpServer } from '../scripts/http-server-process.mjs';

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
  /**
   * Start the server with `--http` on a free port of 127.0.0.1 (plus `args`) and connect
   * over Streamable HTTP, sending `token` as the bearer token.
   */
  http?: { args?: string[]; token?: string };
}

/** A client of a server over HTTP that is already running (`harness.url`). */
export type SessionOptions = Pick<HarnessOptions, 'roots' | 'onElicit'> & { token?: string };

export interface ProgressEvent {
  progressToken: string | number;
  progress: number;
  total?: number;
  message?: string;
  at: number;
}

/**
 * A real SDK client connected to a built server (out/servers/<name>.js) over stdio, or over
 * Streamable HTTP (`http`), recording every task status, progress and log notification for
 * assertions.
 */
export class McpHarness {
  readonly statuses: (Task & { at: number })[] = [];
  readonly progress: ProgressEvent[] = [];
  readonly logs: { level: string; data: unknown; taskId?: string }[] = [];
  private readonly waiters = new Set<() => void>();
  private nextToken = 1;

  private constructor(
    readonly client: Client,
    readonly transport: Transport,
    readonly dataDir: string,
    /** What close() removes or stops besides the client: the data dir, the HTTP server. */
    private readonly owned: { dataDir: boolean; server?: HttpServerProcess },
    private rootPaths: string[] | undefined,
  ) {}

  static async start(server: string, options: HarnessOptions = {}): Promise<McpHarness> {
    const ownsDataDir = !options.env?.TASKDECK_DATA_DIR;
    const dataDir = options.env?.TASKDECK_DATA_DIR ?? mkdtempSync(join(tmpdir(), `taskdeck-${server}-`));
    const script = join(options.serversDir ?? SERVERS_DIR, `${server}.js`);
    const env = {
      PATH: process.env.PATH ?? '',
      TASKDECK_TIME_SCALE: '0.01',
      ...options.env,
      TASKDECK_DATA_DIR: dataDir,
    };
    if (options.http) {
      const running = await startHttpServer(script, { args: options.http.args, env });
      const transport = httpTransport(running.url, options.http.token);
      return McpHarness.connect(transport, options, dataDir, { dataDir: ownsDataDir, server: running });
    }
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [script],
      env,
      stderr: 'pipe',
    });
    return McpHarness.connect(transport, options, dataDir, { dataDir: ownsDataDir });
  }

  /** Another client (a new session) of this harness's HTTP server. */
  async newSession(options: SessionOptions = {}): Promise<McpHarness> {
    return McpHarness.connect(httpTransport(this.url, options.token), options, this.dataDir, {
      dataDir: false,
    });
  }

  /** The HTTP server's URL (servers started with `http`). */
  get url(): string {
    const url = this.owned.server?.url;
    if (!url) throw new Error('Not an HTTP server of this harness');
    return url;
  }

  private static async connect(
    transport: Transport,
    options: SessionOptions,
    dataDir: string,
    owned: McpHarness['owned'],
  ): Promise<McpHarness> {
    const client = new Client(
      { name: 'taskdeck-test', version: '0.0.0' },
      {
        capabilities: {
          ...(options.roots && { roots: { listChanged: true } }),
          ...(options.onElicit && { elicitation: { form: {} } }),
        },
      },
    );
    const harness = new McpHarness(client, transport, dataDir, owned, options.roots);
    harness.install(options);
    try {
      await client.connect(transport);
      await client.listTools(); // the SDK reads execution.taskSupport from its tools cache
    } catch (error) {
      await harness.close();
      throw error;
    }
    return harness;
  }

  get stderr(): string {
    return this.owned.server?.stderr() ?? this.stderrText;
  }
  private stderrText = '';

  private install(options: SessionOptions): void {
    if (this.transport instanceof StdioClientTransport) {
      this.transport.stderr?.on('data', (chunk: Buffer) => {
        this.stderrText += chunk.toString();
      });
    }
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
    if (this.owned.server) return this.owned.server.pid;
    return this.transport instanceof StdioClientTransport ? this.transport.pid : null;
  }

  async close(): Promise<void> {
    await this.client.close();
    await this.owned.server?.stop();
    if (this.owned.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  private wake(): void {
    for (const waiter of this.waiters) waiter();
  }
}

function httpTransport(url: string, token: string | undefined): StreamableHTTPClientTransport {
  return new StreamableHTTPClientTransport(new URL(url), {
    requestInit: token === undefined ? undefined : { headers: { Authorization: `Bearer ${token}` } },
  });
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

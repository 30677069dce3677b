import { randomUUID } from 'node:crypto';
import { mkdir, realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import {
  type AppFolder,
  type AppInfo,
  type HubEvent,
  type InputResponse,
  MAX_NOTICE_LENGTH,
  type Notice,
  type ServerInfo,
  type StartTool,
  type TaskDetail,
  type TaskSummary,
  type ToolInfo,
} from '@taskdeck/contract';
import { taskTitle } from '@taskdeck/contract/task-title';
import { DataDirLock } from './data-dir-lock.js';
import { LocalEndpoint } from './endpoint/local-endpoint.js';
import { ChangeBatcher } from './events/change-batcher.js';
import type { HubApi } from './hub-api.js';
import { type JournalOpen, type JournalOptions, TaskJournal } from './journal/task-journal.js';
import { RootsStore } from './roots-store.js';
import { loadBundledManifest } from './servers/bundled-manifest.js';
import type { RestartPolicyOptions } from './servers/restart-policy.js';
import { loadServerConfig, type ServerSpec } from './servers/server-config.js';
import type { StopTimings } from './servers/server-process.js';
import { type ServerSnapshot, ServerSupervisor } from './servers/server-supervisor.js';
import { TaskBook } from './tasks/task-book.js';
import type { ChangeKind, TaskEvent } from './tasks/task-events.js';
import { isFinished } from './tasks/task-record.js';
import { Tasks20251125 } from './tasks/tasks-2025-11-25.js';

export interface HubOptions {
  dataDir: string;
  /** Who runs this hub (its clients ask with appInfo); default: the CLI. */
  appInfo?: AppInfo;
  /** Listen on the local endpoint for other Taskdeck clients (default true). */
  endpoint?: boolean;
  /** Start the servers at once (default true); false: only on `startServer` (reading history). */
  startServers?: boolean;
  /** Where each server's stderr log goes; default `<dataDir>/logs` (the app passes the platform's logs folder). */
  logDir?: string;
  /** Folder of the bundled servers: their files and the manifest.json that lists them. */
  bundledServersDir: string;
  /** Runtime for the bundled servers: Node, or Electron's own executable. */
  execPath?: string;
  /** Inside Electron: run `execPath` as plain Node. */
  electronRunAsNode?: boolean;
  /** Extra environment for every server (TASKDECK_TIME_SCALE passes through by default). */
  env?: Record<string, string>;
  batchIntervalMs?: number;
  restartPolicy?: RestartPolicyOptions;
  stopTimings?: StopTimings;
  startTimeoutMs?: number;
  plainCallTimeoutMs?: number;
  journal?: JournalOptions;
  maxTasksInMemory?: number;
}

const CLIENT_INFO = { name: 'taskdeck', version: '0.1.0' };

/** How often progress alone is written to the journal, per task. */
const JOURNAL_PROGRESS_MS = 2000;
/** Notices kept for late subscribers (the oldest go first). */
const MAX_NOTICES = 100;

/**
 * The host core, with no Electron import: supervises the servers, tracks every task,
 * keeps the history and hands batched changes to subscribers. The Electron main
 * process, the web host and the CLI all use it.
 */
export class Hub implements HubApi {
  private readonly supervisors = new Map<string, ServerSupervisor>();
  /** Entries of the user's config that could not be used, shown as stopped servers. */
  private readonly brokenEntries: ServerInfo[] = [];
  private readonly listeners = new Set<(event: HubEvent) => void>();
  private readonly batcher: ChangeBatcher;
  /** Every tool call's state; only `onTaskEvent` changes it. */
  private readonly book: TaskBook;
  /** The 2025-11-25 task protocol: turns each server's traffic into task events. */
  private readonly tasks: Tasks20251125;
  private readonly journaledAt = new Map<string, number>();
  private readonly notices: Notice[] = [];
  private endpoint: LocalEndpoint | undefined;
  private closed = false;

  private constructor(
    private readonly options: HubOptions,
    private readonly journal: TaskJournal,
    private readonly lock: DataDirLock,
    private readonly rootsStore: RootsStore,
    private readonly appFolders: readonly AppFolder[],
  ) {
    this.batcher = new ChangeBatcher((batch) => this.broadcast(batch), options.batchIntervalMs);
    this.book = new TaskBook({ maxRecords: options.maxTasksInMemory });
    this.tasks = new Tasks20251125({
      client: (server) => this.readyClient(server),
      emit: (id, event) => this.onTaskEvent(id, event),
      status: (id) => this.book.get(id)?.status,
      plainCallTimeoutMs: options.plainCallTimeoutMs,
    });
  }

  static async start(options: HubOptions): Promise<Hub> {
    await mkdir(options.dataDir, { recursive: true });
    const lock = await DataDirLock.acquire(options.dataDir);
    try {
      let hub: Hub | undefined;
      const opened = await TaskJournal.open(options.dataDir, {
        ...options.journal,
        onWriteError: (error) =>
          hub?.notify(
            'error',
            `The task history could not be written to ${TaskJournal.pathIn(options.dataDir)} (${error.message}). The tasks still show here; they are written in full once writing works again.`,
          ),
      });
      const rootsStore = await RootsStore.open(options.dataDir);
      hub = new Hub(options, opened.journal, lock, rootsStore, await openAppFolders(options.dataDir));
      hub.book.restore(opened.records);
      hub.reportJournalDamage(opened);
      if (rootsStore.notice) hub.notify('warning', rootsStore.notice);
      await hub.loadServers();
      if (options.endpoint !== false) await hub.listen();
      if (options.startServers !== false)
        for (const supervisor of hub.supervisors.values())
          if (!supervisor.spec.disabled) void supervisor.start();
      return hub;
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  subscribe(listener: (event: HubEvent) => void): () => void {
    listener({
      type: 'snapshot',
      servers: this.servers(),
      tasks: this.listTasks(),
      roots: this.roots(),
      appFolders: [...this.appFolders],
      notices: [...this.notices],
    });
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async startTool(request: StartTool): Promise<{ taskId: string }> {
    this.assertOpen();
    const supervisor = this.supervisor(request.server);
    const tool = supervisor.snapshot().tools.find((t) => t.name === request.tool);
    if (!tool) throw new Error(`Server ${request.server} has no tool "${request.tool}".`);
    if (!this.readyClient(request.server)) throw new Error(`Server ${request.server} is not ready.`);
    const call = {
      id: randomUUID(),
      server: request.server,
      tool: request.tool,
      title: taskTitle(tool, request.arguments, homedir()),
      arguments: request.arguments,
      mode: this.chooseMode(request.server, request.tool),
    };
    this.book.create(call);
    this.onTaskChange(call.id, 'created');
    this.tasks.start(call);
    return { taskId: call.id };
  }

  async cancelTask(taskId: string): Promise<void> {
    const record = this.book.get(taskId);
    if (!record) throw new Error(`No task ${taskId}.`);
    if (isFinished(record.status)) throw new Error(`Task ${taskId} already ended (${record.status}).`);
    await this.tasks.cancel(taskId);
  }

  async respondToInput(taskId: string, response: InputResponse): Promise<void> {
    this.tasks.respond(taskId, response);
  }

  getTask(taskId: string): TaskDetail | undefined {
    return this.book.detail(taskId);
  }

  listTasks(): TaskSummary[] {
    return this.book.summaries();
  }

  servers(): ServerInfo[] {
    return [...[...this.supervisors.values()].map((s) => toServerInfo(s.snapshot())), ...this.brokenEntries];
  }

  async startServer(name: string): Promise<void> {
    await this.supervisor(name).start();
  }

  async stopServer(name: string): Promise<void> {
    await this.supervisor(name).stop();
  }

  async restartServer(name: string): Promise<void> {
    await this.supervisor(name).restart();
  }

  roots(): string[] {
    return this.rootsStore.list();
  }

  async grantRoots(paths: string[]): Promise<string[]> {
    const resolved = await Promise.all(
      paths.map((path) =>
        realpath(path).catch((error: NodeJS.ErrnoException) => {
          throw new Error(
            error.code === 'ENOENT' ? `Not found: ${path}` : `Cannot use ${path}: ${error.message}`,
          );
        }),
      ),
    );
    if (await this.rootsStore.add(resolved)) this.rootsChanged();
    return this.roots();
  }

  async revokeRoot(path: string): Promise<string[]> {
    if (await this.rootsStore.remove(path)) this.rootsChanged();
    return this.roots();
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.endpoint?.close().catch(() => {});
    // Before the servers stop, so these tasks read "interrupted", not "server stopped".
    this.tasks.interruptAll('Taskdeck quit while this task was running.');
    await Promise.all([...this.supervisors.values()].map((s) => s.stop()));
    this.batcher.flush();
    await this.journal.close(() => [...this.book.all()]);
    await this.lock.release();
  }

  /** The hub's own clients (the CLI) reach it here; a failure leaves the hub running, and says why. */
  private async listen(): Promise<void> {
    const appInfo: AppInfo = this.options.appInfo ?? {
      version: CLIENT_INFO.version,
      platform: process.platform as AppInfo['platform'],
      host: 'cli',
    };
    try {
      this.endpoint = await LocalEndpoint.start({ hub: this, dataDir: this.options.dataDir, appInfo });
    } catch (error) {
      process.stderr.write(
        `taskdeck: the local endpoint could not start (the CLI cannot reach this Taskdeck): ${(error as Error).message}\n`,
      );
    }
  }

  private async loadServers(): Promise<void> {
    const { options } = this;
    // Taskdeck's own settings (TASKDECK_TIME_SCALE...) reach every server.
    const passThrough = Object.fromEntries(
      Object.entries(process.env).filter(
        (entry): entry is [string, string] => entry[0].startsWith('TASKDECK_') && entry[1] !== undefined,
      ),
    );
    const baseEnv = { ...getDefaultEnvironment(), ...passThrough, ...options.env };
    const bundled = await loadBundledManifest(options.bundledServersDir);
    if (bundled.problem) this.notify('error', bundled.problem);
    const specs: ServerSpec[] = bundled.servers.map((server) => ({
      name: server.name,
      command: options.execPath ?? process.execPath,
      args: [server.path],
      env: {
        ...baseEnv,
        ...(options.electronRunAsNode && { ELECTRON_RUN_AS_NODE: '1' }),
        TASKDECK_DATA_DIR: options.dataDir,
      },
      disabled: false,
      bundled: true,
    }));
    const configPath = join(options.dataDir, 'servers.json');
    const user = await loadServerConfig(configPath, new Set(bundled.servers.map((server) => server.name)));
    if (user.damaged) this.notify('error', user.damaged);
    for (const spec of user.servers) specs.push({ ...spec, env: { ...baseEnv, ...spec.env } });
    for (const error of user.errors) {
      this.brokenEntries.push({
        name: error.name ?? 'servers.json',
        bundled: false,
        status: 'stopped',
        restarts: 0,
        tools: [],
        stderrTail: [],
        error: `Configuration error in ${configPath}: ${error.message}`,
      });
    }
    for (const spec of specs) {
      const supervisor = new ServerSupervisor(
        spec,
        {
          configureClient: (client, server) => this.configureClient(client, server),
          onDisconnect: (server, reason) => this.tasks.onDisconnect(server, reason),
          onChange: (snapshot) => this.batcher.server(toServerInfo(snapshot)),
        },
        {
          logDir: options.logDir ?? join(options.dataDir, 'logs'),
          clientInfo: CLIENT_INFO,
          capabilities: { roots: { listChanged: true }, elicitation: { form: {} } },
          restartPolicy: options.restartPolicy,
          stopTimings: options.stopTimings,
          startTimeoutMs: options.startTimeoutMs,
        },
      );
      this.supervisors.set(spec.name, supervisor);
    }
  }

  /** Tells the user once, in the UI and on stderr. */
  private notify(level: Notice['level'], message: string): void {
    const notice: Notice = {
      id: randomUUID(),
      at: Date.now(),
      level,
      message: message.slice(0, MAX_NOTICE_LENGTH),
    };
    this.notices.push(notice);
    if (this.notices.length > MAX_NOTICES) this.notices.shift();
    process.stderr.write(`Taskdeck ${level}: ${message}\n`);
    this.batcher.notice(notice);
  }

  /** A torn last line is what a crash leaves: it is kept in the quarantine file, quietly. */
  private reportJournalDamage(opened: JournalOpen): void {
    const lines = opened.unreadableLines;
    if (lines === 0) return;
    this.notify(
      'warning',
      `${lines} ${lines === 1 ? 'line' : 'lines'} of the task history (${opened.journal.path}) could not be read and ${lines === 1 ? 'was' : 'were'} moved, as ${lines === 1 ? 'it was' : 'they were'}, to ${opened.quarantinePath}. Every other task was kept.`,
    );
  }

  private configureClient(client: Client, server: string): void {
    this.tasks.configureClient(client, server);
    client.setRequestHandler(ListRootsRequestSchema, () => ({
      roots: [
        ...this.appFolders
          .filter((folder) => folder.granted)
          .map((folder) => ({ uri: pathToFileURL(folder.path).href, name: folder.label })),
        ...this.roots().map((path) => ({ uri: pathToFileURL(path).href, name: path })),
      ],
    }));
  }

  private rootsChanged(): void {
    this.batcher.rootsChanged(this.roots());
    for (const supervisor of this.supervisors.values()) {
      supervisor.client?.sendRootsListChanged().catch(() => {});
    }
  }

  private readyClient(server: string): Client | undefined {
    const supervisor = this.supervisors.get(server);
    return supervisor?.status === 'ready' ? supervisor.client : undefined;
  }

  /**
   * Under 2025-11-25 the client decides whether a call is a task, from the protocol alone:
   * every tool that supports tasks is called as one (live progress, cancel, input). A short
   * call's task simply completes at once; on our runtime the task round trip costs about
   * what a plain call does (bench/task-roundtrip). The hub never opens a user's file to guess.
   */
  private chooseMode(server: string, tool: string): 'task' | 'plain' {
    const info = this.supervisors
      .get(server)
      ?.snapshot()
      .tools.find((t) => t.name === tool);
    return (info?.execution?.taskSupport ?? 'forbidden') === 'forbidden' ? 'plain' : 'task';
  }

  /** A protocol adapter's event: the book applies it, subscribers and the journal hear of the change. */
  private onTaskEvent(id: string, event: TaskEvent): void {
    const kind = this.book.apply(id, event);
    if (kind === 'log') {
      if (event.type === 'log') this.batcher.log(id, event.line);
    } else if (kind) this.onTaskChange(id, kind);
  }

  private onTaskChange(id: string, kind: Exclude<ChangeKind, 'log'>): void {
    const record = this.book.get(id);
    const summary = this.book.summary(id);
    if (!record || !summary) return;
    this.batcher.task(summary);
    const now = Date.now();
    if (kind === 'progress' && now - (this.journaledAt.get(id) ?? 0) < JOURNAL_PROGRESS_MS) return;
    this.journaledAt.set(id, now);
    this.journal.write(record);
    if (isFinished(record.status)) {
      this.journaledAt.delete(id);
      void this.journal.flush(() => [...this.book.all()]);
    }
  }

  private broadcast(event: HubEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing subscriber must not stop the others.
      }
    }
  }

  private supervisor(name: string): ServerSupervisor {
    const supervisor = this.supervisors.get(name);
    if (!supervisor) throw new Error(`Unknown server "${name}".`);
    return supervisor;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('Taskdeck is shutting down.');
  }
}

/**
 * The data dir's folders that belong to Taskdeck. What the app writes there for the user (samples)
 * is readable by every server without a grant; uploads are granted one by one and only grouped.
 * Real paths, like the grants, so that the servers' checks and the UI compare them as they are.
 */
async function openAppFolders(dataDir: string): Promise<AppFolder[]> {
  const samples = join(dataDir, 'samples');
  await mkdir(samples, { recursive: true });
  const real = await realpath(dataDir);
  return [
    { path: join(real, 'samples'), label: "Taskdeck's samples", granted: true },
    { path: join(real, 'uploads'), label: 'Uploaded files', granted: false },
  ];
}

function toServerInfo(snapshot: ServerSnapshot): ServerInfo {
  return {
    ...snapshot,
    tools: snapshot.tools.map(
      (tool): ToolInfo => ({
        name: tool.name,
        ...(tool.title && { title: tool.title }),
        ...(tool.description && { description: tool.description }),
        inputSchema: tool.inputSchema,
        ...(tool.outputSchema && { outputSchema: tool.outputSchema }),
        taskSupport: tool.execution?.taskSupport ?? 'forbidden',
      }),
    ),
  };
}

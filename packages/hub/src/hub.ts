import { randomUUID } from 'node:crypto';
import { mkdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ListRootsRequestSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import {
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
import { DataDirLock } from './data-dir-lock.js';
import { LocalEndpoint } from './endpoint/local-endpoint.js';
import { type BatchLimits, ChangeBatcher } from './events/change-batcher.js';
import type { HubApi } from './hub-api.js';
import { type JournalOpen, type JournalOptions, TaskJournal } from './journal/task-journal.js';
import { RootsStore } from './roots-store.js';
import { loadBundledManifest } from './servers/bundled-manifest.js';
import { IdlePolicy } from './servers/idle-policy.js';
import type { RestartPolicyOptions } from './servers/restart-policy.js';
import { loadServerConfig, type ServerSpec } from './servers/server-config.js';
import type { StopTimings } from './servers/server-process.js';
import { type ServerSnapshot, ServerSupervisor } from './servers/server-supervisor.js';
import { ToolCache, type ToolCacheStamp } from './servers/tool-cache.js';
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
  /**
   * Bundled servers (and user servers with `stopWhenIdle`) start on first use and stop
   * after `stopAfterMs` without a call; meanwhile their tools are listed from a cache in
   * the data dir and they show as `idle`. A server with no usable cache yet starts with
   * the hub, to list its tools. Absent: every server starts with the hub and keeps running.
   */
  serverIdle?: { stopAfterMs: number };
  /** How many change batches subscribers get at most (default: 30 a second, 4 at once). */
  batchLimits?: BatchLimits;
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
  /** Stops idle servers that start on first use (options.serverIdle). */
  private readonly idle: IdlePolicy | undefined;
  /** The servers that start on first use: what their cached tool list is stamped with, and the list. */
  private readonly onDemand = new Map<string, { stamp: ToolCacheStamp; tools?: Tool[]; written?: Tool[] }>();
  /** Calls waiting for a server to finish starting. */
  private readonly startWaiters = new Map<string, Set<() => void>>();
  /** Idle stops under way: a call waits for the old process to be gone before starting a new one. */
  private readonly idleStops = new Map<string, Promise<void>>();
  private endpoint: LocalEndpoint | undefined;
  private closed = false;

  private constructor(
    private readonly options: HubOptions,
    private readonly journal: TaskJournal,
    private readonly lock: DataDirLock,
    private readonly rootsStore: RootsStore,
  ) {
    this.batcher = new ChangeBatcher((batch) => this.broadcast(batch), options.batchLimits);
    this.book = new TaskBook({ maxRecords: options.maxTasksInMemory });
    this.tasks = new Tasks20251125({
      client: (server) => this.readyClient(server),
      emit: (id, event) => this.onTaskEvent(id, event),
      status: (id) => this.book.get(id)?.status,
      plainCallTimeoutMs: options.plainCallTimeoutMs,
      callStarted: (server) => this.idle?.callStarted(server),
      callEnded: (server) => this.idle?.callEnded(server),
    });
    this.idle =
      options.serverIdle && new IdlePolicy(options.serverIdle.stopAfterMs, (server) => this.stopIdle(server));
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
      hub = new Hub(options, opened.journal, lock, rootsStore);
      hub.book.restore(opened.records);
      hub.reportJournalDamage(opened);
      if (rootsStore.notice) hub.notify('warning', rootsStore.notice);
      await hub.loadServers();
      if (options.endpoint !== false) await hub.listen();
      if (options.startServers !== false)
        for (const supervisor of hub.supervisors.values())
          if (!supervisor.spec.disabled && !hub.onDemand.get(supervisor.spec.name)?.tools)
            void supervisor.start();
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
      notices: [...this.notices],
    });
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async startTool(request: StartTool): Promise<{ taskId: string }> {
    this.assertOpen();
    const supervisor = this.supervisor(request.server);
    if (!this.info(supervisor.snapshot()).tools.some((t) => t.name === request.tool)) {
      throw new Error(`Server ${request.server} has no tool "${request.tool}".`);
    }
    await this.startOnDemand(supervisor);
    if (!this.readyClient(request.server)) {
      const why = supervisor.snapshot().error;
      throw new Error(`Server ${request.server} is not ready${why ? `: ${why}` : '.'}`);
    }
    const call = {
      id: randomUUID(),
      server: request.server,
      tool: request.tool,
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
    return [...[...this.supervisors.values()].map((s) => this.info(s.snapshot())), ...this.brokenEntries];
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
    this.idle?.dispose();
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
    const cache = ToolCache.in(options.dataDir);
    const version = options.appInfo?.version ?? CLIENT_INFO.version;
    for (const spec of specs) {
      if (options.serverIdle && (spec.bundled || spec.stopWhenIdle)) {
        const stamp = await ToolCache.stampOf(spec, version);
        this.onDemand.set(spec.name, { stamp, tools: await cache.read(spec.name, stamp) });
      }
      const supervisor = new ServerSupervisor(
        spec,
        {
          configureClient: (client, server) => this.configureClient(client, server),
          onDisconnect: (server, reason) => this.tasks.onDisconnect(server, reason),
          onChange: (snapshot) => this.onServerChange(snapshot, cache),
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

  /**
   * A server that starts on first use reports `idle` while stopped with its cached tools;
   * while it starts, its cached tools stay listed.
   */
  private info(snapshot: ServerSnapshot): ServerInfo {
    const cached = this.onDemand.get(snapshot.name)?.tools;
    if (!cached) return toServerInfo(snapshot);
    const info = toServerInfo(snapshot.tools.length > 0 ? snapshot : { ...snapshot, tools: cached });
    return snapshot.status === 'stopped' && !snapshot.error ? { ...info, status: 'idle' } : info;
  }

  private onServerChange(snapshot: ServerSnapshot, cache: ToolCache): void {
    const { name, status } = snapshot;
    const demand = this.onDemand.get(name);
    if (demand && status === 'ready') {
      this.idle?.serverReady(name);
      // A new list from the server (its start, or list_changed): cache it for the next idle spell.
      if (snapshot.tools.length > 0 && snapshot.tools !== demand.written) {
        demand.written = snapshot.tools;
        if (JSON.stringify(snapshot.tools) !== JSON.stringify(demand.tools)) {
          demand.tools = snapshot.tools;
          // Only a cache: when it cannot be written the server is started to list its tools next time.
          cache.write(name, demand.stamp, snapshot.tools).catch(() => {});
        }
      }
    } else if (demand) this.idle?.serverDown(name);
    if (status !== 'starting') {
      for (const wake of this.startWaiters.get(name) ?? []) wake();
      this.startWaiters.delete(name);
    }
    this.batcher.server(this.info(snapshot));
  }

  private stopIdle(server: string): void {
    const supervisor = this.supervisors.get(server);
    if (!supervisor) return;
    const stopping = supervisor.stop().finally(() => this.idleStops.delete(server));
    this.idleStops.set(server, stopping);
  }

  /** A call to a server that starts on first use: start it (or wait for its start) first. */
  private async startOnDemand(supervisor: ServerSupervisor): Promise<void> {
    const { name } = supervisor.spec;
    if (!this.onDemand.has(name)) return;
    await this.idleStops.get(name);
    if (supervisor.status === 'ready' || supervisor.status === 'crashed') return;
    if (supervisor.status === 'stopped') {
      await supervisor.start(); // ends once the server is ready, or failed to start
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.options.startTimeoutMs ?? 20_000);
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      const waiters = this.startWaiters.get(name) ?? new Set();
      waiters.add(wake);
      this.startWaiters.set(name, waiters);
    });
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
      roots: this.roots().map((path) => ({ uri: pathToFileURL(path).href, name: path })),
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
   * call's task simply completes at once; on our runtime a task costs one request more than
   * a plain call, about 0.25 ms at p50 (bench/task-roundtrip). The hub never opens a user's
   * file to guess.
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

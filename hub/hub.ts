import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import {
  type HubEvent,
  type InputResponse,
  MAX_NOTICE_LENGTH,
  type Notice,
  type ServerInfo,
  type StartTool,
  type TaskDetail,
  type TaskSummary,
  type ToolInfo,
} from '../contract/api.js';
import { ControlInbox } from './control-inbox.js';
import { DataDirLock } from './data-dir-lock.js';
import { ChangeBatcher } from './events/change-batcher.js';
import type { HubApi } from './hub-api.js';
import { type JournalOpen, type JournalOptions, TaskJournal } from './journal/task-journal.js';
import { BUNDLED_LONG_CALL_ESTIMATORS } from './long-call-estimators.js';
import { RootsStore } from './roots-store.js';
import type { RestartPolicyOptions } from './servers/restart-policy.js';
import { loadServerConfig, type ServerSpec } from './servers/server-config.js';
import type { StopTimings } from './servers/server-process.js';
import { type ServerSnapshot, ServerSupervisor } from './servers/server-supervisor.js';
import { detail, isFinished, summarize, type TaskRecord } from './tasks/task-record.js';
import { type ChangeKind, TaskTracker } from './tasks/task-tracker.js';

export const BUNDLED_SERVERS = ['cloud-ops', 'analytics', 'dev-tools', 'knowledge'] as const;

/**
 * Decides whether a call to a tool with taskSupport `optional` is long enough to run as
 * a task. It sees the server's environment (data dir...) and the granted roots.
 */
export type LongCallEstimator = (
  args: Record<string, unknown>,
  context: { env: Record<string, string>; roots: string[] },
) => Promise<boolean>;

export interface HubOptions {
  dataDir: string;
  /** Where each server's stderr log goes; default `<dataDir>/logs` (the app passes the platform's logs folder). */
  logDir?: string;
  /** Folder holding the bundled servers' files (`<name>.js`). */
  bundledServersDir: string;
  /** Runtime for the bundled servers: Node, or Electron's own executable. */
  execPath?: string;
  /** Inside Electron: run `execPath` as plain Node. */
  electronRunAsNode?: boolean;
  /** Extra environment for every server (TASKDECK_TIME_SCALE passes through by default). */
  env?: Record<string, string>;
  /**
   * Per tool name of a bundled server: is this optional-task call long? Defaults to
   * BUNDLED_LONG_CALL_ESTIMATORS; a tool without an estimator runs as a task.
   */
  longCallEstimators?: Record<string, LongCallEstimator>;
  batchIntervalMs?: number;
  restartPolicy?: RestartPolicyOptions;
  stopTimings?: StopTimings;
  startTimeoutMs?: number;
  plainCallTimeoutMs?: number;
  journal?: JournalOptions;
  maxTasksInMemory?: number;
}

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
  private readonly tracker: TaskTracker;
  private readonly journaledAt = new Map<string, number>();
  private readonly notices: Notice[] = [];
  private inbox: ControlInbox | undefined;
  private closed = false;

  private constructor(
    private readonly options: HubOptions,
    private readonly journal: TaskJournal,
    private readonly lock: DataDirLock,
    private readonly rootsStore: RootsStore,
  ) {
    this.batcher = new ChangeBatcher((batch) => this.broadcast(batch), options.batchIntervalMs);
    this.tracker = new TaskTracker({
      client: (server) => this.readyClient(server),
      chooseMode: (server, tool, args) => this.chooseMode(server, tool, args),
      onChange: (record, kind) => this.onTaskChange(record, kind),
      onLog: (record, line) => this.batcher.log(record.id, line),
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
      hub = new Hub(options, opened.journal, lock, rootsStore);
      hub.tracker.restore(opened.records);
      hub.reportJournalDamage(opened);
      if (rootsStore.notice) hub.notify('warning', rootsStore.notice);
      await hub.loadServers();
      hub.inbox = await ControlInbox.open(options.dataDir, (taskId) => hub.cancelTask(taskId));
      for (const supervisor of hub.supervisors.values()) {
        if (!supervisor.spec.disabled) void supervisor.start();
      }
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
    const supervisor = this.supervisors.get(request.server);
    if (!supervisor) throw new Error(`Unknown server "${request.server}".`);
    if (!supervisor.snapshot().tools.some((t) => t.name === request.tool)) {
      throw new Error(`Server ${request.server} has no tool "${request.tool}".`);
    }
    const record = await this.tracker.start(request.server, request.tool, request.arguments);
    this.evictOldTasks();
    return { taskId: record.id };
  }

  cancelTask(taskId: string): Promise<void> {
    return this.tracker.cancel(taskId);
  }

  respondToInput(taskId: string, response: InputResponse): Promise<void> {
    return this.tracker.respond(taskId, response);
  }

  getTask(taskId: string): TaskDetail | undefined {
    const record = this.tracker.records.get(taskId);
    return record ? detail(record) : undefined;
  }

  listTasks(): TaskSummary[] {
    return [...this.tracker.records.values()].map(summarize);
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
    this.inbox?.close();
    // Before the servers stop, so these tasks read "interrupted", not "server stopped".
    this.tracker.interruptAll('Taskdeck quit while this task was running.');
    await Promise.all([...this.supervisors.values()].map((s) => s.stop()));
    this.batcher.flush();
    await this.journal.close(() => [...this.tracker.records.values()]);
    await this.lock.release();
  }

  private async loadServers(): Promise<void> {
    const { options } = this;
    const passThrough: Record<string, string> = {};
    for (const name of ['TASKDECK_TIME_SCALE', 'TASKDECK_KNOWLEDGE_DIR']) {
      const value = process.env[name];
      if (value !== undefined) passThrough[name] = value;
    }
    const baseEnv = { ...getDefaultEnvironment(), ...passThrough, ...options.env };
    const specs: ServerSpec[] = [];
    for (const name of BUNDLED_SERVERS) {
      const file = join(options.bundledServersDir, `${name}.js`);
      if (!existsSync(file)) continue;
      specs.push({
        name,
        command: options.execPath ?? process.execPath,
        args: [file],
        env: {
          // The guides ship two folders above the servers (out/servers → resources/knowledge).
          TASKDECK_KNOWLEDGE_DIR: resolve(options.bundledServersDir, '..', '..', 'resources', 'knowledge'),
          ...baseEnv,
          ...(options.electronRunAsNode && { ELECTRON_RUN_AS_NODE: '1' }),
          TASKDECK_DATA_DIR: options.dataDir,
        },
        disabled: false,
        bundled: true,
      });
    }
    const configPath = join(options.dataDir, 'servers.json');
    const user = await loadServerConfig(configPath, new Set(BUNDLED_SERVERS));
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
          onDisconnect: (server, reason) => this.tracker.onDisconnect(server, reason),
          onChange: (snapshot) => this.batcher.server(toServerInfo(snapshot)),
        },
        {
          logDir: options.logDir ?? join(options.dataDir, 'logs'),
          clientInfo: { name: 'taskdeck', version: '0.1.0' },
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
    this.tracker.configureClient(client, server);
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

  private async chooseMode(
    server: string,
    tool: string,
    args: Record<string, unknown>,
  ): Promise<'task' | 'plain'> {
    const supervisor = this.supervisors.get(server);
    const info = supervisor?.snapshot().tools.find((t) => t.name === tool);
    const support = info?.execution?.taskSupport ?? 'forbidden';
    if (support === 'forbidden') return 'plain';
    if (support === 'required') return 'task';
    const estimators = this.options.longCallEstimators ?? BUNDLED_LONG_CALL_ESTIMATORS;
    const estimate = supervisor?.spec.bundled ? estimators[tool] : undefined;
    if (!estimate) return 'task';
    try {
      return (await estimate(args, { env: supervisor?.spec.env ?? {}, roots: this.roots() }))
        ? 'task'
        : 'plain';
    } catch {
      // Could not tell (bad path...): a plain call reports the server's own clear error.
      return 'plain';
    }
  }

  private onTaskChange(record: TaskRecord, kind: ChangeKind): void {
    this.batcher.task(summarize(record));
    const now = Date.now();
    if (kind === 'progress' && now - (this.journaledAt.get(record.id) ?? 0) < JOURNAL_PROGRESS_MS) return;
    this.journaledAt.set(record.id, now);
    this.journal.write(record);
    if (isFinished(record.status)) {
      this.journaledAt.delete(record.id);
      void this.journal.flush(() => [...this.tracker.records.values()]);
    }
  }

  /** Keeps memory bounded: the oldest finished tasks leave memory (the journal trims alike). */
  private evictOldTasks(): void {
    const max = this.options.maxTasksInMemory ?? 2000;
    const records = this.tracker.records;
    if (records.size <= max) return;
    for (const [id, record] of records) {
      if (records.size <= max) break;
      if (isFinished(record.status)) records.delete(id);
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

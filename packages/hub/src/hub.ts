import { randomUUID } from 'node:crypto';
import { mkdir, realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ListRootsRequestSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import {
  type AddRemoteServer,
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
import type { CallbackPage } from './auth/callback-page.js';
import { CredentialStore, type Sealer } from './auth/credential-store.js';
import { SignIns } from './auth/sign-ins.js';
import { DataDirLock } from './data-dir-lock.js';
import { LocalEndpoint } from './endpoint/local-endpoint.js';
import { type BatchLimits, ChangeBatcher } from './events/change-batcher.js';
import type { HubApi } from './hub-api.js';
import { type JournalOpen, type JournalOptions, TaskJournal } from './journal/task-journal.js';
import { RootsStore } from './roots-store.js';
import type { HttpConnectionOptions } from './servers/http-connection.js';
import { IdlePolicy } from './servers/idle-policy.js';
import type { RestartPolicyOptions } from './servers/restart-policy.js';
import { parseServerConfig, type RemoteServerSpec, type ServerSpec } from './servers/server-config.js';
import { loadServerList, type ServerList } from './servers/server-list.js';
import type { StopTimings } from './servers/server-process.js';
import { type ServerSnapshot, ServerSupervisor } from './servers/server-supervisor.js';
import { ServersFile } from './servers/servers-file.js';
import { ToolCache, type ToolCacheStamp } from './servers/tool-cache.js';
import { TaskBook } from './tasks/task-book.js';
import type { ChangeKind, TaskEvent } from './tasks/task-events.js';
import { isFinished } from './tasks/task-record.js';
import { Tasks20251125 } from './tasks/tasks-2025-11-25.js';

export interface HubOptions {
  dataDir: string;
  /** Who runs this hub (its clients ask with appInfo); default: the CLI. */
  appInfo?: AppInfo;
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
  /** Remote servers: the SDK's stream resumption (sign-in is `auth`'s). */
  http?: Omit<HttpConnectionOptions, 'auth'>;
  /** Signing in to remote servers (OAuth 2.1). */
  auth?: HubAuthOptions;
  stopTimings?: StopTimings;
  startTimeoutMs?: number;
  plainCallTimeoutMs?: number;
  journal?: JournalOptions;
}

export interface HubAuthOptions {
  /**
   * Seals the credentials file (Electron: `safeStorage`); without one it is JSON only its owner
   * may read. Either way it is `<dataDir>/auth/credentials.json`.
   */
  sealer?: Sealer;
  /**
   * The host serves the sign-in redirect itself (the web host's `/oauth/callback`) and hands it
   * to `completeSignIn`; without one each sign-in listens on a loopback port of its own.
   */
  callbackPage?: () => string | undefined;
  /** An https URL where this client's metadata document is published (SEP-991). */
  clientMetadataUrl?: string;
  /** A sign-in not finished in the browser is given up after this long (default 10 minutes). */
  signInTimeoutMs?: number;
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
  /** Servers the user stopped: they do not start on first use until started again. */
  private readonly stoppedByUser = new Set<string>();
  private readonly notices: Notice[] = [];
  private readonly signIns: SignIns;
  private serversFile: ServersFile | undefined;
  private bundledNames: ReadonlySet<string> = new Set();
  /** Stops idle servers that start on first use (options.serverIdle). */
  private readonly idle: IdlePolicy | undefined;
  /** The servers that start on first use: what their cached tool list is stamped with, and the list. */
  private readonly onDemand = new Map<string, { stamp: ToolCacheStamp; tools?: Tool[]; written?: Tool[] }>();
  /** Calls waiting for a server's start to end: each wakes on the first change it accepts. */
  private readonly startWaiters = new Map<string, Set<(snapshot: ServerSnapshot) => boolean>>();
  /** Idle stops under way: a call waits for the old process to be gone before starting a new one. */
  private readonly idleStops = new Map<string, Promise<void>>();
  /** The tool lists of the servers that start on first use, in the data dir. */
  private readonly toolCache: ToolCache;
  private endpoint: LocalEndpoint | undefined;
  private closed = false;

  private constructor(
    private readonly options: HubOptions,
    private readonly journal: TaskJournal,
    private readonly lock: DataDirLock,
    private readonly rootsStore: RootsStore,
    credentials: CredentialStore,
    private readonly appFolders: readonly AppFolder[],
  ) {
    this.batcher = new ChangeBatcher((batch) => this.broadcast(batch), options.batchLimits);
    this.signIns = new SignIns({
      store: credentials,
      callbackPage: options.auth?.callbackPage,
      clientMetadataUrl: options.auth?.clientMetadataUrl,
      timeoutMs: options.auth?.signInTimeoutMs,
      note: (server, line) => this.supervisors.get(server)?.note(line),
      changed: (server) => this.serverChanged(server),
      signedIn: (server) => {
        const supervisor = this.supervisors.get(server);
        if (supervisor?.status === 'needs_sign_in') void supervisor.start();
      },
    });
    this.book = new TaskBook();
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
    this.toolCache = ToolCache.in(options.dataDir);
  }

  static async start(options: HubOptions): Promise<Hub> {
    // Owner-only when new: the history holds arguments and results, uploads the user's files.
    await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
    const lock = await DataDirLock.acquire(options.dataDir);
    try {
      const servers = await loadServerList(options);
      // A task running on a remote server when Taskdeck stopped is followed again by its id.
      const remote = new Set(
        servers.specs.filter((spec) => spec.transport !== 'stdio' && !spec.disabled).map((spec) => spec.name),
      );
      let hub: Hub | undefined;
      /** Problems met before the hub exists to report them. */
      const beforeStart: string[] = [];
      const opened = await TaskJournal.open(options.dataDir, {
        ...options.journal,
        resumable: (record) =>
          record.mode === 'task' && record.mcpTaskId !== undefined && remote.has(record.server),
        onWriteError: (error) => {
          const message = `The task history could not be written to ${TaskJournal.pathIn(options.dataDir)} (${error.message}). The tasks still show here; they are written in full once writing works again.`;
          if (hub) hub.notify('error', message);
          else beforeStart.push(message);
        },
      });
      const rootsStore = await RootsStore.open(options.dataDir);
      const credentials = await CredentialStore.open(
        join(options.dataDir, 'auth', 'credentials.json'),
        options.auth?.sealer,
      );
      hub = new Hub(
        options,
        opened.journal,
        lock,
        rootsStore,
        credentials,
        await openAppFolders(options.dataDir),
      );
      hub.book.restore(opened.records);
      hub.reportJournalDamage(opened);
      for (const message of beforeStart) hub.notify('error', message);
      if (rootsStore.notice) hub.notify('warning', rootsStore.notice);
      if (credentials.notice) hub.notify('warning', credentials.notice);
      await hub.readToolCaches(servers.specs);
      hub.useServers(servers);
      await hub.listen();
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
      appFolders: [...this.appFolders],
      notices: [...this.notices],
    });
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async startTool(request: StartTool): Promise<{ taskId: string }> {
    this.assertOpen();
    const supervisor = this.supervisor(request.server);
    const tool = this.serverInfo(supervisor).tools.find((t) => t.name === request.tool);
    if (!tool) throw new Error(`Server ${request.server} has no tool "${request.tool}".`);
    await this.startOnDemand(supervisor);
    if (!this.readyClient(request.server)) {
      const snapshot = supervisor.snapshot();
      const why = snapshot.error ?? snapshot.lastCrash?.reason;
      throw new Error(`Server ${request.server} is not ready${why ? `: ${why}` : '.'}`);
    }
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
    return [...[...this.supervisors.values()].map((s) => this.serverInfo(s)), ...this.brokenEntries];
  }

  async startServer(name: string): Promise<void> {
    this.assertOpen();
    const supervisor = this.supervisor(name);
    this.stoppedByUser.delete(name);
    await supervisor.start();
  }

  async stopServer(name: string): Promise<void> {
    const supervisor = this.supervisor(name);
    // Stopped on purpose: it stays stopped (no start on first use) until started again.
    this.stoppedByUser.add(name);
    await supervisor.stop();
    this.serverChanged(name);
  }

  async restartServer(name: string): Promise<void> {
    this.assertOpen();
    const supervisor = this.supervisor(name);
    this.stoppedByUser.delete(name);
    await supervisor.restart();
  }

  async addServer(request: AddRemoteServer): Promise<void> {
    this.assertOpen();
    const { name } = request;
    if (this.supervisors.has(name) || this.brokenEntries.some((entry) => entry.name === name))
      throw new Error(`There is already a server named "${name}".`);
    const headers = request.headers ?? {};
    const entry = {
      type: request.type ?? 'http',
      url: request.url,
      ...(Object.keys(headers).length > 0 && { headers }),
    };
    const file = this.serversFile as ServersFile;
    // Checked as the file is read at every start, so what is written is what runs.
    const parsed = parseServerConfig({ mcpServers: { [name]: entry } }, file.path, this.bundledNames);
    const spec = parsed.servers[0];
    if (!spec) throw new Error(parsed.errors[0]?.message ?? `Server "${name}" cannot be added.`);
    await file.add(name, entry);
    const supervisor = this.addSupervisor(spec);
    this.batcher.server(this.serverInfo(supervisor));
    void supervisor.start();
  }

  async signIn(name: string): Promise<{ authorizationUrl: string }> {
    this.assertOpen();
    return this.signIns.begin(this.remoteSpec(name));
  }

  async signOut(name: string): Promise<void> {
    this.assertOpen();
    const spec = this.remoteSpec(name);
    await this.signIns.signOut(spec);
    const supervisor = this.supervisor(name);
    if (supervisor.status !== 'stopped' && supervisor.status !== 'crashed')
      await supervisor.awaitSignIn(`Signed out of ${name}: sign in to use it again.`);
  }

  async completeSignIn(params: URLSearchParams): Promise<CallbackPage> {
    return (await this.signIns.receive(params)).page;
  }

  async removeServer(name: string): Promise<void> {
    this.assertOpen();
    const supervisor = this.supervisors.get(name);
    if (supervisor?.spec.bundled) throw new Error(`"${name}" is a bundled server; it cannot be removed.`);
    const broken = this.brokenEntries.findIndex((entry) => entry.name === name);
    if (!supervisor && broken === -1) throw new Error(`Unknown server "${name}".`);
    const file = this.serversFile as ServersFile;
    if (!(await file.remove(name)) && !supervisor) throw new Error(`${file.path} has no entry "${name}".`);
    if (supervisor) {
      this.supervisors.delete(name);
      await supervisor.stop();
      await this.signIns.forget(name);
    } else this.brokenEntries.splice(broken, 1);
    this.batcher.serverRemoved(name);
  }

  rootsIntact(): boolean {
    return this.rootsStore.notice === undefined;
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
    const granted = this.roots().includes(path);
    try {
      if (await this.rootsStore.remove(path)) this.rootsChanged();
    } catch (error) {
      // Revoked in memory all the same: the servers must stop reading it now.
      if (granted) this.rootsChanged();
      throw new Error(
        `${path} is revoked for now, but the change could not be saved (${(error as Error).message}): it is granted again when Taskdeck restarts.`,
      );
    }
    return this.roots();
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.endpoint?.close().catch(() => {});
    this.signIns.close();
    // Before the servers stop, so these tasks read "interrupted", not "server stopped"; a remote
    // server's tasks stay running, to be followed again at the next start.
    this.tasks.interruptAll('Taskdeck quit while this task was running.', (server) => this.isRemote(server));
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
      this.endpoint = await LocalEndpoint.start({
        hub: this,
        dataDir: this.options.dataDir,
        appInfo,
        log: (message) => process.stderr.write(`taskdeck: ${message}\n`),
      });
    } catch (error) {
      process.stderr.write(
        `taskdeck: the local endpoint could not start (the CLI cannot reach this Taskdeck): ${(error as Error).message}\n`,
      );
    }
  }

  private useServers(servers: ServerList): void {
    for (const problem of servers.problems) this.notify('error', problem);
    this.serversFile = new ServersFile(servers.configPath);
    this.bundledNames = servers.bundledNames;
    this.brokenEntries.push(...servers.broken);
    for (const spec of servers.specs) this.addSupervisor(spec);
    for (const id of this.book.running()) {
      const record = this.book.get(id);
      if (!record?.mcpTaskId) continue;
      this.tasks.adopt(
        { id, server: record.server, tool: record.tool, arguments: record.arguments, mode: 'task' },
        record.mcpTaskId,
        record.connectionLost?.reason ?? `Taskdeck restarted while this task ran on server ${record.server}.`,
      );
    }
  }

  private addSupervisor(spec: ServerSpec): ServerSupervisor {
    const { options } = this;
    const supervisor: ServerSupervisor = new ServerSupervisor(
      spec,
      {
        configureClient: (client, server) => this.configureClient(client, server),
        onDisconnect: (server, reason, how) => this.tasks.onDisconnect(server, reason, how),
        onConnected: (server) => this.tasks.resume(server),
        onChange: (snapshot) => {
          // A removed server's last words (its stop) are not news.
          if (this.supervisors.get(spec.name) === supervisor) this.onServerChange(supervisor, snapshot);
        },
      },
      {
        logDir: options.logDir ?? join(options.dataDir, 'logs'),
        clientInfo: CLIENT_INFO,
        capabilities: { roots: { listChanged: true }, elicitation: { form: {} } },
        restartPolicy: options.restartPolicy,
        stopTimings: options.stopTimings,
        startTimeoutMs: options.startTimeoutMs,
        http: { ...options.http, auth: (remote) => this.signIns.connection(remote) },
      },
    );
    this.supervisors.set(spec.name, supervisor);
    return supervisor;
  }

  /**
   * A server that starts on first use reports `idle` while stopped with its cached tools;
   * while it starts, its cached tools stay listed.
   */
  private serverInfo(supervisor: ServerSupervisor, snapshot = supervisor.snapshot()): ServerInfo {
    const { spec } = supervisor;
    const cached = this.onDemand.get(spec.name)?.tools;
    const info = toServerInfo(
      cached && snapshot.tools.length === 0 ? { ...snapshot, tools: cached } : snapshot,
    );
    if (cached && snapshot.status === 'stopped' && !snapshot.error && !this.stoppedByUser.has(spec.name))
      return { ...info, status: 'idle' };
    const auth = spec.transport === 'stdio' ? undefined : this.signIns.info(spec);
    return auth ? { ...info, auth } : info;
  }

  private serverChanged(name: string): void {
    const supervisor = this.supervisors.get(name);
    if (supervisor) this.batcher.server(this.serverInfo(supervisor));
  }

  private remoteSpec(name: string): RemoteServerSpec {
    const { spec } = this.supervisor(name);
    if (spec.transport === 'stdio')
      throw new Error(`Server ${name} runs on this machine: it has no sign-in.`);
    return spec;
  }

  private isRemote(server: string): boolean {
    const transport = this.supervisors.get(server)?.spec.transport;
    return transport !== undefined && transport !== 'stdio';
  }

  /**
   * With `serverIdle`, the bundled child servers (and user ones with `stopWhenIdle`) start on
   * first use: their cached tool lists, when still valid, are read before they are supervised.
   */
  private async readToolCaches(specs: ServerSpec[]): Promise<void> {
    if (!this.options.serverIdle) return;
    const version = this.options.appInfo?.version ?? CLIENT_INFO.version;
    for (const spec of specs) {
      if (spec.transport !== 'stdio' || !(spec.bundled || spec.stopWhenIdle)) continue;
      const stamp = await ToolCache.stampOf(spec, version);
      this.onDemand.set(spec.name, { stamp, tools: await this.toolCache.read(spec.name, stamp) });
    }
  }

  /** Runs at every change of a server, each line of its stderr included: one snapshot serves all. */
  private onServerChange(supervisor: ServerSupervisor, snapshot: ServerSnapshot): void {
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
          this.toolCache.write(name, demand.stamp, snapshot.tools).catch(() => {});
        }
      }
    } else if (demand) this.idle?.serverDown(name);
    for (const wake of this.startWaiters.get(name) ?? [])
      if (wake(snapshot)) this.startWaiters.get(name)?.delete(wake);
    this.batcher.server(this.serverInfo(supervisor, snapshot));
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
    if (!this.onDemand.has(name) || this.stoppedByUser.has(name)) return;
    await this.idleStops.get(name);
    if (supervisor.status === 'ready' || supervisor.status === 'crashed') return;
    if (supervisor.status === 'stopped') {
      await supervisor.start(); // ends once the server is ready, or its start failed
      // A failed start is explained by the change that follows (its exit, its error).
      if (supervisor.snapshot().status === 'starting') await this.nextChange(name, () => true);
      return;
    }
    await this.nextChange(name, (snapshot) => snapshot.status !== 'starting');
  }

  /** Resolves on the server's first change that `accept`s, or after the start timeout. */
  private nextChange(name: string, accept: (snapshot: ServerSnapshot) => boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.options.startTimeoutMs ?? 20_000);
      const waiters = this.startWaiters.get(name) ?? new Set();
      waiters.add((snapshot) => {
        if (!accept(snapshot)) return false;
        clearTimeout(timer);
        resolve();
        return true;
      });
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
    // The user's folders are named to local servers only: a remote one cannot read them, and
    // their paths are nobody else's business.
    client.setRequestHandler(ListRootsRequestSchema, () => ({
      // Remote servers are not told the user's folders (they are paths on this machine).
      roots: this.isRemote(server)
        ? []
        : [
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
      if (supervisor.spec.transport === 'stdio') supervisor.client?.sendRootsListChanged().catch(() => {});
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

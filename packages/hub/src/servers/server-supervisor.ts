import { createWriteStream, mkdirSync, renameSync, statSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  type ClientCapabilities,
  type Tool,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { Connection, ConnectionEnd, ConnectionEvents } from './connection.js';
import { displayUrl, HttpConnection, type HttpConnectionOptions } from './http-connection.js';
import { LazySchemaValidator } from './lazy-schema-validator.js';
import { LineRing } from './line-ring.js';
import { RestartPolicy, type RestartPolicyOptions } from './restart-policy.js';
import type { ServerSpec } from './server-config.js';
import type { StopTimings } from './server-process.js';
import { StdioConnection } from './stdio-connection.js';

/**
 * `reconnecting`: a remote server's connection was lost and is being made again (its tasks
 * still run there); `needs_sign_in`: the server answered 401 and waits for the user.
 */
export type ServerStatus = 'starting' | 'ready' | 'reconnecting' | 'needs_sign_in' | 'crashed' | 'stopped';

export interface ServerSnapshot {
  name: string;
  bundled: boolean;
  transport: ServerSpec['transport'];
  /** A remote server's URL, without credentials or query. */
  url?: string;
  status: ServerStatus;
  pid?: number;
  startedAt?: number;
  restarts: number;
  tools: Tool[];
  /** A child's stderr, and the supervisor's notes about the connection ("[taskdeck] …"). */
  stderrTail: string[];
  /** Why the server is not ready: the crash reason, a config or start error. */
  error?: string;
  lastCrash?: { reason: string; at: number };
}

export interface Disconnect {
  /** The server's tasks still run there (a remote server) … */
  tasksOutlive: boolean;
  /** … and the supervisor is connecting again: follow them once `onConnected` says so. */
  retrying: boolean;
}

export interface SupervisorHooks {
  /** Installs notification and request handlers on each new client before it connects. */
  configureClient(client: Client, server: string): void;
  /**
   * The connection is gone (crash, stop, broken connection, lost remote endpoint): work in
   * flight on it must end with this reason, except tasks that outlive it while it is retried.
   */
  onDisconnect(server: string, reason: string, how: Disconnect): void;
  /** The server is ready (again): tasks that outlived a lost connection can be followed again. */
  onConnected(server: string): void;
  onChange(snapshot: ServerSnapshot): void;
}

export interface SupervisorOptions {
  logDir: string;
  clientInfo: { name: string; version: string };
  capabilities: ClientCapabilities;
  /** For a child's crashes; a remote server's lost connections use it over REMOTE_RESTART_POLICY. */
  restartPolicy?: RestartPolicyOptions;
  stopTimings?: StopTimings;
  /** How long a server may take to answer `initialize` and `tools/list`. */
  startTimeoutMs?: number;
  http?: HttpConnectionOptions;
}

/** A remote server may be away for a while (a deploy, a restart): keep trying for about two minutes. */
export const REMOTE_RESTART_POLICY: RestartPolicyOptions = { maxCrashes: 10, windowMs: 10 * 60_000 };

const STDERR_TAIL_IN_SNAPSHOT = 40;
const LOG_ROTATE_BYTES = 5 * 1024 * 1024;

/**
 * Keeps one MCP server connected, whatever the connection: a child process over stdio or a
 * remote endpoint over Streamable HTTP (connection.ts). Connects an SDK client, lists its
 * tools, keeps a log (ring buffer + file) of the child's stderr and of connection events,
 * connects again after a crash or a lost connection with exponential backoff, and gives up
 * after a crash loop (status `crashed` with the last lines) until the user restarts it.
 */
export class ServerSupervisor {
  status: ServerStatus = 'stopped';
  client: Client | undefined;
  private connection: Connection | undefined;
  private restarts = 0;
  private startedAt: number | undefined;
  private tools: Tool[] = [];
  private error: string | undefined;
  private lastCrash: { reason: string; at: number } | undefined;
  /** A remote connection was lost: the next attempts show as `reconnecting`. */
  private lost = false;
  private readonly stderr = new LineRing(500);
  private readonly policy: RestartPolicy;
  private restartTimer: NodeJS.Timeout | undefined;
  private log: WriteStream | undefined;

  constructor(
    readonly spec: ServerSpec,
    private readonly hooks: SupervisorHooks,
    private readonly options: SupervisorOptions,
  ) {
    this.policy = new RestartPolicy(
      spec.transport === 'stdio'
        ? options.restartPolicy
        : { ...REMOTE_RESTART_POLICY, ...options.restartPolicy },
    );
  }

  snapshot(): ServerSnapshot {
    const live = this.status !== 'stopped' && this.status !== 'crashed' && this.status !== 'needs_sign_in';
    return {
      name: this.spec.name,
      bundled: this.spec.bundled,
      transport: this.spec.transport,
      ...(this.spec.transport !== 'stdio' && { url: displayUrl(this.spec.url) }),
      status: this.status,
      ...(this.connection?.pid !== undefined && live && { pid: this.connection.pid }),
      ...(this.startedAt !== undefined && this.status === 'ready' && { startedAt: this.startedAt }),
      restarts: this.restarts,
      tools: this.tools,
      stderrTail: this.stderr.tail(STDERR_TAIL_IN_SNAPSHOT),
      ...(this.error && { error: this.error }),
      ...(this.lastCrash && { lastCrash: this.lastCrash }),
    };
  }

  /** Starts the server (the user's start or restart also clears the crash count). */
  async start(): Promise<void> {
    if (this.status === 'starting' || this.status === 'ready' || this.status === 'reconnecting') return;
    this.policy.reset();
    this.lost = false;
    await this.launch();
  }

  async stop(): Promise<void> {
    await this.close(false);
  }

  /** The user's restart: a remote server's tasks are followed again once it is back. */
  async restart(): Promise<void> {
    await this.close(true);
    this.error = undefined;
    await this.start();
  }

  /**
   * The user signed out: the connection ends and the server waits for a new sign-in, its tasks
   * with it (followed again once it is back).
   */
  async awaitSignIn(reason: string): Promise<void> {
    await this.close(true, 'needs_sign_in');
    this.error = reason;
    this.note(reason);
  }

  /** A line in the server's log about its connection (sign-in), as `[taskdeck] …`. */
  note(line: string): void {
    this.openLog();
    this.appendLog(`[taskdeck] ${line}`);
  }

  private async close(restarting: boolean, then: 'stopped' | 'needs_sign_in' = 'stopped'): Promise<void> {
    clearTimeout(this.restartTimer);
    const connection = this.connection;
    this.connection = undefined;
    // A server waiting for sign-in has no connection, but its tasks wait with it.
    const wasLive =
      this.status === 'starting' ||
      this.status === 'ready' ||
      this.status === 'reconnecting' ||
      this.status === 'needs_sign_in';
    this.setStatus(then);
    if (wasLive)
      this.hooks.onDisconnect(
        this.spec.name,
        `Server ${this.spec.name} was ${then === 'needs_sign_in' ? 'signed out of' : restarting ? 'restarted' : 'stopped'}.`,
        {
          tasksOutlive: connection?.tasksOutlive ?? this.spec.transport !== 'stdio',
          retrying: restarting,
        },
      );
    this.client = undefined;
    await connection?.close();
    this.log?.end();
    this.log = undefined;
  }

  private async launch(): Promise<void> {
    this.error = undefined;
    this.tools = [];
    this.client = undefined;
    this.setStatus(this.lost ? 'reconnecting' : 'starting');
    this.openLog();
    let connection: Connection | undefined;
    const events = this.eventsFor(() => connection);
    try {
      connection = this.openConnection(events);
    } catch (error) {
      // The system refused the spawn itself (a NUL byte in the command, args or env): no retry helps.
      const what = this.spec.transport === 'stdio' ? this.spec.command : displayUrl(this.spec.url);
      this.error = `could not start "${what}": ${(error as Error).message}`;
      this.appendLog(`[taskdeck] ${this.error}`);
      this.setStatus('crashed');
      return;
    }
    this.connection = connection;
    const timeout = this.options.startTimeoutMs ?? 20_000;
    let client: Client;
    try {
      client = await connection.connect(() => this.newClient(() => connection), timeout);
    } catch {
      return; // `ended` says what happened and what follows
    }
    if (this.connection !== connection) return;
    this.client = client;
    try {
      await this.refreshTools(client, connection);
    } catch (error) {
      if (this.connection === connection)
        connection.fail(`did not complete the MCP handshake: ${(error as Error).message}`, error);
      return;
    }
    if (this.connection !== connection) return;
    this.startedAt = Date.now();
    this.lost = false;
    this.setStatus('ready');
    this.hooks.onConnected(this.spec.name);
  }

  private openConnection(events: ConnectionEvents): Connection {
    if (this.spec.transport === 'stdio')
      return new StdioConnection(this.spec, events, this.options.stopTimings);
    return new HttpConnection(this.spec, events, this.options.http);
  }

  private newClient(current: () => Connection | undefined): Client {
    const client = new Client(this.options.clientInfo, {
      capabilities: this.options.capabilities,
      jsonSchemaValidator: new LazySchemaValidator(),
    });
    this.hooks.configureClient(client, this.spec.name);
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      const connection = current();
      if (connection) this.refreshTools(client, connection).catch(() => {});
    });
    return client;
  }

  /** What one connection reports; anything from a connection no longer current is ignored. */
  private eventsFor(connection: () => Connection | undefined): ConnectionEvents {
    const current = () => connection() !== undefined && connection() === this.connection;
    return {
      output: (text) => this.onOutput(text),
      note: (line) => this.appendLog(`[taskdeck] ${line}`),
      broken: (reason) => {
        if (!current() || this.status !== 'ready') return;
        this.client = undefined;
        this.hooks.onDisconnect(this.spec.name, reason, {
          tasksOutlive: connection()?.tasksOutlive ?? false,
          retrying: true,
        });
      },
      ended: (end) => {
        if (current()) this.onEnded(connection() as Connection, end);
      },
    };
  }

  private async refreshTools(client: Client, connection: Connection): Promise<void> {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined, {
        timeout: this.options.startTimeoutMs ?? 20_000,
      });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    if (connection !== this.connection) return;
    this.tools = tools;
    this.emit();
  }

  /** The connection is gone: the restart policy says whether and when to connect again. */
  private onEnded(connection: Connection, end: ConnectionEnd): void {
    const { reason } = end;
    const wasReady = this.status === 'ready';
    this.client = undefined;
    const error = end.startError ?? reason;
    if (end.next === 'sign-in') {
      // Not a crash: the server waits for the user, and a remote server's tasks wait with it
      // (followed again once signed in).
      this.error = error;
      this.setStatus('needs_sign_in');
      this.tellDisconnect(connection, reason, connection.tasksOutlive);
      return;
    }
    this.lastCrash = { reason, at: Date.now() };
    const decision = this.policy.onCrash(Date.now());
    if (decision.action === 'give-up') {
      this.error = `${error} (${connection.tasksOutlive ? 'failed' : 'crashed'} ${decision.crashes} times in a row; restart it when fixed)`;
      this.setStatus('crashed');
      this.tellDisconnect(connection, reason, false);
      return;
    }
    this.error = error;
    if (connection.tasksOutlive && wasReady) this.lost = true;
    this.setStatus(this.lost ? 'reconnecting' : 'starting');
    this.tellDisconnect(connection, reason, true);
    const delayMs = end.next === 'retry-now' ? 0 : decision.delayMs;
    if (connection.tasksOutlive) this.appendLog(`[taskdeck] connecting again in ${formatDelay(delayMs)}`);
    this.restartTimer = setTimeout(() => {
      if (this.connection !== connection) return;
      this.restarts++;
      void this.launch();
    }, delayMs);
  }

  private tellDisconnect(connection: Connection, reason: string, retrying: boolean): void {
    this.hooks.onDisconnect(this.spec.name, reason, { tasksOutlive: connection.tasksOutlive, retrying });
  }

  private onOutput(text: string): void {
    this.stderr.push(text);
    this.log?.write(text);
    this.emit();
  }

  private appendLog(line: string): void {
    this.stderr.push(`${line}\n`);
    this.log?.write(`${new Date().toISOString()} ${line}\n`);
    this.emit();
  }

  private openLog(): void {
    if (this.log) return;
    const path = join(this.options.logDir, `${this.spec.name}.log`);
    try {
      mkdirSync(this.options.logDir, { recursive: true });
    } catch (error) {
      // The server runs without its log file; its last lines still show.
      this.stderr.push(`[taskdeck] cannot write its log ${path}: ${(error as Error).message}\n`);
      return;
    }
    try {
      if (statSync(path).size > LOG_ROTATE_BYTES) renameSync(path, `${path}.1`);
    } catch {
      // No log yet.
    }
    this.log = createWriteStream(path, { flags: 'a' });
    this.log.on('error', () => {
      this.log = undefined;
    });
  }

  private setStatus(status: ServerStatus): void {
    this.status = status;
    this.emit();
  }

  private emit(): void {
    this.hooks.onChange(this.snapshot());
  }
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

import { createWriteStream, mkdirSync, renameSync, statSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  type ClientCapabilities,
  type Tool,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { ChildStdioTransport } from './child-stdio-transport.js';
import { LazySchemaValidator } from './lazy-schema-validator.js';
import { LineRing } from './line-ring.js';
import { RestartPolicy, type RestartPolicyOptions } from './restart-policy.js';
import type { ServerSpec } from './server-config.js';
import {
  DEFAULT_STOP_TIMINGS,
  describeExit,
  type ExitInfo,
  ServerProcess,
  type StopTimings,
} from './server-process.js';

export type ServerStatus = 'starting' | 'ready' | 'crashed' | 'stopped';

export interface ServerSnapshot {
  name: string;
  bundled: boolean;
  status: ServerStatus;
  pid?: number;
  startedAt?: number;
  restarts: number;
  tools: Tool[];
  stderrTail: string[];
  /** Why the server is not ready: the crash reason, a config or start error. */
  error?: string;
  lastCrash?: { reason: string; at: number };
}

export interface SupervisorHooks {
  /** Installs notification and request handlers on each new client before it connects. */
  configureClient(client: Client, server: string): void;
  /**
   * The connection is gone (crash, stop, broken connection): work in flight on it must end,
   * with this reason. Called whenever a ready server's connection closes.
   */
  onDisconnect(server: string, reason: string): void;
  onChange(snapshot: ServerSnapshot): void;
}

export interface SupervisorOptions {
  logDir: string;
  clientInfo: { name: string; version: string };
  capabilities: ClientCapabilities;
  restartPolicy?: RestartPolicyOptions;
  stopTimings?: StopTimings;
  /** How long a server may take to answer `initialize` and `tools/list`. */
  startTimeoutMs?: number;
}

const STDERR_TAIL_IN_SNAPSHOT = 40;
const LOG_ROTATE_BYTES = 5 * 1024 * 1024;
/** After its connection closes, how long a server may take to exit before it is stopped. */
const EXIT_AFTER_CLOSE_MS = 1000;
/** Routine log lines (`[name] info: ready`, `DEBUG …`): never the explanation of a crash. */
const ROUTINE_LINE = /^\s*(?:\[[^\]]*\]\s*)?(?:info|debug)\b/i;

/**
 * Keeps one MCP server running: spawns it in its own process group, connects an SDK
 * client over its stdio, lists its tools, captures stderr (ring buffer + log file),
 * restarts it after a crash with exponential backoff and gives up after a crash loop
 * (status `crashed` with the last stderr lines) until the user restarts it.
 */
export class ServerSupervisor {
  status: ServerStatus = 'stopped';
  client: Client | undefined;
  private process: ServerProcess | undefined;
  private restarts = 0;
  private startedAt: number | undefined;
  private tools: Tool[] = [];
  private error: string | undefined;
  private lastCrash: { reason: string; at: number } | undefined;
  private readonly stderr = new LineRing(500);
  private readonly policy: RestartPolicy;
  private restartTimer: NodeJS.Timeout | undefined;
  private log: WriteStream | undefined;
  /** Why the current process's connection was dropped while it still ran, if it was. */
  private connectionFailure: string | undefined;
  /** Bumped on every start/stop so late events of an old process are ignored. */
  private generation = 0;

  constructor(
    readonly spec: ServerSpec,
    private readonly hooks: SupervisorHooks,
    private readonly options: SupervisorOptions,
  ) {
    this.policy = new RestartPolicy(options.restartPolicy);
  }

  snapshot(): ServerSnapshot {
    return {
      name: this.spec.name,
      bundled: this.spec.bundled,
      status: this.status,
      ...(this.process?.pid !== undefined &&
        this.status !== 'stopped' &&
        this.status !== 'crashed' && { pid: this.process.pid }),
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
    if (this.status === 'starting' || this.status === 'ready') return;
    this.policy.reset();
    await this.launch();
  }

  async stop(): Promise<void> {
    this.generation++;
    clearTimeout(this.restartTimer);
    const proc = this.process;
    const wasLive = this.status === 'starting' || this.status === 'ready';
    this.setStatus('stopped');
    if (wasLive) this.hooks.onDisconnect(this.spec.name, `Server ${this.spec.name} was stopped.`);
    await this.client?.close().catch(() => {});
    this.client = undefined;
    if (proc) await proc.stop(this.options.stopTimings ?? DEFAULT_STOP_TIMINGS);
    this.log?.end();
    this.log = undefined;
  }

  async restart(): Promise<void> {
    await this.stop();
    this.error = undefined;
    await this.start();
  }

  private async launch(): Promise<void> {
    const generation = ++this.generation;
    this.error = undefined;
    this.connectionFailure = undefined;
    this.tools = [];
    this.setStatus('starting');
    this.openLog();
    const proc = new ServerProcess({
      command: this.spec.command,
      args: this.spec.args,
      env: this.spec.env,
      cwd: this.spec.cwd,
    });
    this.process = proc;
    // This process's own stderr explains its exit; the shared ring spans restarts.
    const ownStderr = new LineRing(100);
    proc.child.stderr.on('data', (chunk: Buffer) => this.onStderr(chunk, ownStderr));
    void proc.exited.then((info) => this.onExit(generation, proc, info, ownStderr));

    const client = new Client(this.options.clientInfo, {
      capabilities: this.options.capabilities,
      jsonSchemaValidator: new LazySchemaValidator(),
    });
    this.hooks.configureClient(client, this.spec.name);
    client.setNotificationHandler(
      ToolListChangedNotificationSchema,
      () => void this.refreshTools(client, generation),
    );
    const transport = new ChildStdioTransport(proc.child.stdin, proc.child.stdout);
    transport.onerror = (error) => this.appendLog(`[taskdeck] ${error.message}`);
    client.onerror = (error) => this.appendLog(`[taskdeck] ${error.message}`);
    client.onclose = () => void this.onConnectionClosed(generation, proc, transport);
    const timeout = this.options.startTimeoutMs ?? 20_000;
    try {
      await client.connect(transport, { timeout });
      if (generation !== this.generation) return;
      this.client = client;
      await this.refreshTools(client, generation);
      if (generation !== this.generation) return;
      this.startedAt = Date.now();
      this.setStatus('ready');
    } catch (error) {
      if (generation !== this.generation) return;
      // A server that died during the handshake is explained by its exit (and stderr).
      await Promise.race([proc.exited, new Promise((resolve) => setTimeout(resolve, 200))]);
      if (proc.hasExited && !proc.spawnError) return;
      const why = proc.spawnError
        ? `could not start "${this.spec.command}": ${proc.spawnError.message}`
        : (transport.failure ?? `did not complete the MCP handshake: ${(error as Error).message}`);
      this.appendLog(`[taskdeck] ${why}`);
      this.error = why;
      // Kill it; the exit handler then applies the restart policy.
      void proc.stop({ stdinGraceMs: 0, termGraceMs: 1000 });
    }
  }

  private async refreshTools(client: Client, generation: number): Promise<void> {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined, {
        timeout: this.options.startTimeoutMs ?? 20_000,
      });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    if (generation !== this.generation) return;
    this.tools = tools;
    this.emit();
  }

  /**
   * The client's connection closed while the server was ready. Mostly the process is
   * exiting, and its exit explains why (onExit). If it still runs (it closed its stdout,
   * or sent a message too large to read), its connection cannot be trusted: the work on
   * it fails with the reason, and the process is stopped so the restart policy applies.
   */
  private async onConnectionClosed(
    generation: number,
    proc: ServerProcess,
    transport: ChildStdioTransport,
  ): Promise<void> {
    if (generation !== this.generation || this.status !== 'ready') return;
    if (!transport.failure) {
      await Promise.race([proc.exited, new Promise((resolve) => setTimeout(resolve, EXIT_AFTER_CLOSE_MS))]);
      if (generation !== this.generation || proc.hasExited) return;
    }
    const reason = `Server ${this.spec.name} ${transport.failure ?? 'closed its output while still running'}`;
    this.connectionFailure = reason;
    this.appendLog(`[taskdeck] ${reason}`);
    this.client = undefined;
    this.hooks.onDisconnect(this.spec.name, reason);
    void proc.stop({ stdinGraceMs: 0, termGraceMs: 1000 });
  }

  private onExit(generation: number, proc: ServerProcess, info: ExitInfo, ownStderr: LineRing): void {
    // Whatever happened, nothing of its process group may outlive it.
    proc.signalGroup('SIGKILL');
    if (generation !== this.generation) return;
    const last = ownStderr.lastLine((line) => !ROUTINE_LINE.test(line));
    const reason =
      this.connectionFailure ?? `Server ${this.spec.name} ${describeExit(info)}${last ? `: ${last}` : ''}`;
    this.appendLog(`[taskdeck] ${reason}`);
    this.lastCrash = { reason, at: Date.now() };
    this.client = undefined;
    this.hooks.onDisconnect(this.spec.name, reason);
    const decision = this.policy.onCrash(Date.now());
    if (decision.action === 'give-up') {
      this.error = `${this.error ?? reason} (crashed ${decision.crashes} times in a row; restart it when fixed)`;
      this.setStatus('crashed');
      return;
    }
    this.error = this.error ?? reason;
    this.setStatus('starting');
    this.restartTimer = setTimeout(() => {
      if (generation !== this.generation) return;
      this.restarts++;
      void this.launch();
    }, decision.delayMs);
  }

  private onStderr(chunk: Buffer, ownStderr: LineRing): void {
    const text = chunk.toString('utf8');
    this.stderr.push(text);
    ownStderr.push(text);
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
    mkdirSync(this.options.logDir, { recursive: true });
    const path = join(this.options.logDir, `${this.spec.name}.log`);
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

import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ChildStdioTransport } from './child-stdio-transport.js';
import type { Connection, ConnectionEvents } from './connection.js';
import { LineRing } from './line-ring.js';
import type { StdioServerSpec } from './server-config.js';
import {
  DEFAULT_STOP_TIMINGS,
  describeExit,
  type ExitInfo,
  ServerProcess,
  type StopTimings,
} from './server-process.js';

/** After its connection closes, how long a server may take to exit before it is stopped. */
const EXIT_AFTER_CLOSE_MS = 1000;
/** Routine log lines (`[name] info: ready`, `DEBUG …`): never the explanation of a crash. */
const ROUTINE_LINE = /^\s*(?:\[[^\]]*\]\s*)?(?:info|debug)\b/i;

/**
 * A server child in its own process group, its stdio as the MCP transport. Its exit ends the
 * connection, explained by the exit code or signal and its last meaningful stderr line.
 */
export class StdioConnection implements Connection {
  readonly tasksOutlive = false;
  private readonly process: ServerProcess;
  private readonly transport: ChildStdioTransport;
  /** This process's own stderr explains its exit (the supervisor's ring spans restarts). */
  private readonly ownStderr = new LineRing(100);
  /** Why the connection was dropped while the process still ran, if it was. */
  private connectionFailure: string | undefined;
  private startError: string | undefined;
  private client: Client | undefined;
  private connected = false;
  private closed = false;

  constructor(
    private readonly spec: StdioServerSpec,
    private readonly events: ConnectionEvents,
    private readonly stopTimings: StopTimings = DEFAULT_STOP_TIMINGS,
  ) {
    this.process = new ServerProcess({
      command: spec.command,
      args: spec.args,
      env: spec.env,
      cwd: spec.cwd,
    });
    this.process.child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.ownStderr.push(text);
      events.output(text);
    });
    void this.process.exited.then((info) => this.onExit(info));
    this.transport = new ChildStdioTransport(this.process.child.stdin, this.process.child.stdout);
    this.transport.onerror = (error) => events.note(error.message);
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  async connect(newClient: () => Client, timeoutMs: number): Promise<Client> {
    const client = newClient();
    this.client = client;
    client.onerror = (error) => this.events.note(error.message);
    client.onclose = () => void this.onConnectionClosed();
    try {
      await client.connect(this.transport, { timeout: timeoutMs });
    } catch (error) {
      this.fail(this.transport.failure ?? `did not complete the MCP handshake: ${(error as Error).message}`);
      throw error;
    }
    this.connected = true;
    return client;
  }

  fail(why: string): void {
    void this.failAfterExitGrace(why);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.close().catch(() => {});
    await this.process.stop(this.stopTimings);
  }

  /** A server that died during the handshake is explained by its exit (and stderr). */
  private async failAfterExitGrace(why: string): Promise<void> {
    await this.process.exitsWithin(200);
    if (this.process.hasExited) return;
    this.events.note(why);
    this.startError = why;
    // Kill it; its exit ends the connection.
    void this.process.stop({ stdinGraceMs: 0, termGraceMs: 1000 });
  }

  /**
   * The client's connection closed while connected. Mostly the process is exiting, and its
   * exit explains why. If it still runs (it closed its stdout, or sent a message too large to
   * read), its connection cannot be trusted: the work on it ends with the reason now, and the
   * process is stopped.
   */
  private async onConnectionClosed(): Promise<void> {
    if (!this.connected || this.closed) return;
    if (!this.transport.failure) {
      await this.process.exitsWithin(EXIT_AFTER_CLOSE_MS);
      if (this.closed || this.process.hasExited) return;
    }
    const reason = `Server ${this.spec.name} ${this.transport.failure ?? 'closed its output while still running'}`;
    this.connectionFailure = reason;
    this.events.note(reason);
    this.events.broken(reason);
    void this.process.stop({ stdinGraceMs: 0, termGraceMs: 1000 });
  }

  private onExit(info: ExitInfo): void {
    // Whatever happened, nothing of its process group may outlive it.
    this.process.signalGroup('SIGKILL');
    if (this.closed) return;
    const spawnError = this.process.spawnError;
    if (spawnError) {
      const why = `could not start "${this.spec.command}": ${spawnError.message}`;
      this.events.note(why);
      this.events.ended({ reason: `Server ${this.spec.name} ${why}`, startError: why });
      return;
    }
    const last = this.ownStderr.lastLine((line) => !ROUTINE_LINE.test(line));
    const reason =
      this.connectionFailure ?? `Server ${this.spec.name} ${describeExit(info)}${last ? `: ${last}` : ''}`;
    this.events.note(reason);
    this.events.ended({ reason, ...(this.startError && { startError: this.startError }) });
  }
}

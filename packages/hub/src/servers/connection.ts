import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

/** How a connection ended, for the supervisor's restart policy and the user. */
export interface ConnectionEnd {
  /** What happened, for the task errors, the log and "Last crash". */
  reason: string;
  /** Why this attempt never got connected (the handshake failed), kept as the server's error. */
  startError?: string;
  /**
   * `retry` (the default): try again under the restart policy. `retry-now`: the same, without
   * waiting (a remote session that expired). `sign-in`: the server wants authorization; no retry
   * until the user acts.
   */
  next?: 'retry' | 'retry-now' | 'sign-in';
}

/** What a connection tells its supervisor. Each is called from I/O callbacks: never throws. */
export interface ConnectionEvents {
  /** Text the server wrote on its own (a child's stderr), as it came. */
  output(text: string): void;
  /** One line about the connection itself (connected, session id, a failed request's HTTP status). */
  note(line: string): void;
  /**
   * The connection can carry no more messages: calls waiting on it must end now, with this
   * reason (`ended` follows once it is torn down).
   */
  broken(reason: string): void;
  /** The connection is gone for good, after `connect` resolved or rejected; called once. */
  ended(end: ConnectionEnd): void;
}

/**
 * One attempt to reach a server: a child process over its stdio, or a remote endpoint over
 * Streamable HTTP. The supervisor owns the lifecycle (status, restarts, tools, log) and makes
 * a new Connection for each attempt; the connection owns the transport and how it fails.
 */
export interface Connection {
  /** The child's process id (stdio only). */
  readonly pid?: number;
  /**
   * Whether tasks created over this connection outlive it: a child's tasks die with it, a remote
   * server's tasks keep running there and are followed again by id after a reconnect.
   */
  readonly tasksOutlive: boolean;
  /**
   * Connects a client made by `newClient` (handlers installed) and completes the MCP handshake;
   * resolves with the connected client. On failure it rejects, and `ended` follows.
   */
  connect(newClient: () => Client, timeoutMs: number): Promise<Client>;
  /**
   * The supervisor gives up on this attempt (the connected server would not list its tools):
   * it is torn down and `ended` follows, with `why` as the start error unless the server's own
   * end explains more. `cause` is the error that made it give up (a refusal for lack of
   * authorization waits for the user instead of a retry).
   */
  fail(why: string, cause?: unknown): void;
  /** Ends it (client, process, session) for the user's stop or a restart: no `ended` after this. */
  close(): Promise<void>;
}

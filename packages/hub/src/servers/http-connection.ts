import { type OAuthClientProvider, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport, SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
  type StreamableHTTPReconnectionOptions,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { StepUpRequired } from '../auth/auth-fetch.js';
import type { Connection, ConnectionEnd, ConnectionEvents } from './connection.js';
import type { RemoteServerSpec } from './server-config.js';

export interface HttpConnectionOptions {
  /**
   * The SDK's own reconnection of a dropped event stream (resumed with `Last-Event-ID`). Once it
   * gives up, the connection is lost and the supervisor's backoff takes over.
   */
  streamReconnection?: StreamableHTTPReconnectionOptions;
  /**
   * Authorization (OAuth 2.1) for a server: the SDK's provider once the user signed in (without
   * one, a 401 leaves the server `needs_sign_in`), and the fetch its transports use.
   */
  auth?: (server: RemoteServerSpec) => { authProvider?: OAuthClientProvider; fetch?: FetchLike };
  /** How long the user's stop waits for the server to end the session (HTTP DELETE). */
  endSessionTimeoutMs?: number;
}

const STREAM_RECONNECTION: StreamableHTTPReconnectionOptions = {
  initialReconnectionDelay: 500,
  maxReconnectionDelay: 5000,
  reconnectionDelayGrowFactor: 2,
  maxRetries: 3,
};

/** What went wrong on the wire, sorted by what follows. */
interface Failure {
  kind: 'unauthorized' | 'session-expired' | 'unreachable' | 'refused' | 'other';
  /** Reads after "Server <name> ": "answered HTTP 404 …". */
  text: string;
}

type HttpTransport = StreamableHTTPClientTransport | SSEClientTransport;

/**
 * A remote MCP server over Streamable HTTP (2025-11-25) through the SDK's client transport,
 * which keeps the session id, sends `MCP-Protocol-Version`, listens on the GET stream and
 * resumes a dropped stream with `Last-Event-ID`. A server that answers the first POST with a
 * 4xx other than 401/403 is tried with the legacy HTTP+SSE transport, as the spec's
 * backwards-compatibility section says (`type: "sse"` uses only that one).
 *
 * The SDK's transport never closes by itself, so this connection reads its errors: an endpoint
 * that cannot be reached, or an event stream that could not be resumed, ends the connection
 * (the supervisor connects again with backoff); 404 on the session ends it for a new session
 * at once; 401 leaves it waiting for sign-in. Tasks outlive it: they run on the server.
 * Headers are never logged (they may carry tokens).
 */
export class HttpConnection implements Connection {
  readonly tasksOutlive = true;
  private transport: HttpTransport | undefined;
  private client: Client | undefined;
  private connected = false;
  private over = false;

  constructor(
    private readonly spec: RemoteServerSpec,
    private readonly events: ConnectionEvents,
    private readonly options: HttpConnectionOptions = {},
  ) {}

  async connect(newClient: () => Client, timeoutMs: number): Promise<Client> {
    const where = displayUrl(this.spec.url);
    let client: Client;
    try {
      if (this.spec.transport === 'sse') {
        this.events.note(`connecting to ${where} (HTTP+SSE)`);
        client = await this.connectWith('sse', newClient, timeoutMs);
      } else {
        this.events.note(`connecting to ${where} (Streamable HTTP)`);
        try {
          client = await this.connectWith('streamable', newClient, timeoutMs);
        } catch (error) {
          const code = httpStatus(error);
          if (code === undefined || code < 400 || code >= 500 || code === 401 || code === 403) throw error;
          this.events.note(`it answered HTTP ${code}: trying the legacy HTTP+SSE transport`);
          try {
            client = await this.connectWith('sse', newClient, timeoutMs);
          } catch (legacyError) {
            this.events.note(
              `the legacy HTTP+SSE transport failed too: ${brief((legacyError as Error).message)}`,
            );
            throw httpStatus(legacyError) === 401 ? legacyError : error;
          }
        }
      }
    } catch (error) {
      const failure = classify(error, this.spec.url, false);
      this.end({
        reason: `Server ${this.spec.name} ${failure.text}`,
        startError: failure.text,
        next: failure.kind === 'unauthorized' ? 'sign-in' : 'retry',
      });
      throw error;
    }
    this.connected = true;
    const transport = this.transport;
    const session = transport instanceof StreamableHTTPClientTransport ? transport.sessionId : undefined;
    const version =
      transport instanceof StreamableHTTPClientTransport ? transport.protocolVersion : undefined;
    this.events.note(
      `connected${session ? `, session ${session}` : ' (no session)'}${version ? `, protocol ${version}` : ''}` +
        (transport instanceof SSEClientTransport ? ' over the legacy HTTP+SSE transport' : ''),
    );
    return client;
  }

  fail(why: string, cause?: unknown): void {
    // A server that wants more scope before it lists its tools waits for a sign-in, not a retry.
    const next = cause instanceof StepUpRequired ? 'sign-in' : 'retry';
    this.end({ reason: `Server ${this.spec.name} ${why}`, startError: why, next });
  }

  /** The user's stop: the session is ended on the server (HTTP DELETE), briefly waited for. */
  async close(): Promise<void> {
    this.over = true;
    const transport = this.transport;
    if (transport instanceof StreamableHTTPClientTransport && transport.sessionId) {
      const timeout = new Promise((resolve) => setTimeout(resolve, this.options.endSessionTimeoutMs ?? 2000));
      await Promise.race([transport.terminateSession().catch(() => {}), timeout]);
    }
    await this.client?.close().catch(() => {});
  }

  private async connectWith(
    kind: 'streamable' | 'sse',
    newClient: () => Client,
    timeoutMs: number,
  ): Promise<Client> {
    const url = new URL(this.spec.url);
    const { authProvider, fetch } = this.options.auth?.(this.spec) ?? {};
    const requestInit: RequestInit = { headers: this.spec.headers };
    const transport: HttpTransport =
      kind === 'streamable'
        ? new StreamableHTTPClientTransport(url, {
            requestInit,
            authProvider,
            fetch,
            reconnectionOptions: this.options.streamReconnection ?? STREAM_RECONNECTION,
          })
        : new SSEClientTransport(url, { requestInit, authProvider, fetch });
    transport.onerror = (error) => this.onTransportError(error);
    const client = newClient();
    this.transport = transport;
    this.client = client;
    await client.connect(transport, { timeout: timeoutMs });
    return client;
  }

  /** Every error the transport reports once connected: noted, and some end the connection. */
  private onTransportError(error: Error): void {
    if (!this.connected || this.over) return;
    const transport = this.transport;
    const hasSession =
      transport instanceof StreamableHTTPClientTransport && transport.sessionId !== undefined;
    const failure = classify(error, this.spec.url, true, hasSession);
    if (failure.kind === 'other') {
      this.events.note(failure.text);
      return;
    }
    const next =
      failure.kind === 'unauthorized'
        ? 'sign-in'
        : failure.kind === 'session-expired'
          ? 'retry-now'
          : 'retry';
    this.end({ reason: `Server ${this.spec.name} ${failure.text}`, next });
  }

  /**
   * Closes the client first, so every request waiting on it fails as "connection closed" and
   * leaves its call to the supervisor's reason; then says the connection ended.
   */
  private end(end: ConnectionEnd): void {
    if (this.over) return;
    this.over = true;
    void this.client?.close().catch(() => {});
    this.events.note(end.reason);
    this.events.ended(end);
  }
}

/** The URL as shown and logged: no user name, password, query or fragment (they may hold keys). */
export function displayUrl(text: string): string {
  try {
    const url = new URL(text);
    return `${url.protocol}//${url.host}${url.pathname}${url.search ? '?…' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}

function httpStatus(error: unknown): number | undefined {
  if (error instanceof StreamableHTTPError || error instanceof SseError) return error.code;
  return undefined;
}

/**
 * Sorts a transport error by what follows, with a sentence for the user (never a header).
 * `connected`: the session was made (a 404 then means it ended, if the server gave it an id);
 * else this is the handshake.
 */
function classify(error: unknown, url: string, connected: boolean, hasSession = false): Failure {
  const where = displayUrl(url);
  const code = httpStatus(error);
  if (error instanceof UnauthorizedError || code === 401)
    return { kind: 'unauthorized', text: `answered HTTP 401 Unauthorized: it needs sign-in (${where})` };
  // A step-up fails the one request that needed more scope; the session goes on.
  if (error instanceof StepUpRequired)
    return connected
      ? { kind: 'other', text: error.message }
      : {
          kind: 'unauthorized',
          text: `needs more access${error.scope ? ` (scope: ${error.scope})` : ''}: sign in again`,
        };
  const detail = brief((error as Error)?.message ?? String(error));
  // The GET event stream is optional (a server may not offer one): without it the session goes
  // on, only its notifications cannot arrive (tasks are then polled). A 404 there ends the
  // session only when there is one.
  const eventStream = error instanceof StreamableHTTPError && detail.includes('Failed to open SSE stream');
  if (code === 404 && connected && error instanceof StreamableHTTPError && (!eventStream || hasSession))
    return { kind: 'session-expired', text: 'answered HTTP 404: the session ended; starting a new one' };
  if (eventStream && code !== undefined && code >= 400 && code < 500 && code !== 403)
    return {
      kind: 'other',
      text: `offers no event stream (HTTP ${code}): its notifications cannot arrive; tasks are polled`,
    };
  if (code === 502 || code === 503 || code === 504)
    return { kind: 'unreachable', text: `is unavailable (HTTP ${code}) at ${where}` };
  if (connected && error instanceof SseError)
    return { kind: 'unreachable', text: `lost its HTTP+SSE stream (${detail})` };
  if (code !== undefined && code > 0)
    return { kind: 'refused', text: `answered HTTP ${code} at ${where}: ${detail}` };
  const network = networkCause(error);
  if (network) return { kind: 'unreachable', text: `cannot be reached at ${where} (${network})` };
  if (detail.startsWith('Maximum reconnection attempts'))
    return { kind: 'unreachable', text: 'lost its event stream and could not resume it' };
  if (!connected) return { kind: 'other', text: `did not complete the MCP handshake: ${detail}` };
  if (detail.startsWith('SSE stream disconnected'))
    return { kind: 'other', text: `the event stream dropped (${detail}); resuming it with Last-Event-ID` };
  return { kind: 'other', text: detail };
}

/** The system error of a failed request (ECONNREFUSED, ENOTFOUND…), or undefined for other errors. */
function networkCause(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown; message?: string } } | undefined)?.cause;
  if (cause?.code === 'UND_ERR_SOCKET') return 'the server closed the connection';
  if (typeof cause?.code === 'string') return cause.code;
  if (error instanceof TypeError && error.message.includes('fetch failed'))
    return cause?.message ?? 'the request failed';
  return undefined;
}

function brief(message: string | undefined): string {
  const text = (message ?? '').replace(/\s+/g, ' ').trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

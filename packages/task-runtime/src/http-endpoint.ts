import { randomUUID } from 'node:crypto';
import {
  createServer,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { BoundedEventStore } from './event-store.js';
import { HttpAccess, isWildcard, urlHostname } from './http-access.js';
import type { HttpOptions } from './serve-options.js';
import { stderrLog } from './stderr-log.js';
import type { TaskServer } from './task-server.js';

export const MCP_PATH = '/mcp';
/** The bound the SDK's transport puts on a request body. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** The SSE `retry` a client waits before it resumes a stream the server closed. */
const RETRY_MS = 1000;

export interface SessionLimits {
  /** Open sessions at most; an initialize beyond it is answered 503. */
  maxSessions: number;
  /** A session with no request and no open stream for this long is closed (its tasks go on). */
  idleMs: number;
}

const DEFAULT_LIMITS: SessionLimits = { maxSessions: 100, idleMs: 30 * 60 * 1000 };

interface HttpSession {
  transport: StreamableHTTPServerTransport;
  lastSeen: number;
  /** Requests being answered; an open SSE stream counts until it closes. */
  open: number;
}

/**
 * A TaskServer over Streamable HTTP at `/mcp`: stateful sessions (one SDK transport and
 * one connection of the TaskServer each), resumable SSE streams (a bounded event store
 * per session), the Host/Origin/token checks of HttpAccess before anything else, 404 for
 * an unknown or terminated session and 400 for a request without one. Sessions a client
 * abandoned are closed once idle; tasks are the TaskServer's and outlive them.
 */
export class McpHttpEndpoint {
  private readonly sessions = new Map<string, HttpSession>();
  private readonly access: HttpAccess;
  private readonly limits: SessionLimits;
  private readonly sweeper: NodeJS.Timeout;

  private constructor(
    private readonly server: TaskServer,
    private readonly options: HttpOptions,
    private readonly http: HttpServer,
    limits: Partial<SessionLimits>,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    // The real port: with --port 0 it is chosen at listen.
    this.access = new HttpAccess({ ...options, port: this.port, realm: server.identity.name });
    this.sweeper = setInterval(() => this.closeIdle(), Math.min(this.limits.idleMs / 2, 60_000));
    this.sweeper.unref();
  }

  /** Listens; rejects when the address cannot be used (in use, not this machine's). */
  static async listen(
    server: TaskServer,
    options: HttpOptions,
    limits: Partial<SessionLimits> = {},
  ): Promise<McpHttpEndpoint> {
    let endpoint: McpHttpEndpoint | undefined;
    const http = createServer((req, res) => {
      if (endpoint) void endpoint.handle(req, res);
      else res.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port, options.host, () => {
        http.off('error', reject);
        resolve();
      });
    });
    endpoint = new McpHttpEndpoint(server, options, http, limits);
    return endpoint;
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  /** The URL clients use (a wildcard listen address is shown as this machine's name). */
  get url(): string {
    const { host } = this.options;
    const name = isWildcard(host) ? hostname() : urlHostname(host);
    return `http://${name}:${this.port}${MCP_PATH}`;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Closes every session and stops listening. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.values()].map((s) => s.transport.close()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const refusal = this.access.check({
        host: req.headers.host,
        origin: req.headers.origin,
        authorization: req.headers.authorization,
      });
      if (refusal) return reply(res, refusal.status, refusal.message, refusal.headers);
      if (new URL(req.url ?? '/', 'http://x').pathname !== MCP_PATH) {
        return reply(res, 404, `Not found: the MCP endpoint is ${MCP_PATH}`);
      }
      const sessionId = header(req, 'mcp-session-id');
      if (sessionId !== undefined) {
        const session = this.sessions.get(sessionId);
        if (!session) return reply(res, 404, 'Session not found', undefined, -32001);
        return await this.serve(session, req, res);
      }
      if (req.method === 'POST') return await this.initialize(req, res);
      if (req.method === 'GET' || req.method === 'DELETE') {
        return reply(res, 400, 'Bad Request: Mcp-Session-Id header is required');
      }
      return reply(res, 405, 'Method not allowed.', { Allow: 'GET, POST, DELETE' });
    } catch (error) {
      stderrLog(
        this.server.identity.name,
        'error',
        `HTTP ${req.method} failed: ${(error as Error).stack ?? error}`,
      );
      if (!res.headersSent) reply(res, 500, 'Internal error');
      else res.destroy();
    }
  }

  /** A POST without a session: only an initialize request starts one. */
  private async initialize(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (body === undefined) return reply(res, 413, `Payload Too Large: at most ${MAX_BODY_BYTES} bytes`);
    let message: unknown;
    try {
      message = JSON.parse(body);
    } catch {
      return reply(res, 400, 'Parse error: Invalid JSON', undefined, -32700);
    }
    if (!isInitializeRequest(message)) {
      return reply(
        res,
        400,
        'Bad Request: Mcp-Session-Id header is required (only initialize starts a session)',
      );
    }
    if (this.sessions.size >= this.limits.maxSessions) {
      return reply(
        res,
        503,
        `Too many sessions (${this.limits.maxSessions}): close one (HTTP DELETE) or wait for an idle one to expire`,
      );
    }
    const name = this.server.identity.name;
    const session: HttpSession = {
      transport: new StreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        eventStore: new BoundedEventStore(),
        retryInterval: RETRY_MS,
        onsessioninitialized: (id) => {
          this.sessions.set(id, session);
        },
      }),
      lastSeen: Date.now(),
      open: 0,
    };
    const { transport } = session;
    transport.onclose = () => {
      if (transport.sessionId !== undefined) this.sessions.delete(transport.sessionId);
    };
    transport.onerror = (error) => stderrLog(name, 'warn', `HTTP session: ${error.message}`);
    await this.server.connect(transport);
    await this.serve(session, req, res, message);
    // The transport refused the request (e.g. a wrong Accept header): no session began.
    if (transport.sessionId === undefined) await transport.close();
  }

  private async serve(session: HttpSession, req: IncomingMessage, res: ServerResponse, body?: unknown) {
    session.open++;
    session.lastSeen = Date.now();
    res.once('close', () => {
      session.open--;
      session.lastSeen = Date.now();
    });
    await session.transport.handleRequest(req, res, body);
  }

  private closeIdle(): void {
    const now = Date.now();
    for (const [id, session] of this.sessions) {
      if (session.open > 0 || now - session.lastSeen < this.limits.idleMs) continue;
      stderrLog(
        this.server.identity.name,
        'info',
        `closing session ${id}: idle for ${this.limits.idleMs} ms`,
      );
      void session.transport.close();
    }
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The body as text, or undefined when it is larger than MAX_BODY_BYTES. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  if (Number(req.headers['content-length']) > MAX_BODY_BYTES) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** An HTTP error with a JSON-RPC error body, as the SDK's transport answers its own. */
function reply(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
  code = -32000,
): void {
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

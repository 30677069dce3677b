import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type Server as NodeServer,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemoryTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import {
  type EventStore,
  StreamableHTTPServerTransport,
} from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  type JSONRPCMessage,
  ListToolsRequestSchema,
  type ServerNotification,
} from '@modelcontextprotocol/sdk/types.js';
import type { TestAuthorizationServer } from './test-authorization-server.js';

export interface HttpMcpServerOptions {
  /** 0 (default): any free port. Always on 127.0.0.1. */
  port?: number;
  /** Every request must carry `Authorization: Bearer <token>`, else HTTP 401. */
  token?: string;
  /** Serve only the legacy HTTP+SSE transport: GET /sse opens the stream, POST /messages. */
  legacy?: boolean;
  /** An OAuth-protected resource (MCP authorization), with tokens of this authorization server. */
  oauth?: ProtectedResourceOptions;
  /** Offers no GET event stream: answers it with this status (the spec says 405; some say 400). */
  noEventStream?: number;
}

export interface ProtectedResourceOptions {
  authorizationServer: TestAuthorizationServer;
  /** Every request needs these; also the `scope` of its 401 challenge. */
  scopes: string[];
  /** Calling one of these tools needs these scopes too: else 403 insufficient_scope naming them. */
  toolScopes?: Record<string, string[]>;
  /** The same for a JSON-RPC method (`tools/list`…). */
  methodScopes?: Record<string, string[]>;
}

/** What a request carried, for assertions (the Authorization header only as present or not). */
export interface SeenRequest {
  httpMethod: string;
  path: string;
  rpcMethod?: string;
  sessionId?: string;
  lastEventId?: string;
  protocolVersion?: string;
  authorized: boolean;
  status?: number;
}

const DEPLOY_SCHEMA = {
  type: 'object' as const,
  properties: {
    service: { type: 'string', title: 'Service' },
    version: { type: 'string', title: 'Version' },
    stepMs: { type: 'integer', title: 'Step duration (ms)', minimum: 1, maximum: 10_000 },
  },
  required: ['service', 'version'],
};
const DEPLOY_STEPS = [
  'building the image',
  'pushing the image',
  'starting the new version',
  'shifting traffic',
  'health check',
];

const INPUT_SCHEMA = {
  type: 'object' as const,
  properties: {
    steps: { type: 'integer', title: 'Steps', minimum: 1, maximum: 1000 },
    stepMs: { type: 'integer', title: 'Step duration (ms)', minimum: 1, maximum: 10_000 },
    text: { type: 'string', title: 'Text' },
  },
};

/**
 * A small MCP server over Streamable HTTP on 127.0.0.1, built on the SDK like a third-party
 * server, that a test can misbehave with: expire every session (404 on the next request), drop
 * the event streams (resumed with Last-Event-ID from its event store), stop and start again on
 * the same port with all its tasks forgotten. Its tasks are not bound to a session (one task
 * store per run of the server), so they outlive an expired session.
 *
 * Tools: `count` (a task: `steps` steps of `stepMs`, progress and a status message per step,
 * cancellable), `deploy` (a task: five named steps of `stepMs`), `echo` and `roots` (the roots
 * the client names), plain. With `oauth` it is a protected resource (MCP authorization): it
 * serves its protected-resource metadata (RFC 9728) and answers a request without a live token
 * of its authorization server, issued for its URL, with 401 and a `WWW-Authenticate` challenge.
 */
export class HttpMcpServer {
  readonly requests: SeenRequest[] = [];
  private http: NodeServer | undefined;
  private port = 0;
  private sessions = new Map<
    string,
    { transport: StreamableHTTPServerTransport | SSEServerTransport; server: Server }
  >();
  private taskStore = new InMemoryTaskStore();
  /** Bumped by stop: the task loops of an earlier run end. */
  private run = 0;

  private constructor(private readonly options: HttpMcpServerOptions) {}

  static async start(options: HttpMcpServerOptions = {}): Promise<HttpMcpServer> {
    const server = new HttpMcpServer(options);
    await server.listen(options.port ?? 0);
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}${this.options.legacy ? '/sse' : '/mcp'}`;
  }

  /** How many MCP sessions were initialized (or legacy streams opened) so far. */
  sessionsStarted = 0;

  /** Forgets every session: each client's next request is answered 404. */
  expireSessions(): void {
    for (const { transport } of this.sessions.values()) void transport.close();
    this.sessions.clear();
  }

  /** Closes the GET event stream of every session (an idle proxy, a network blip). */
  dropStreams(): void {
    for (const { transport } of this.sessions.values())
      if (transport instanceof StreamableHTTPServerTransport) transport.closeStandaloneSSEStream();
  }

  /** Sends a notification on every session's event stream (stored for replay while a stream is down). */
  async broadcast(notification: ServerNotification): Promise<void> {
    await Promise.all(
      [...this.sessions.values()].map(({ server }) => server.notification(notification).catch(() => {})),
    );
  }

  /** Stops listening and drops every connection; its sessions and tasks are gone. */
  async stop(): Promise<void> {
    this.run++;
    const http = this.http;
    this.http = undefined;
    for (const { transport } of this.sessions.values()) void transport.close().catch(() => {});
    this.sessions.clear();
    this.taskStore.cleanup();
    this.taskStore = new InMemoryTaskStore();
    if (!http) return;
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }

  /** A restart of the server process: gone, then back on the same port, knowing nothing. */
  async restart(pauseMs = 0): Promise<void> {
    await this.stop();
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    await this.listen(this.port);
  }

  private async listen(port: number): Promise<void> {
    const http = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, '127.0.0.1', () => resolve());
    });
    this.http = http;
    this.port = (http.address() as AddressInfo).port;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    const header = (name: string) => req.headers[name] as string | undefined;
    const seen: SeenRequest = {
      httpMethod: req.method ?? '',
      path: new URL(req.url ?? '/', 'http://x').pathname,
      rpcMethod: (body as { method?: string } | undefined)?.method,
      sessionId: header('mcp-session-id'),
      lastEventId: header('last-event-id'),
      protocolVersion: header('mcp-protocol-version'),
      authorized: header('authorization') !== undefined,
    };
    this.requests.push(seen);
    res.on('finish', () => {
      seen.status = res.statusCode;
    });
    try {
      if (this.options.token && header('authorization') !== `Bearer ${this.options.token}`) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
        return;
      }
      if (this.options.oauth && !this.authorized(seen, header('authorization'), body, res)) return;
      if (this.options.legacy) await this.handleLegacy(req, res, seen, body);
      else await this.handleStreamable(req, res, seen, body);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    }
  }

  /** Where this server's protected-resource metadata is (RFC 9728: the well-known path + the resource's path). */
  get resourceMetadataUrl(): string {
    return `http://127.0.0.1:${this.port}/.well-known/oauth-protected-resource/mcp`;
  }

  /** Answers the metadata, or a 401/403 challenge, and returns false; true when the request may go on. */
  private authorized(
    seen: SeenRequest,
    authorization: string | undefined,
    body: unknown,
    res: ServerResponse,
  ): boolean {
    const oauth = this.options.oauth as ProtectedResourceOptions;
    if (seen.httpMethod === 'GET' && new URL(this.resourceMetadataUrl).pathname === seen.path) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          resource: this.url,
          authorization_servers: [oauth.authorizationServer.issuer],
          scopes_supported: [
            ...new Set([
              ...oauth.scopes,
              ...Object.values({ ...oauth.toolScopes, ...oauth.methodScopes }).flat(),
            ]),
          ],
          bearer_methods_supported: ['header'],
        }),
      );
      return false;
    }
    const challenge = (scopes: string[], error?: string) =>
      `Bearer ${error ? `error="${error}", ` : ''}scope="${scopes.join(' ')}", resource_metadata="${this.resourceMetadataUrl}"`;
    const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    const grant = token ? oauth.authorizationServer.verify(token) : undefined;
    if (!grant || grant.resource?.href !== this.url) {
      res
        .writeHead(401, {
          'content-type': 'application/json',
          'www-authenticate': challenge(oauth.scopes, token ? 'invalid_token' : undefined),
        })
        .end('{"error":"invalid_token"}');
      return false;
    }
    const tool =
      seen.rpcMethod === 'tools/call' ? (body as { params?: { name?: string } }).params?.name : undefined;
    const needed = [
      ...oauth.scopes,
      ...((tool && oauth.toolScopes?.[tool]) || []),
      ...((seen.rpcMethod && oauth.methodScopes?.[seen.rpcMethod]) || []),
    ];
    const missing = needed.filter((scope) => !grant.scopes.includes(scope));
    if (missing.length > 0) {
      // RFC 6750 §3.1: the scopes this request needs (SEP-2350: the client adds what it had).
      res
        .writeHead(403, {
          'content-type': 'application/json',
          'www-authenticate': challenge(missing, 'insufficient_scope'),
        })
        .end('{"error":"insufficient_scope"}');
      return false;
    }
    return true;
  }

  private async handleStreamable(
    req: IncomingMessage,
    res: ServerResponse,
    seen: SeenRequest,
    body: unknown,
  ): Promise<void> {
    if (seen.path !== '/mcp') {
      res.writeHead(404).end();
      return;
    }
    if (req.method === 'GET' && this.options.noEventStream) {
      res.writeHead(this.options.noEventStream).end('No event stream here');
      return;
    }
    if (seen.sessionId) {
      const session = this.sessions.get(seen.sessionId);
      if (!session) {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end('{"jsonrpc":"2.0","error":{"code":-32001,"message":"Session not found"},"id":null}');
        return;
      }
      await (session.transport as StreamableHTTPServerTransport).handleRequest(req, res, body);
      return;
    }
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      eventStore: new SequenceEventStore(),
      onsessioninitialized: (id) => {
        this.sessionsStarted++;
        this.sessions.set(id, { transport, server });
      },
    });
    const server = this.mcpServer();
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  private async handleLegacy(
    req: IncomingMessage,
    res: ServerResponse,
    seen: SeenRequest,
    body: unknown,
  ): Promise<void> {
    if (req.method === 'GET' && seen.path === '/sse') {
      const transport = new SSEServerTransport('/messages', res);
      const server = this.mcpServer();
      this.sessions.set(transport.sessionId, { transport, server });
      this.sessionsStarted++;
      await server.connect(transport);
      return;
    }
    const id = new URL(req.url ?? '/', 'http://x').searchParams.get('sessionId') ?? '';
    const session = this.sessions.get(id);
    if (req.method === 'POST' && seen.path === '/messages' && session) {
      await (session.transport as SSEServerTransport).handlePostMessage(req, res, body);
      return;
    }
    res.writeHead(404).end();
  }

  private mcpServer(): Server {
    const server = new Server(
      { name: 'http-fixture', version: '1.0.0' },
      {
        capabilities: { tools: {}, tasks: { requests: { tools: { call: {} } }, cancel: {}, list: {} } },
        taskStore: this.taskStore,
      },
    );
    server.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: [
        {
          name: 'count',
          description: 'Counts `steps` steps of `stepMs` each, as a task',
          inputSchema: INPUT_SCHEMA,
          execution: { taskSupport: 'required' },
        },
        {
          name: 'deploy',
          description: 'Deploys a version of a service, as a task',
          inputSchema: DEPLOY_SCHEMA,
          execution: { taskSupport: 'required' },
        },
        { name: 'echo', description: 'Echoes its text', inputSchema: INPUT_SCHEMA },
        { name: 'roots', description: 'The roots the client names', inputSchema: INPUT_SCHEMA },
      ],
    }));
    server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const args = request.params.arguments ?? {};
      if (request.params.name === 'roots')
        return { content: [{ type: 'text', text: JSON.stringify((await server.listRoots()).roots) }] };
      if (request.params.name === 'echo')
        return { content: [{ type: 'text', text: String(args.text ?? '') }] };
      const { name } = request.params;
      if ((name !== 'count' && name !== 'deploy') || !request.params.task)
        throw new Error(`${name} is a task tool`);
      // The raw store, not the request's: the task belongs to this run of the server, not to a session.
      const task = await this.taskStore.createTask(
        {
          ttl: request.params.task.ttl ?? 60_000,
          pollInterval: 1000,
        },
        extra.requestId,
        request,
      );
      const progressToken = request.params._meta?.progressToken;
      if (name === 'deploy')
        void this.runSteps(
          task.taskId,
          progressToken,
          DEPLOY_STEPS.length,
          Number(args.stepMs ?? 400),
          (step) => DEPLOY_STEPS[step - 1] as string,
          `deployed ${String(args.service)} ${String(args.version)}`,
        );
      else {
        const steps = Number(args.steps ?? 5);
        void this.runSteps(
          task.taskId,
          progressToken,
          steps,
          Number(args.stepMs ?? 50),
          (step) => `step ${step} of ${steps}`,
          `counted to ${steps}`,
        );
      }
      return { task };
    });
    return server;
  }

  private async runSteps(
    taskId: string,
    progressToken: string | number | undefined,
    steps: number,
    stepMs: number,
    message: (step: number) => string,
    done: string,
  ) {
    const run = this.run;
    const store = this.taskStore;
    for (let step = 1; step <= steps; step++) {
      await new Promise((resolve) => setTimeout(resolve, stepMs));
      if (run !== this.run) return;
      const task = await store.getTask(taskId);
      if (!task || task.status === 'cancelled') {
        if (task) await this.broadcast({ method: 'notifications/tasks/status', params: task });
        return;
      }
      if (progressToken !== undefined)
        await this.broadcast({
          method: 'notifications/progress',
          params: { progressToken, progress: step, total: steps, message: message(step) },
        });
    }
    const result: CallToolResult = { content: [{ type: 'text', text: done }] };
    await store.storeTaskResult(taskId, 'completed', result);
    const finished = await store.getTask(taskId);
    if (finished && run === this.run)
      await this.broadcast({ method: 'notifications/tasks/status', params: finished });
  }
}

/**
 * Every event of a session, numbered, for replay after `Last-Event-ID` (the SDK's example store
 * cannot tell the GET stream's id, `_GET_stream`, back from its event ids).
 */
class SequenceEventStore implements EventStore {
  private readonly events: { id: string; streamId: string; message: JSONRPCMessage }[] = [];

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    const id = String(this.events.length + 1);
    this.events.push({ id, streamId, message });
    return id;
  }

  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    return this.events[Number(eventId) - 1]?.streamId;
  }

  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> },
  ): Promise<string> {
    const last = this.events[Number(lastEventId) - 1];
    if (!last) throw new Error(`Unknown event ${lastEventId}`);
    for (const event of this.events.slice(Number(lastEventId)))
      if (event.streamId === last.streamId) await send(event.id, event.message);
    return last.streamId;
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}
